//! `data/`: YAML, JSON, TOML and CSV files for templates, as Hugo's and Zola's sites keep
//! them. Each file is one value under `site.data`, by its path without the extension
//! (`data/kontakt/kontor.yaml` is `site.data.kontakt.kontor`); a CSV file is a list of
//! rows keyed by its header. A file that does not parse is an error at its line.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;

/// The folder beside `content/`.
pub const DATA_DIR: &str = "data";

/// Every data file below `root/data/`, never through a link that leaves the site.
pub fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> Value {
    let mut out = Map::new();
    let site_root = crate::walk::SiteRoot::new(root);
    let (entries, d) = site_root.walk(&root.join(DATA_DIR), |name| name.starts_with('.'));
    diags.extend(d);
    for e in entries.iter().filter(|e| !e.is_dir) {
        let shown = PathBuf::from(DATA_DIR).join(&e.rel);
        let Some((stem, ext)) = e.rel.rsplit_once('.') else {
            continue;
        };
        let text = match std::fs::read_to_string(&e.abs) {
            Ok(t) => t,
            Err(err) => {
                diags.push(
                    Diagnostic::error(format!("cannot read the file: {err}")).in_file(&shown),
                );
                continue;
            }
        };
        let text = text
            .strip_prefix('\u{feff}')
            .unwrap_or(&text)
            .replace("\r\n", "\n");
        let value = match ext.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => {
                crate::yaml::parse(&text).map_err(|e| (e.message_in_file(1), e.line, e.column))
            }
            "json" => serde_json::from_str::<Value>(&text)
                .map_err(|e| (e.to_string(), e.line(), e.column())),
            "toml" => crate::toml_text::parse(&text),
            "csv" => csv_rows(&text),
            _ => {
                diags.push(
                    Diagnostic::warning("not read: data files are .yaml, .json, .toml or .csv")
                        .in_file(&shown),
                );
                continue;
            }
        };
        match value {
            Ok(v) => insert(&mut out, stem, v),
            Err((message, line, column)) => diags.push(
                Diagnostic::error(format!("cannot read this data file: {message}"))
                    .in_file(&shown)
                    .at_line_col(&text, line.max(1), column.max(1), 1)
                    .hint("check the file's syntax at this line"),
            ),
        }
    }
    Value::Object(out)
}

/// Puts `value` at the key path `stem` (`kontakt/kontor`), making maps on the way.
fn insert(out: &mut Map<String, Value>, stem: &str, value: Value) {
    let mut parts: Vec<&str> = stem.split('/').collect();
    let last = parts.pop().unwrap_or(stem);
    let mut map = out;
    for p in parts {
        let next = map
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(m) = next else { return };
        map = m;
    }
    map.insert(last.to_string(), value);
}

type Parsed = Result<Value, (String, usize, usize)>;

/// CSV as a list of rows, each a map from the header's names to the cells' text.
fn csv_rows(text: &str) -> Parsed {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let position = |e: &csv::Error| e.position().map_or((1, 1), |p| (p.line() as usize, 1));
    let headers = reader
        .headers()
        .map_err(|e| (e.to_string(), position(&e).0, 1))?
        .clone();
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(|e| {
            let (line, column) = position(&e);
            (e.to_string(), line, column)
        })?;
        let row: Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, c)| (h.to_string(), Value::String(c.to_string())))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_becomes_a_value_under_its_path() {
        let site = tempfile::tempdir().unwrap();
        let data = site.path().join(DATA_DIR);
        std::fs::create_dir_all(data.join("kontakt")).unwrap();
        std::fs::write(
            data.join("kontakt/kontor.yaml"),
            "telefon: \"22 33 44 55\"\n",
        )
        .unwrap();
        std::fs::write(data.join("tall.json"), "{\"n\": 3}").unwrap();
        std::fs::write(
            data.join("oppsett.toml"),
            "navn = \"x\"\nnar = 2019-01-15\n",
        )
        .unwrap();
        std::fs::write(data.join("liste.csv"), "navn,by\nA,Oslo\nB,Bergen\n").unwrap();
        let mut diags = vec![];
        let v = load(site.path(), &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(v["kontakt"]["kontor"]["telefon"], "22 33 44 55");
        assert_eq!(v["tall"]["n"], 3);
        assert_eq!(v["oppsett"]["nar"], "2019-01-15");
        assert_eq!(v["liste"][1]["by"], "Bergen");
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_at_its_line() {
        // (file, text, line)
        let table: &[(&str, &str, usize)] = &[
            ("a.yaml", "ok: 1\nliste: [a, b\n", 3),
            ("b.json", "{\n  \"n\": 3,\n}\n", 3),
            ("c.toml", "a = 1\nb = \n", 2),
            ("d.csv", "navn,by\nA,Oslo\nB\n", 3),
        ];
        for &(name, text, line) in table {
            let site = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(site.path().join(DATA_DIR)).unwrap();
            std::fs::write(site.path().join(DATA_DIR).join(name), text).unwrap();
            let mut diags = vec![];
            load(site.path(), &mut diags);
            assert_eq!(diags.len(), 1, "{name}: {diags:?}");
            assert_eq!(diags[0].line, line, "{name}: {:?}", diags[0]);
            assert!(diags[0]
                .location()
                .unwrap()
                .starts_with(&format!("data/{name}:")));
        }
    }
}
