//! Check: what can only be judged once the whole site is modelled, such as whether an
//! `#anchor` exists on the page a link points to, or whether the menu leads anywhere.
//! `editor` holds the checks of `varde check`, which a build does not run.

pub mod editor;
pub mod external;
pub mod languages;
pub mod reviews;

use std::collections::{HashMap, HashSet};

use crate::config::FILE;
use crate::content::markdown::Rendered;
use crate::content::source::SourceFile;
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::fields::nearest;

/// Every Markdown file of the site with its rendered Markdown: pages and section pages.
fn rendered_files(
    site: &Site,
) -> impl Iterator<Item = (&std::sync::Arc<SourceFile>, &std::sync::Arc<Rendered>)> {
    site.pages.iter().map(|p| (&p.file, &p.content)).chain(
        site.sections
            .iter()
            .filter_map(|s| s.file.as_ref().map(|f| (f, &s.content))),
    )
}

/// Site-wide checks of a loaded site.
pub fn site(site: &Site) -> Vec<Diagnostic> {
    let mut diags = anchors(site);
    diags.extend(menu(site));
    diags.extend(directory_urls(site));
    diags
}

/// A directory's filter pages and exports are URLs of their own; a page may not take one.
fn directory_urls(site: &Site) -> Vec<Diagnostic> {
    let mut taken: HashMap<&str, &crate::content::Page> = HashMap::new();
    for p in &site.pages {
        taken.insert(&p.path, p);
    }
    let mut diags = vec![];
    for d in &site.directories {
        let paths = d
            .filters
            .iter()
            .map(|f| f.path.as_str())
            .chain([d.hsds_path.as_str(), d.csv_path.as_str()]);
        for path in paths {
            if let Some(page) = taken.get(path) {
                diags.push(
                    Diagnostic::error(format!("this page's URL {path} is used by the service directory"))
                        .in_file(&page.file.rel)
                        .at_line(1, 1)
                        .hint("rename the file or set another `slug`: the directory uses kategori/, omrade/, malgruppe/, uten-henvisning/, gratis/, hsds/ and tjenester.csv"),
                );
            }
        }
    }
    diags
}

fn anchors(site: &Site) -> Vec<Diagnostic> {
    let mut by_key: HashMap<&str, &HashSet<String>> = HashMap::new();
    for p in &site.pages {
        by_key.insert(&p.file.key, &p.content.anchors);
    }
    // A folder's own page may be `index.md`; links to the folder look for `_index.md`.
    let folder_keys: Vec<(String, &HashSet<String>)> = site
        .sections
        .iter()
        .filter_map(|s| {
            let f = s.file.as_ref()?;
            let key = s.index_key(&site.config);
            Some((key, &s.content.anchors)).filter(|(k, _)| *k != f.key)
        })
        .collect();
    for s in &site.sections {
        if let Some(f) = &s.file {
            by_key.insert(&f.key, &s.content.anchors);
        }
    }
    for (key, anchors) in &folder_keys {
        by_key.insert(key, anchors);
    }
    let files = rendered_files(site);
    let mut diags = vec![];
    for (file, content) in files {
        for link in &content.anchor_links {
            let Some(anchors) = by_key.get(link.target.as_str()) else {
                continue; // a missing file is reported where links are resolved
            };
            if anchors.contains(&link.anchor) {
                continue;
            }
            let mut known: Vec<&str> = anchors.iter().map(String::as_str).collect();
            known.sort_unstable();
            let hint = match nearest(&link.anchor, &known) {
                Some(k) => format!("did you mean `#{k}`?"),
                None if known.is_empty() => "that page has no headings to link to".to_string(),
                None => format!(
                    "headings on that page: {}",
                    known
                        .iter()
                        .map(|k| format!("#{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            diags.push(
                Diagnostic::error(format!(
                    "no heading `#{}` in content/{}",
                    link.anchor, link.target
                ))
                .in_file(&file.rel)
                .at_offset(&file.text, link.offset, link.anchor.len() + 1)
                .hint(hint),
            );
        }
    }
    diags
}

fn menu(site: &Site) -> Vec<Diagnostic> {
    let mut known: HashSet<String> = site.sections.iter().map(|s| s.path.clone()).collect();
    known.extend(site.pages.iter().map(|p| p.path.clone()));
    known.extend(site.taxonomies.iter().map(|t| t.path.clone()));
    let mut diags = vec![];
    for (i, item) in site.config.menu.iter().enumerate() {
        if item.is_external() || item.url.starts_with("mailto:") || item.url.starts_with("tel:") {
            continue;
        }
        let path = item.path();
        if !known.contains(&path) && !path.ends_with(".xml") && !path.ends_with(".html") {
            diags.push(
                Diagnostic::error(format!(
                    "menu item {} (`{}`) leads to {path}, which is not a page of this site",
                    i + 1,
                    item.title
                ))
                .in_file(FILE)
                .at_line(item.line, 0)
                .hint("use the site path of a section or page, such as `/smil/`"),
            );
        }
    }
    diags
}

/// Links to site paths (`/nas/`, `kart.png`) that no output of this build answers: pages,
/// lists, generated files, assets and static files all count, so this runs once the render
/// stage knows them (`written`, site paths). `/nas` finds `/nas/`, as static hosts do.
pub fn site_links(site: &Site, written: &[String]) -> Vec<Diagnostic> {
    let have: HashSet<&str> = written.iter().map(String::as_str).collect();
    let found = |p: &str| {
        have.contains(p)
            || (!p.ends_with('/') && have.contains(format!("{p}/").as_str()))
            || p.strip_suffix("index.html")
                .is_some_and(|dir| have.contains(dir))
    };
    let files = rendered_files(site);
    let mut diags = vec![];
    for (file, content) in files {
        for link in &content.site_links {
            if found(&link.path) {
                continue;
            }
            let nearest = written
                .iter()
                .map(|w| (strsim::levenshtein(w, &link.path), w))
                .filter(|(d, _)| *d <= 3)
                .min()
                .map(|(_, w)| w);
            let hint = match nearest {
                Some(w) => format!("did you mean `{w}`?"),
                None => "link to a page by its source file (`../nas/tegn.md`), or put the file in static/ or next to the page".to_string(),
            };
            diags.push(
                Diagnostic::error(format!(
                    "the link points to {}, which this site does not have",
                    link.path
                ))
                .in_file(&file.rel)
                .at_offset(&file.text, link.offset, link.len)
                .hint(hint),
            );
        }
    }
    diags
}
