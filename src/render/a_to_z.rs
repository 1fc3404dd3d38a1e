//! The search page's A–Z list: every page under its first letter, in Norwegian order (Æ,
//! Ø and Å after Z), for readers without JavaScript. On a large site each letter gets a
//! page of its own (`/sok/b/`).

use serde_json::{json, Value};

use crate::content::{Site, SEARCH_PATH};

/// Site path of a letter's page of language `lang`'s A-Z list (`/sok/b/`, `/en/sok/b/`),
/// on a large site.
pub(super) fn letter_path(site: &Site, lang: usize, letter: &str) -> String {
    site.config
        .in_lang(lang, &format!("{SEARCH_PATH}{}/", letter_id(letter)))
}

/// Whether language `lang`'s A-Z list has a page per letter.
pub(super) fn a_to_z_split(site: &Site, lang: usize) -> bool {
    site.pages.iter().filter(|p| p.lang == lang).count() > A_TO_Z_INLINE_MAX
}

/// Above this many pages the A-Z list gets a page per letter: one list of every page would
/// make the search page itself heavier than the rest of a visit (1.8 MB at 12 000 pages).
pub(super) const A_TO_Z_INLINE_MAX: usize = 500;

/// Norwegian sort key: Æ, Ø, Å after Z.
pub(super) fn nb_key(t: &str) -> String {
    t.to_lowercase()
        .chars()
        .map(|ch| match ch {
            'æ' => '{',
            'ø' => '|',
            'å' => '}',
            ch => ch,
        })
        .collect()
}

pub(super) fn first_letter(title: &str) -> String {
    let first = title
        .chars()
        .next()
        .map(|ch| ch.to_uppercase().collect::<String>())
        .unwrap_or_default();
    if !first.is_empty() && first.chars().all(char::is_alphabetic) {
        first
    } else {
        "#".into()
    }
}

/// URL segment of a letter; Æ, Ø and Å spelt out so they do not collide with A and O.
pub(super) fn letter_id(letter: &str) -> String {
    match letter {
        "Æ" => "ae".into(),
        "Ø" => "oe".into(),
        "Å" => "aa".into(),
        "#" => "tall".into(),
        l => crate::slug::slugify(l),
    }
}

/// The letters that begin page titles in each language, in Norwegian order, and each
/// page's letter; worked out once per build however many letter pages ask.
pub(super) fn a_to_z_index(site: &Site) -> &crate::content::AToZ {
    site.a_to_z.get_or_init(|| {
        let firsts: Vec<String> = site
            .pages
            .iter()
            .map(|p| first_letter(&p.meta.title))
            .collect();
        let letters: Vec<Vec<String>> = (0..site.config.languages.len())
            .map(|lang| {
                // The few dozen letters are found first and then sorted, each key made
                // once: sorting every title's letter made a key per comparison (2.5 % of
                // a 1 000-page build's instructions, on one thread).
                let found: std::collections::BTreeSet<&str> = firsts
                    .iter()
                    .zip(&site.pages)
                    .filter(|(_, p)| p.lang == lang)
                    .map(|(f, _)| f.as_str())
                    .collect();
                let mut letters: Vec<String> = found.into_iter().map(str::to_string).collect();
                letters.sort_by_cached_key(|l| nb_key(l));
                letters
            })
            .collect();
        let of_page = firsts
            .iter()
            .zip(&site.pages)
            .map(|(f, p)| letters[p.lang].iter().position(|l| l == f).unwrap_or(0))
            .collect();
        crate::content::AToZ { letters, of_page }
    })
}

pub(super) fn a_to_z_letters(site: &Site, lang: usize) -> &[String] {
    a_to_z_index(site)
        .letters
        .get(lang)
        .map_or(&[][..], Vec::as_slice)
}

/// The A-Z list on the search page: every page and service by title, grouped by first letter
/// in Norwegian order. On a large site (`A_TO_Z_INLINE_MAX`) the search page gets only the
/// letters, and each letter's page (`only`) its own entries.
pub(super) fn a_to_z(site: &Site, lang: usize, only: Option<usize>) -> Value {
    let split = a_to_z_split(site, lang);
    let index = a_to_z_index(site);
    let letters = a_to_z_letters(site, lang);
    let mut entries: Vec<(String, &crate::content::Page)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.lang == lang)
        .filter(|(i, _)| !split || Some(index.of_page[*i]) == only)
        .map(|(_, p)| (nb_key(&p.meta.title), p))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<Value> = letters
        .iter()
        .map(|letter| {
            let list: Vec<Value> = entries
                .iter()
                .filter(|(_, p)| first_letter(&p.meta.title) == *letter)
                .map(|(_, p)| {
                    json!({
                        "title": p.meta.title,
                        "url": site.config.url(&p.path),
                        "section": site.sections[p.section].meta.title,
                        "service": p.service.is_some(),
                    })
                })
                .collect();
            let id = letter_id(letter);
            let url = if split {
                site.config.url(&letter_path(site, lang, letter))
            } else {
                format!("#bokstav-{id}")
            };
            json!({"letter": letter, "id": id, "url": url, "entries": list})
        })
        .collect();
    Value::Array(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_sort_after_z_and_do_not_collide() {
        let mut letters = vec!["Å", "B", "Ø", "A", "Æ", "Z"];
        letters.sort_by_key(|l| nb_key(l));
        assert_eq!(letters, ["A", "B", "Z", "Æ", "Ø", "Å"]);
        assert_ne!(letter_id("Ø"), letter_id("O"));
        assert_ne!(letter_id("Å"), letter_id("A"));
        assert_eq!(first_letter("1000 dager"), "#");
        assert_eq!(first_letter("ørn"), "Ø");
    }
}
