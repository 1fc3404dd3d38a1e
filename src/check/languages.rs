//! `varde check` on a site in more than one language: the theme's words a language has no
//! catalogue entry for (they show in the fallback language), and translations last updated
//! before their original.

use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// One finding per language whose catalogue lacks keys, and one per outdated translation.
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let c = &site.config;
    let mut out = vec![];
    for (lang, missing) in site.i18n.missing.iter().enumerate() {
        if missing.is_empty() {
            continue;
        }
        let code = &c.languages[lang].code;
        let shown: Vec<&str> = missing.iter().take(8).map(String::as_str).collect();
        let more = missing.len() - shown.len();
        let list = if more > 0 {
            format!("{} and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        out.push(
            Diagnostic::warning(format!(
                "the theme has no `{code}` word for {} key{}: {list}; readers see the fallback's word",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
            ))
            .in_file(format!("{}/{code}.yaml", crate::i18n::SITE_DIR))
            .hint(format!(
                "add the keys to {}/{code}.yaml in the site (it goes over the theme's, key by key)",
                crate::i18n::SITE_DIR
            )),
        );
    }
    for page in site.pages.iter().filter(|p| p.lang > 0) {
        let Some(&original) = page.translations.first() else {
            continue;
        };
        let original = &site.pages[original];
        if original.lang != 0 {
            continue;
        }
        let when = |p: &crate::content::Page| p.meta.updated.or(p.meta.date);
        if let (Some(mine), Some(theirs)) = (when(page), original.meta.updated) {
            if mine < theirs {
                let line = page
                    .file
                    .locate(&["updated"])
                    .or_else(|| page.file.locate(&["date"]))
                    .map_or(1, |(l, _)| l);
                out.push(
                    Diagnostic::warning(format!(
                        "this translation is older than its original: {} was updated {}, this page {}",
                        original.file.rel.display(),
                        theirs.iso(),
                        mine.iso()
                    ))
                    .in_file(&page.file.rel)
                    .at_line(line, 1)
                    .hint("bring the translation up to date with the original, then set `updated:` to today's date"),
                );
            }
        }
    }
    out
}
