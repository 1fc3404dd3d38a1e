//! Links in Markdown: a link to a source file (`../nas/tegn.md#hjelp`) becomes the URL of
//! the page it names, a missing or draft target is an error at its line, and `#anchor`
//! links are kept for checking once every page is rendered.

use std::collections::HashMap;

use pulldown_cmark::CowStr;

use super::markdown::{AnchorLink, Links, SiteLink};
use super::source::SourceFile;
use super::Unpublished;
use crate::diagnostics::Diagnostic;

/// The folder of a content key (`nas/tegn.md` -> `nas`).
pub(super) fn dir_of(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

/// Joins a relative link onto a folder, resolving `.` and `..`. `None` if it leaves content/.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

pub(super) fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// One page's links as they are rewritten: what they found, and what was wrong.
pub(super) struct Ctx<'a> {
    pub file: &'a SourceFile,
    pub links: &'a Links<'a>,
    pub diags: Vec<Diagnostic>,
    pub anchor_links: Vec<AnchorLink>,
    pub site_links: Vec<SiteLink>,
    pub link_targets: Vec<(String, Option<String>)>,
}

/// The language code of a translation's file name (`side.en.md` -> `en`), not the default's.
fn own_language<'l>(key: &str, languages: &'l [crate::config::Language]) -> Option<&'l str> {
    let stem = key.strip_suffix(".md")?;
    let (_, code) = stem.rsplit_once('.')?;
    languages
        .iter()
        .skip(1)
        .find(|l| l.code == code)
        .map(|l| l.code.as_str())
}

/// What a content key resolves to: its site path, a marker for a draft, or nothing.
pub fn resolve(links: &Links<'_>, key: &str) -> Option<String> {
    match links.paths.get(key) {
        Some(p) => Some(p.clone()),
        None => links.unpublished.get(key).map(|why| format!("\0{why:?}")),
    }
}

impl Ctx<'_> {
    /// `key` in this file's language, when this file is a translation (`side.en.md`) and the
    /// target has one (`tegn.md` -> `tegn.en.md`); `key` itself otherwise.
    fn in_my_language(&mut self, key: String) -> String {
        let Some(code) = own_language(&self.file.key, self.links.languages) else {
            return key;
        };
        let Some(stem) = key.strip_suffix(".md") else {
            return key;
        };
        let translated = format!("{stem}.{code}.md");
        if self.lookup(&translated).is_some() {
            translated
        } else {
            key
        }
    }

    /// Looks a content key up, remembering the answer for cache validation.
    fn lookup(&mut self, key: &str) -> Option<String> {
        let found = resolve(self.links, key);
        self.link_targets.push((key.to_string(), found.clone()));
        found.filter(|p| !p.starts_with('\0'))
    }

    /// Rewrites one link destination. `None` leaves it as written.
    /// Checks a link's or image's destination against the allowed schemes (an error at its
    /// offset otherwise) and rewrites a link to a source file into its URL.
    pub(super) fn destination(&mut self, dest_url: &mut CowStr<'_>, image: bool, offset: usize) {
        if let Err(why) = crate::safe_url::check(dest_url, image) {
            let shown: String = dest_url.chars().take(60).collect();
            self.diags.push(
                Diagnostic::error(format!(
                    "unsafe {} `{}`: {why}",
                    if image { "image address" } else { "link" },
                    shown.escape_debug()
                ))
                .in_file(&self.file.rel)
                .at_offset(&self.file.text, offset, dest_url.len().min(40))
                .hint(crate::safe_url::HINT),
            );
            // The build fails, but `check` and the preview render it: harmless.
            *dest_url = CowStr::from("#");
        } else if let Some(url) = self.rewrite(dest_url, offset) {
            *dest_url = CowStr::from(url);
        }
    }

    fn rewrite(&mut self, dest: &str, offset: usize) -> Option<String> {
        // Zola's `@/blog/post.md` is a source file from content/, as `/blog/post.md` is here.
        let (dest, offset) = match dest.strip_prefix('@') {
            Some(rest) if rest.starts_with('/') => (rest, offset + 1),
            _ => (dest, offset),
        };
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return None;
        }
        if let Some(anchor) = dest.strip_prefix('#') {
            self.anchor_links.push(AnchorLink {
                target: self.file.key.clone(),
                anchor: anchor.to_string(),
                offset,
            });
            return None;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let decoded = crate::slug::percent_decode(path).unwrap_or_else(|| path.to_string());
        if let Some(rest) = dest.strip_prefix('/') {
            if !decoded.ends_with(".md") {
                // A site path: checked once every output is known.
                self.site_links.push(SiteLink {
                    path: decoded,
                    offset,
                    len: dest.len(),
                });
                // Site-root links must follow the site when it lives under a sub-path.
                return Some(format!("{}{rest}", self.links.base_path));
            }
        }
        // `/nas/tegn.md` names a source file from content/, as `../nas/tegn.md` does from here.
        let from = if dest.starts_with('/') {
            ""
        } else {
            dir_of(&self.file.key)
        };
        let Some(key) = join(from, &decoded) else {
            self.diags.push(
                Diagnostic::error(format!("the link `{dest}` points outside content/"))
                    .in_file(&self.file.rel)
                    .at_offset(&self.file.text, offset, dest.len())
                    .hint("link to a file inside content/, relative to this file"),
            );
            return None;
        };
        let key = self.in_my_language(key);
        let mut target = self.lookup(&key);
        if target.is_none() && decoded.ends_with('/') {
            // `[tekst](../nas/)` may name a section folder.
            let idx = if key.is_empty() {
                "_index.md".to_string()
            } else {
                format!("{key}/_index.md")
            };
            let idx = self.in_my_language(idx);
            target = self.lookup(&idx);
        }
        match target {
            Some(site_path) => {
                let mut url = format!(
                    "{}{}",
                    self.links.base_path,
                    site_path.trim_start_matches('/')
                );
                if let Some(a) = anchor {
                    let target_key = if key.ends_with(".md") {
                        key.clone()
                    } else {
                        format!("{key}/_index.md")
                    };
                    self.anchor_links.push(AnchorLink {
                        target: target_key,
                        anchor: a.to_string(),
                        offset: offset + dest.find('#').unwrap_or(0),
                    });
                    url.push('#');
                    url.push_str(a);
                }
                Some(url)
            }
            None if self.links.unpublished.contains_key(&key) => {
                let (what, hint) = match self.links.unpublished[&key] {
                    Unpublished::Broken => return None,
                    Unpublished::Draft => ("a draft page", "publish the page (remove `draft: true`), remove the link, or build with --drafts"),
                    Unpublished::Future => ("a page not published yet (its `publish_date` is to come)", "remove the link until then, or build with --future"),
                    Unpublished::Expired => ("a page whose `expiry_date` has passed", "remove the link, or build with --expired"),
                };
                self.diags.push(
                    Diagnostic::error(format!("the link `{dest}` points to {what}"))
                        .in_file(&self.file.rel)
                        .at_offset(&self.file.text, offset, dest.len())
                        .hint(hint),
                );
                None
            }
            None if !key.ends_with(".md") => {
                // Not a source file nor a folder: a file the browser asks for next to this
                // page (`kart.png` on /nas/tegn/ is /nas/tegn/kart.png), checked later.
                if let Some(page) = self.links.paths.get(&self.file.key) {
                    if let Some(site_path) = join(page, &decoded) {
                        self.site_links.push(SiteLink {
                            path: format!("/{site_path}"),
                            offset,
                            len: dest.len(),
                        });
                    }
                }
                None
            }
            None if key.ends_with(".md") => {
                let hint = nearest_key(self.links.paths, &key)
                    .map(|k| format!("did you mean `{}`?", relative(dir_of(&self.file.key), &k)))
                    .unwrap_or_else(|| {
                        "check the file name; links are relative to this file".into()
                    });
                self.diags.push(
                    Diagnostic::error(format!(
                        "the link `{dest}` points to a missing file (content/{key})"
                    ))
                    .in_file(&self.file.rel)
                    .at_offset(&self.file.text, offset, dest.len())
                    .hint(hint),
                );
                None
            }
            None => None,
        }
    }
}

pub(super) fn nearest_key(paths: &HashMap<String, String>, key: &str) -> Option<String> {
    paths
        .keys()
        .filter(|k| k.ends_with(".md"))
        .map(|k| (strsim::levenshtein(k, key), k))
        .filter(|(d, _)| *d <= 4)
        .min()
        .map(|(_, k)| k.clone())
}

/// `to` written relative to the folder `from` (both content keys).
pub(super) fn relative(from: &str, to: &str) -> String {
    let a: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let b: Vec<&str> = to.split('/').collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<&str> = vec![".."; a.len() - common];
    parts.extend(&b[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join("smil", "../nas/a.md").as_deref(), Some("nas/a.md"));
        assert_eq!(join("", "../x.md"), None);
        assert_eq!(relative("smil", "nas/a.md"), "../nas/a.md");
    }
}
