//! `languages:` in site.yaml: the languages a site is written in, the default first. Each
//! is a BCP 47 tag (checked with ICU4X's parser) with its name in itself, and may give the
//! site's title, description, menu and taxonomy titles in that language.

use serde::Serialize;
use serde_json::Value;

use super::{parts, MenuItem};
use crate::diagnostics::Severity;
use crate::fields::{Fields, Located};
use crate::yaml;

/// One language of the site.
#[derive(Debug, Clone, Serialize)]
pub struct Language {
    /// The BCP 47 tag as written (`nb`, `en`, `ar`, `pt-BR`).
    pub code: String,
    /// The language's name in itself, for the language switcher (`Norsk bokmål`, `العربية`).
    pub name: String,
    /// The site's title in this language; the site's own when not given.
    pub title: Option<String>,
    pub description: Option<String>,
    /// The menu in this language; none given means the default language's menu.
    pub menu: Option<Vec<MenuItem>>,
    /// Taxonomy titles in this language, by taxonomy name (`tags: Topics`).
    pub taxonomy_titles: Vec<(String, String)>,
    /// A section's list in this language also names the pages of the same folder that
    /// exist only in the default language (`list_untranslated: true`).
    pub list_untranslated: bool,
}

impl Language {
    /// A language with only its code, named from `NAMES` (or by its code).
    pub fn plain(code: &str) -> Language {
        Language {
            code: code.to_string(),
            name: own_name(code).unwrap_or(code).to_string(),
            title: None,
            description: None,
            menu: None,
            taxonomy_titles: vec![],
            list_untranslated: false,
        }
    }
}

/// Names of languages in themselves, for a `languages:` entry that gives only its code.
const NAMES: &[(&str, &str)] = &[
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("no", "Norsk"),
    ("se", "Davvisámegiella"),
    ("en", "English"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
    ("ti", "ትግርኛ"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("fa", "فارسی"),
    ("ur", "اردو"),
    ("sv", "Svenska"),
    ("da", "Dansk"),
];

fn own_name(code: &str) -> Option<&'static str> {
    NAMES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Whether `tag` is a well-formed BCP 47 language tag, written in its canonical form
/// (`nb`, `en-GB`); the canonical form when it is well-formed but written otherwise.
pub fn check_tag(tag: &str) -> Result<(), String> {
    match icu_locale_core::LanguageIdentifier::try_from_str(tag) {
        Ok(id) => {
            let canonical = id.to_string();
            let primary = id.language.as_str().len();
            if id.language.is_unknown() || primary > 3 {
                Err(format!("`{tag}` names no language"))
            } else if canonical == tag {
                Ok(())
            } else {
                Err(format!("write `{canonical}`"))
            }
        }
        Err(_) => Err(format!("`{tag}` is not a BCP 47 language tag")),
    }
}

/// `languages:`, a map from each tag to its name (or to a map with `name`, `title`,
/// `description`, `menu`, `taxonomies`, `list_untranslated`), in the order written. The default language
/// (`language:`, or the first listed) is moved first.
pub(super) fn languages<'a>(
    mut l: Fields<'a>,
    at: &'a Located<'a>,
    default: Option<&str>,
    f: &mut Fields<'a>,
) -> Vec<Language> {
    let mut keys = l.keys();
    // The map keeps no order; the file does.
    keys.sort_by_key(|k| yaml::locate(at.text, &["languages", k]).map_or(usize::MAX, |p| p.0));
    let mut out: Vec<Language> = vec![];
    for code in keys {
        let value = l.peek(&code).cloned();
        if let Err(why) = check_tag(&code) {
            // The code is the key: the diagnostic points at it, not at the name.
            let path = l.key_path(&code);
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let d = at.diag(
                Severity::Error,
                &path,
                format!("`{code}` is not a usable language code: {why}"),
            );
            l.diags.push(d.hint(
                "use a BCP 47 tag in lower case, e.g. `nb`, `nn`, `en`, `ar` (region in capitals: `pt-BR`)",
            ));
            l.take(&code);
            continue;
        }
        let mut lang = Language::plain(&code);
        match value {
            Some(Value::String(name)) => {
                l.take(&code);
                lang.name = name;
            }
            Some(Value::Object(_)) => {
                if let Some(mut m) = l.take_map(&code) {
                    lang.name = m
                        .require_str(
                            "name",
                            "give the language's name in itself, e.g. `name: English`",
                        )
                        .unwrap_or(lang.name);
                    lang.title = m.take_str("title");
                    lang.description = m.take_str("description");
                    lang.list_untranslated = m.take_bool("list_untranslated").unwrap_or(false);
                    if let Some(v) = m.take("menu") {
                        lang.menu = Some(parts::menu(v, at, &mut m));
                    }
                    if let Some(mut t) = m.take_map("taxonomies") {
                        for name in t.keys() {
                            if let Some(title) = t.take_str(&name) {
                                lang.taxonomy_titles.push((name, title));
                            }
                        }
                        m.absorb(t);
                    }
                    let nested = m.finish(
                        &[
                            "name",
                            "title",
                            "description",
                            "menu",
                            "taxonomies",
                            "list_untranslated",
                        ],
                        Severity::Error,
                    );
                    l.diags.extend(nested);
                }
            }
            Some(Value::Null) => {
                l.take(&code);
            }
            _ => {
                l.error(&code, "give the language's name, or a map with `name:`")
                    .hint = Some(format!("for example `{code}: {}`", lang.name));
                l.take(&code);
            }
        }
        out.push(lang);
    }
    f.absorb(l);
    match default {
        Some(d) => match out.iter().position(|x| x.code == d) {
            Some(i) => {
                let lang = out.remove(i);
                out.insert(0, lang);
            }
            None if !out.is_empty() => {
                let listed: Vec<&str> = out.iter().map(|x| x.code.as_str()).collect();
                f.error(
                    "language",
                    format!("the default language `{d}` is not in `languages:`"),
                )
                .hint = Some(format!(
                    "add `{d}` to `languages:` ({}), or remove `language:` to make the first listed the default",
                    listed.join(", ")
                ));
                out.insert(0, Language::plain(d));
            }
            None => out.push(Language::plain(d)),
        },
        None if out.is_empty() => out.push(Language::plain("nb")),
        None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::check_tag;

    #[test]
    fn language_tags_are_checked_as_bcp_47() {
        let table = [
            ("nb", true),
            ("nn", true),
            ("en", true),
            ("ar", true),
            ("pt-BR", true),
            ("ckb", true),
            ("EN", false),
            ("pt-br", false),
            ("english", false),
            ("e", false),
            ("", false),
            ("und", false),
        ];
        for (tag, ok) in table {
            assert_eq!(check_tag(tag).is_ok(), ok, "{tag}: {:?}", check_tag(tag));
        }
    }
}
