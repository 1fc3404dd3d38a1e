//! Every URL has one source: two sources claiming one URL would silently overwrite each
//! other's file, so each claim is checked, and a clash is an error at the line that makes
//! it (the `slug:` or the alias), naming the other source.

use std::collections::HashMap;

use super::files::rel_of;
use super::source::SourceFile;
use super::{Page, Section, TaxonomyTerms};
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// Claims every URL the model will write: sections, pages, aliases, assets, the pages of
/// each list and the taxonomies' pages.
pub(super) fn claim_urls(
    config: &Config,
    sections: &[Section],
    pages: &[Page],
    asset_paths: &[(String, String)],
    taxonomies: &[TaxonomyTerms],
    diags: &mut Vec<Diagnostic>,
) {
    // Two sources claiming one URL would silently overwrite each other.
    // Diagnostics are built only for an actual collision: locating a key in the YAML for
    // every page would cost more than the whole check.
    let mut claims = Claims::default();
    for s in sections {
        claims.claim(
            &s.path,
            || {
                s.file.as_ref().map_or_else(
                    || format!("the folder content/{}", s.dir),
                    |f| f.rel.display().to_string(),
                )
            },
            || {
                Diagnostic::error(format!("two sources claim the URL {}", s.path))
                    .in_file(rel_of(&s.dir))
            },
            diags,
        );
    }
    for s in sections {
        let Some(file) = &s.file else { continue };
        for a in &s.meta.aliases {
            claims.claim(
                a,
                || format!("an alias in {}", file.rel.display()),
                || duplicate_alias_at(file, a),
                diags,
            );
        }
    }
    for (i, p) in pages.iter().enumerate() {
        let first = claims.0.get(&p.path).cloned();
        // Point at the page whose own `url:` or `slug:` made the clash: this one's, or
        // the first's.
        let own = |p: &Page| if p.meta.url.is_some() { "url" } else { "slug" };
        let explicit = p.meta.slug.is_some() || p.meta.url.is_some();
        let at = || match (explicit, first.and_then(|(_, q)| q)) {
            (false, Some(q)) => {
                let other = &pages[q];
                duplicate_at(&other.file, own(other), &p.path).hint(format!(
                    "{} already gives the URL {} by its file name; change this `{}`",
                    p.file.rel.display(),
                    p.path,
                    own(other)
                ))
            }
            _ => duplicate_at(&p.file, own(p), &p.path),
        };
        claims.claim_by(
            &p.path,
            || p.file.rel.display().to_string(),
            explicit.then_some(i),
            at,
            diags,
        );
        for a in &p.meta.aliases {
            claims.claim(
                a,
                || format!("an alias in {}", p.file.rel.display()),
                || duplicate_alias_at(&p.file, a),
                diags,
            );
        }
    }
    for (key, path) in asset_paths {
        let at =
            || Diagnostic::error(format!("two sources claim the URL {path}")).in_file(rel_of(key));
        claims.claim(path, || format!("content/{key}"), at, diags);
    }
    // Listing pages and taxonomy pages are URLs too (a page with slug `side` next to a
    // paginated list, or a section named like a taxonomy, would collide with them).
    let yaml_claim = |path: &str| {
        Diagnostic::error(format!("two sources claim the URL {path}")).in_file(crate::config::FILE)
    };
    for s in sections {
        let per = s.paginate_by(config).max(1);
        for n in 2..=s.pages.len().div_ceil(per) {
            let path = super::pager_path(config, &s.path, n);
            let at = || {
                Diagnostic::error(format!("two sources claim the URL {path}"))
                    .in_file(rel_of(&s.dir))
            };
            claims.claim(
                &path,
                || format!("page {n} of the list {}", s.path),
                at,
                diags,
            );
        }
    }
    for (t, terms) in config.taxonomies.iter().zip(taxonomies) {
        let base = &terms.path;
        claims.claim(
            base,
            || format!("the taxonomy `{}`", t.name),
            || yaml_claim(base),
            diags,
        );
        for term in &terms.terms {
            claims.claim(
                &term.path,
                || format!("the {} term `{}`", t.name, term.name),
                || yaml_claim(&term.path),
                diags,
            );
        }
    }
}

/// Which source gives which URL, to catch two sources writing the same file: the source
/// shown in messages, and the page whose own `slug:` claimed it, if one did.
#[derive(Default)]
struct Claims(HashMap<String, (String, Option<usize>)>);

impl Claims {
    fn claim(
        &mut self,
        path: &str,
        by: impl FnOnce() -> String,
        at: impl FnOnce() -> Diagnostic,
        diags: &mut Vec<Diagnostic>,
    ) {
        self.claim_by(path, by, None, at, diags);
    }

    fn claim_by(
        &mut self,
        path: &str,
        by: impl FnOnce() -> String,
        slug_page: Option<usize>,
        at: impl FnOnce() -> Diagnostic,
        diags: &mut Vec<Diagnostic>,
    ) {
        match self.0.get(path) {
            Some((first, _)) => {
                let d = at();
                let d = if d.hint.is_some() {
                    d
                } else {
                    d.hint(format!(
                        "{first} already gives the URL {path}; change a `slug` or rename a file"
                    ))
                };
                diags.push(d);
            }
            None => {
                self.0.insert(path.to_string(), (by(), slug_page));
            }
        }
    }
}

/// An error for a duplicate URL, pointing at the front-matter key that made it if present.
fn duplicate_at(file: &SourceFile, key: &str, path: &str) -> Diagnostic {
    let d = Diagnostic::error(format!("two sources claim the URL {path}")).in_file(&file.rel);
    match file.locate(&[key]) {
        Some((line, col)) => d.at_line_col(&file.text, line, col, key.len()),
        None => d.at_line(1, 1),
    }
}

/// An error for an alias that takes a URL already taken, at the list item that holds it.
fn duplicate_alias_at(file: &SourceFile, alias: &str) -> Diagnostic {
    let d = Diagnostic::error(format!("two sources claim the URL {alias}")).in_file(&file.rel);
    let yaml = file.yaml();
    // TOML lists are found by their key only (see `toml_text::locate`).
    for i in (0..).take_while(|_| !file.toml) {
        let Some((line, col)) = crate::yaml::locate(yaml, &["aliases", &i.to_string()]) else {
            break;
        };
        let text = yaml.lines().nth(line - 1).unwrap_or("");
        let item = text
            .trim_start()
            .trim_start_matches('-')
            .trim()
            .trim_matches(['"', '\'']);
        if crate::slug::check_path(item).is_ok_and(|a| a == alias) {
            return d.at_line_col(&file.text, file.yaml_line + line - 1, col + 2, item.len());
        }
    }
    match file.locate(&["aliases"]) {
        Some((line, col)) => d.at_line_col(&file.text, line, col, 7),
        None => d.at_line(1, 1),
    }
}
