//! The files of `content/`: the walk, what is left out (other generators' sources), and
//! which files are section pages, pages (and bundles) or assets.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;

use super::CONTENT_DIR;
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// A file found by the walk, before it is read.
pub(super) struct Found {
    pub abs: PathBuf,
    /// Relative to `content/`, with `/` separators (`nas/tegn.md`).
    pub key: String,
    /// Modification time and size: a file whose stamp is unchanged is not read again.
    pub stamp: Stamp,
    /// The key without its language (`nas/tegn.en.md` -> `nas/tegn.md`): what the file's
    /// name means to the site (`_index.md`, `index.md`), and what ties translations.
    pub base: String,
}

pub(super) type Stamp = (Option<SystemTime>, u64);

pub(super) fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

pub(super) fn parent_key(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

/// A Markdown source by its name: `.md`, and `.markdown` as Jekyll writes it.
pub(super) fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// A file name without its Markdown extension.
pub(super) fn stem(name: &str) -> &str {
    name.strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name)
}

/// A name that starts with a date, as Jekyll's posts and Zola's pages may be named
/// (`2015-11-17-welcome.md`, `2018-10-10_hello`): the date and the rest, which is the slug.
pub(super) fn dated(stem: &str) -> Option<(&str, &str)> {
    let b = stem.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'-' | b'_'))
        && b.len() > 11;
    shape.then(|| (&stem[..10], &stem[11..]))
}

/// The key up to and including its first part that starts with `_` (`_posts/a.md` ->
/// `_posts`), leaving `_index.md` itself out (and its translations, `_index.en.md`): such
/// names are another generator's sources.
fn private_part(key: &str) -> Option<&str> {
    let index = |seg: &str| {
        seg.strip_prefix("_index")
            .and_then(|r| r.strip_suffix(".md"))
            .is_some_and(|code| code.is_empty() || code.len() > 1 && code.starts_with('.'))
    };
    let mut end = 0;
    for seg in key.split('/') {
        end += seg.len();
        if seg.starts_with('_') && !(index(seg) && end == key.len()) {
            return Some(&key[..end]);
        }
        end += 1;
    }
    None
}

/// Configuration files of other generators that a moved site may bring into content/.
fn is_foreign_config(name: &str) -> bool {
    matches!(
        name,
        "Gemfile" | "Gemfile.lock" | "package.json" | "package-lock.json"
    ) || [".yml", ".yaml", ".toml", ".liquid"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Takes out of the walk what must never be published as it is: anything under a name that
/// starts with `_` (Jekyll's `_config.yml`, `_layouts/`, `_posts/`; one warning per such
/// name, saying how many Markdown files it holds), other generators' configuration files,
/// and HTML files with front matter (templates, not finished pages). Returns the files left
/// and how many Markdown files were left out.
pub(super) fn leave_out_sources(
    files: Vec<Found>,
    dirs: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Found>, usize) {
    let mut private: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::with_capacity(files.len());
    let mut skipped = 0;
    for f in files {
        let name = file_name(&f.key);
        if let Some(part) = private_part(&f.key) {
            let n = private.entry(part.to_string()).or_default();
            if is_markdown(name) {
                *n += 1;
                skipped += 1;
            }
            continue;
        }
        let why = if is_foreign_config(name) {
            Some("not published: a configuration file has no place in the site")
        } else if (name.ends_with(".html") || name.ends_with(".htm"))
            && starts_with_front_matter(&f.abs)
        {
            Some("not published: this HTML file has front matter, so it is another generator's template, not a finished page")
        } else {
            None
        };
        match why {
            Some(why) => diags.push(
                Diagnostic::warning(why)
                    .in_file(rel_of(&f.key))
                    .hint("varde reads only site.yaml at the site root; move the file out of content/, or write the page in Markdown"),
            ),
            None => kept.push(f),
        }
    }
    dirs.retain(|d| {
        if private_part(d).is_some() {
            private
                .entry(private_part(d).unwrap_or(d).to_string())
                .or_default();
            return false;
        }
        true
    });
    for (part, md) in private {
        let holds = match md {
            0 => String::new(),
            1 => " (it holds 1 Markdown file)".to_string(),
            n => format!(" (it holds {n} Markdown files)"),
        };
        let hint = if file_name(&part) == "_posts" {
            "Jekyll's posts: rename the folder to `posts` to publish them as a section; the date in each file name (2015-11-17-welcome.md) is the page's date, and `permalinks:` in site.yaml can keep their old paths"
        } else {
            "rename it without the leading `_` to publish it; Jekyll's _config.yml, _layouts/ and _includes/ have no use in varde"
        };
        diags.push(
            Diagnostic::warning(format!(
                "not published: names starting with `_` are kept out of the site{holds}"
            ))
            .in_file(rel_of(&part))
            .hint(hint),
        );
    }
    (kept, skipped)
}

fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 3];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"---")
}

/// Folders that are page bundles: they hold `index.md` and no other Markdown file at or
/// below them (Hugo's leaf bundle). A folder with `index.md` beside other pages, common in
/// Jekyll and GitHub docs, is a section whose own page is `index.md`.
pub(super) fn bundle_folders(files: &[Found]) -> HashSet<String> {
    let mut has_other_md: HashSet<&str> = HashSet::new();
    for f in files.iter().filter(|f| is_markdown(file_name(&f.key))) {
        let mut dir = parent_key(&f.key);
        let mut own_index = file_name(&f.base) == "index.md";
        loop {
            if !own_index {
                has_other_md.insert(dir);
            }
            own_index = false;
            if dir.is_empty() {
                break;
            }
            dir = parent_key(dir);
        }
    }
    files
        .iter()
        .filter(|f| file_name(&f.base) == "index.md" && !parent_key(&f.key).is_empty())
        .map(|f| parent_key(&f.key))
        .filter(|d| !has_other_md.contains(d))
        .map(str::to_string)
        .collect()
}

pub(super) fn is_ignored(name: &str) -> bool {
    // Hidden files and editors' temporary files.
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#') || name.ends_with(".swp")
}

/// The page bundles of a site (see `bundle_folders`).
pub(super) struct Bundles(HashSet<String>);

impl Bundles {
    pub(super) fn new(files: &[Found]) -> Bundles {
        Bundles(bundle_folders(files))
    }

    pub(super) fn contains(&self, dir: &str) -> bool {
        self.0.contains(dir)
    }

    /// The bundle a content key belongs to (the outermost, if bundles nest).
    pub(super) fn of(&self, key: &str) -> Option<String> {
        let mut best = None;
        let mut k = parent_key(key);
        loop {
            if self.0.contains(k) {
                best = Some(k.to_string());
            }
            if k.is_empty() {
                break;
            }
            k = parent_key(k);
        }
        best
    }

    /// The folder whose section a page belongs to: its bundle's parent, or its own folder.
    pub(super) fn section_dir(&self, key: &str) -> String {
        match self.of(key) {
            Some(b) => parent_key(&b).to_string(),
            None => parent_key(key).to_string(),
        }
    }
}

/// Content files sorted by what they become.
pub(super) struct Classified<'f> {
    /// `_index.md`, or `index.md` beside other pages: a section's own page.
    pub sections: Vec<&'f Found>,
    pub pages: Vec<&'f Found>,
    /// Everything else, copied next to its page or section.
    pub assets: Vec<&'f Found>,
}

/// Sorts the files into section pages, pages and assets.
pub(super) fn classify<'f>(
    files: &'f [Found],
    bundles: &Bundles,
    diags: &mut Vec<Diagnostic>,
) -> Classified<'f> {
    let section_index: HashSet<&str> = files
        .iter()
        .filter(|f| f.base == f.key && file_name(&f.key) == "_index.md")
        .map(|f| parent_key(&f.key))
        .collect();
    let mut out = Classified {
        sections: vec![],
        pages: vec![],
        assets: vec![],
    };
    for f in files {
        let name = file_name(&f.base);
        match (bundles.of(&f.key), is_markdown(name)) {
            (Some(b), true) if f.base == format!("{b}/index.md") => out.pages.push(f),
            (None, true) if name == "_index.md" => out.sections.push(f),
            // index.md beside other pages is the folder's own page, as in Jekyll.
            (None, true) if name == "index.md" => {
                if f.base == f.key && section_index.contains(parent_key(&f.key)) {
                    diags.push(
                        Diagnostic::error("this folder has both _index.md and index.md, and only one can be its page")
                            .in_file(rel_of(&f.key))
                            .hint("merge index.md into _index.md, or rename index.md to make it a page of its own"),
                    );
                } else {
                    out.sections.push(f);
                }
            }
            (None, true) => out.pages.push(f),
            _ => out.assets.push(f),
        }
    }
    out
}

/// Walks `content/` (never leaving the site, see `crate::walk`): its files, and its folders
/// with `""` for `content/` itself. With `stamps`, each file's modification time and size.
pub(super) fn walk(
    root: &Path,
    stamps: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Found>, Vec<String>) {
    let content_dir = root.join(CONTENT_DIR);
    let mut files: Vec<Found> = Vec::new();
    let mut dirs: Vec<String> = vec![String::new()];
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(format!("no {CONTENT_DIR}/ folder in {}", root.display()))
                .hint("run varde in a site folder, or pass --root DIR"),
        );
        return (files, dirs);
    }
    let site_root = crate::walk::SiteRoot::new(root);
    let (entries, d) = site_root.walk(&content_dir, is_ignored);
    diags.extend(d);
    for e in entries {
        if e.is_dir {
            dirs.push(e.rel);
        } else {
            files.push(Found {
                abs: e.abs,
                base: e.rel.clone(),
                key: e.rel,
                stamp: (None, 0),
            });
        }
    }
    // Stamps tell the preview's cache which files changed; a build without a cache
    // reads every file anyway and skips them. One `stat` per file, on every core (10k
    // corpus: the walk took 45-64 ms with them inside it, 35-48 ms this way).
    if stamps {
        files.par_iter_mut().for_each(|f| {
            f.stamp = std::fs::metadata(&f.abs).map_or((None, 0), |m| (m.modified().ok(), m.len()));
        });
    }
    (files, dirs)
}

/// The language of a Markdown source by its name (`tegn.en.md` is English when the site
/// lists `en`), as an index into `config.languages`, and its key without the language.
/// Other files, and names whose last part is no language of the site, are the default's.
pub(super) fn lang_of(key: &str, config: &Config) -> (usize, String) {
    let name = file_name(key);
    if config.languages.len() < 2 || !is_markdown(name) {
        return (0, key.to_string());
    }
    let st = stem(name);
    let ext = &name[st.len()..];
    if let Some((rest, code)) = st.rsplit_once('.') {
        if let Some(i) = config.lang_index(code) {
            let dir = &key[..key.len() - name.len()];
            return (i, format!("{dir}{rest}{ext}"));
        }
    }
    (0, key.to_string())
}

/// Sets each Markdown file's `base` (its key without the language). A name that ends in a
/// language tag the site does not list (`side.de.md` on a site in nb and en) is an error,
/// so a translation is never published as a page of its own.
pub(super) fn set_languages(files: &mut [Found], config: &Config, diags: &mut Vec<Diagnostic>) {
    for f in files.iter_mut() {
        let (lang, base) = lang_of(&f.key, config);
        if lang > 0 {
            f.base = base;
            continue;
        }
        let name = file_name(&f.key);
        if !is_markdown(name) {
            continue;
        }
        let Some((rest, code)) = stem(name).rsplit_once('.') else {
            continue;
        };
        let tag_like = code.split('-').next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase())
        });
        if !tag_like || crate::config::check_tag(code).is_err() {
            continue;
        }
        if code == config.language {
            f.base = format!(
                "{}{rest}{}",
                &f.key[..f.key.len() - name.len()],
                &name[stem(name).len()..]
            );
            continue;
        }
        let listed: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        diags.push(
            Diagnostic::error(format!(
                "this file is in `{code}`, which is not a language of the site ({})",
                listed.join(", ")
            ))
            .in_file(rel_of(&f.key))
            .hint(format!(
                "add `{code}` to `languages:` in site.yaml; if `{code}` is not a language, write the name with `-` instead of `.`: {rest}-{code}.md"
            )),
        );
        // Left out of the build as any other source with an error in its name.
        f.base = String::new();
    }
}

/// `content/<key>`: a content key as the editor sees the file.
pub(super) fn rel_of(key: &str) -> PathBuf {
    PathBuf::from(CONTENT_DIR).join(key)
}
