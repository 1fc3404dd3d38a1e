//! TOML, the way Hugo and Zola sites write front matter between `+++` lines, and the way
//! `data/*.toml` is written: parsed into the same JSON value YAML gives, and keys located
//! by line for diagnostics. The only module that knows TOML, as `yaml` is for YAML.

use serde_json::Value;

/// A TOML text as a JSON value (dates and times become their text), or the message with
/// its 1-based line and column.
pub fn parse(text: &str) -> Result<Value, (String, usize, usize)> {
    fn convert(v: toml::Value) -> Value {
        match v {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(a) => Value::Array(a.into_iter().map(convert).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    match text.parse::<toml::Table>() {
        Ok(t) => Ok(convert(toml::Value::Table(t))),
        Err(e) => {
            let (line, column) = e.span().map_or((1, 1), |s| {
                let mut end = s.start.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                let before = &text[..end];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                (line, column)
            });
            Err((e.message().to_string(), line, column))
        }
    }
}

/// The 1-based line and column of the key at `path` (`["taxonomies", "tags"]` is `tags =`
/// under `[taxonomies]`, or `taxonomies.tags =`), falling back to its table's header. A
/// list index at the end of the path points at the list's key. Good enough for the front
/// matter peers write; `None` when the key is not found.
pub fn locate(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let path: Vec<&str> = path
        .iter()
        .copied()
        .take_while(|p| p.parse::<usize>().is_err())
        .collect();
    let tables = &path[..path.len().checked_sub(1)?];
    let mut table: Vec<String> = vec![];
    let mut header = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let col = line.len() - t.len() + 1;
        if let Some(h) = t.strip_prefix('[') {
            let name = h.trim_start_matches('[').split(']').next().unwrap_or("");
            table = name.split('.').map(|s| unquote(s.trim())).collect();
            if table.len() == path.len() && table.iter().zip(&path).all(|(a, b)| a == b) {
                header = header.or(Some((i + 1, col)));
            }
            continue;
        }
        let Some((name, _)) = t.split_once('=') else {
            continue;
        };
        let mut full: Vec<String> = table.clone();
        full.extend(name.split('.').map(|s| unquote(s.trim())));
        if full.len() == path.len() && full.iter().zip(&path).all(|(a, b)| a == b) {
            return Some((i + 1, col));
        }
    }
    header.or_else(|| match tables {
        [] => None,
        _ => locate(text, tables),
    })
}

fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_in_tables_and_dotted_names() {
        let text = "title = \"A\"\ndate = 2017-06-01\n\n[taxonomies]\ntags = [\"x\"]\n\n[extra]\n  note = 1\n";
        type Case<'a> = (&'a [&'a str], Option<(usize, usize)>);
        let cases: &[Case] = &[
            (&["title"], Some((1, 1))),
            (&["date"], Some((2, 1))),
            (&["taxonomies"], Some((4, 1))),
            (&["taxonomies", "tags"], Some((5, 1))),
            (&["taxonomies", "tags", "0"], Some((5, 1))),
            (&["extra", "note"], Some((8, 3))),
            (&["extra", "missing"], Some((7, 1))),
            (&["nowhere"], None),
        ];
        for (path, want) in cases {
            assert_eq!(locate(text, path), *want, "{path:?}");
        }
        assert_eq!(locate("extra.note = 1\n", &["extra", "note"]), Some((1, 1)));
    }

    #[test]
    fn dates_become_text_and_errors_have_a_line() {
        let v = parse("date = 2017-06-01\n").unwrap();
        assert_eq!(v["date"], "2017-06-01");
        let (_, line, _) = parse("title = \"A\"\ntitle = \"B\"\n").unwrap_err();
        assert_eq!(line, 2);
    }
}
