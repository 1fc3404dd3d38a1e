//! The theme's words in each of the site's languages: `i18n/<code>.yaml` catalogues from the
//! theme (or the copy of the default theme built into the binary), with the site's own
//! `i18n/<code>.yaml` over them key by key. A key a language lacks falls back to the
//! default language's word, then to the theme's English and bokmål; `varde check` lists
//! what each language lacks.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use serde_json::{Map, Value};

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;

/// The default theme's catalogues, built in as the theme is (`render::theme`).
static DEFAULT_I18N: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default/i18n");

/// Where a catalogue's words came from, for `check`.
pub const SITE_DIR: &str = "i18n";

/// Every language's words, by language index (`config.languages`).
#[derive(Debug, Default)]
pub struct Catalogues {
    /// The words templates see as `t`: the language's own over its fallbacks.
    pub merged: Vec<Map<String, Value>>,
    /// The keys each language has no word of its own for (it shows the fallback's).
    pub missing: Vec<Vec<String>>,
}

impl Catalogues {
    /// A date as a reader of language `lang` writes it (`15. januar 2019`, `15 January
    /// 2019`), from the catalogue's `months` and `date_format`; ISO when it has neither.
    pub fn date(&self, lang: usize, d: &Date) -> String {
        use chrono::Datelike;
        let Some(words) = self.merged.get(lang) else {
            return d.iso();
        };
        let month = words
            .get("months")
            .and_then(|m| m.get(d.day.month0() as usize))
            .and_then(Value::as_str);
        let format = words.get("date_format").and_then(Value::as_str);
        match (month, format) {
            (Some(m), Some(f)) => f
                .replace("{day}", &d.day.day().to_string())
                .replace("{month}", m)
                .replace("{year}", &d.day.year().to_string()),
            _ => d.iso(),
        }
    }

    /// One word of language `lang` (its fallback's when it has none), or `key` itself.
    pub fn word(&self, lang: usize, key: &str) -> String {
        self.merged
            .get(lang)
            .and_then(|m| m.get(key))
            .and_then(Value::as_str)
            .unwrap_or(key)
            .to_string()
    }
}

/// One catalogue as read: its words, and the file they came from (for diagnostics).
fn read(
    root: &Path,
    config: &Config,
    code: &str,
    diags: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    let mut words = Map::new();
    let file = format!("{code}.yaml");
    let theme_dir = root.join("themes").join(&config.theme).join("i18n");
    let theme_text = if theme_dir.is_dir() {
        read_text(root, &theme_dir.join(&file), diags)
    } else if config.theme == "default" {
        DEFAULT_I18N
            .get_file(&file)
            .and_then(|f| f.contents_utf8())
            .map(|t| {
                (
                    PathBuf::from("themes/default/i18n").join(&file),
                    t.to_string(),
                )
            })
    } else {
        None
    };
    let site_text = read_text(root, &root.join(SITE_DIR).join(&file), diags);
    for (rel, text) in theme_text.into_iter().chain(site_text) {
        match crate::yaml::parse(&text) {
            Ok(Value::Object(m)) => words.extend(m),
            Ok(Value::Null) => {}
            Ok(_) => diags.push(
                Diagnostic::error("a catalogue is a map of keys to words")
                    .in_file(&rel)
                    .hint("write one `key: word` per line, e.g. `search: Search`"),
            ),
            Err(e) => diags.push(
                Diagnostic::error(format!("invalid YAML: {}", e.message_in_file(1)))
                    .in_file(&rel)
                    .at_line_col(&text, e.line.max(1), e.column.max(1), 1),
            ),
        }
    }
    words
}

/// A catalogue file's text and its path relative to the site, if it exists (and lies
/// inside the site).
fn read_text(root: &Path, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<(PathBuf, String)> {
    if !path.is_file() {
        return None;
    }
    let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let site_root = crate::walk::SiteRoot::new(root);
    if !site_root.contains(path) {
        diags.push(site_root.escape_error(path));
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(t) => Some((rel, t.replace("\r\n", "\n"))),
        Err(e) => {
            diags.push(Diagnostic::error(format!("cannot read the catalogue: {e}")).in_file(&rel));
            None
        }
    }
}

/// The language's catalogue by its tag, or by its first part (`nb-NO` reads `nb.yaml`).
fn own(
    root: &Path,
    config: &Config,
    code: &str,
    diags: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    let words = read(root, config, code, diags);
    match code.split_once('-') {
        Some((primary, _)) if words.is_empty() => read(root, config, primary, diags),
        _ => words,
    }
}

/// Reads the catalogues of every language of the site.
pub fn load(root: &Path, config: &Config, diags: &mut Vec<Diagnostic>) -> Catalogues {
    let mut mine: Vec<Map<String, Value>> = config
        .languages
        .iter()
        .map(|l| own(root, config, &l.code, diags))
        .collect();
    // The fallbacks, last tried last: the default language, then the theme's English and
    // bokmål (the default theme is complete in both).
    let mut fallback: Map<String, Value> = Map::new();
    for code in ["nb", "en"] {
        if config.lang_index(code).is_none() {
            fallback.extend(own(root, config, code, &mut vec![]));
        }
    }
    if let Some(d) = mine.first() {
        fallback.extend(d.clone());
    }
    let every_key: BTreeSet<&String> = fallback.keys().collect();
    let missing = mine
        .iter()
        .map(|m| {
            every_key
                .iter()
                .filter(|k| !m.contains_key(k.as_str()))
                .map(|k| k.to_string())
                .collect()
        })
        .collect();
    let merged = mine
        .iter_mut()
        .map(|m| {
            let mut all = fallback.clone();
            all.extend(std::mem::take(m));
            all
        })
        .collect();
    Catalogues { merged, missing }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_each_language_from_its_catalogue() {
        let root = std::env::temp_dir().join("varde-i18n-test-no-theme-here");
        let (config, d) =
            crate::config::parse("languages:\n  nb: Norsk\n  en: English\n  so: Soomaali\n");
        assert!(d.is_empty(), "{d:?}");
        let mut diags = vec![];
        let c = load(&root, &config, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let day = Date::parse("2019-04-01").unwrap();
        assert_eq!(c.date(0, &day), "1. april 2019");
        assert_eq!(c.date(1, &day), "1 April 2019");
        // No catalogue of its own: the default language's words, all of them missing.
        assert_eq!(c.date(2, &day), "1. april 2019");
        assert!(c.missing[2].contains(&"months".to_string()));
        assert!(
            c.missing[0].is_empty() && c.missing[1].is_empty(),
            "{:?}",
            c.missing
        );
    }
}
