//! Reading and parsing the Markdown files in parallel, through the preview's cache: a file
//! whose stamp (modification time and size) is unchanged is not read again, and Markdown
//! whose file and links are unchanged is not rendered again.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::files::{parent_key, rel_of, Bundles, Found, Stamp};
use super::markdown::{self, Links, Rendered};
use super::meta::{self, PageMeta, SectionMeta};
use super::source::{self, SourceFile};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::directory::Service;

/// A section's own page, parsed.
#[derive(Clone)]
pub(super) struct ParsedSection {
    pub file: Arc<SourceFile>,
    pub meta: SectionMeta,
    pub diags: Vec<Diagnostic>,
}

/// A page, parsed; `meta` is `None` when its front matter cannot be used at all.
#[derive(Clone)]
pub(super) struct ParsedPage {
    pub file: Arc<SourceFile>,
    pub meta: Option<PageMeta>,
    pub service: Option<Service>,
    pub diags: Vec<Diagnostic>,
}

/// Each file's parse, or why it could not be read.
pub(super) type Parsed<T> = Vec<Result<T, Diagnostic>>;

/// One parsed file kept by the cache, with what it was parsed under.
struct Cached<T> {
    stamp: Stamp,
    /// For pages: whether it was read as a service (its section is a directory).
    in_directory: bool,
    parsed: T,
}

struct CachedMarkdown {
    file: Arc<SourceFile>,
    rendered: Arc<Rendered>,
    diags: Vec<Diagnostic>,
}

/// What the preview keeps between rebuilds so that an edit costs only what it changed:
/// parsed files (valid while their stamp and the settings are unchanged) and rendered
/// Markdown (valid while the file is the same and its links resolve the same).
#[derive(Default)]
pub struct LoadCache {
    context: u64,
    sections: HashMap<String, Cached<ParsedSection>>,
    pages: HashMap<String, Cached<ParsedPage>>,
    markdown: HashMap<String, CachedMarkdown>,
    /// Files read and parsed by the last load.
    pub parsed: usize,
    /// Markdown files rendered by the last load.
    pub rendered: usize,
}

impl LoadCache {
    /// Starts a load: everything is dropped when the settings, the day or the kind of load
    /// changed, since parsing depends on them (vocabularies, taxonomies, staleness).
    pub(super) fn start(
        &mut self,
        config: &Config,
        today: &Date,
        include: super::Include,
        audit: bool,
    ) {
        let context = source::hash_str(&format!(
            "{}|{}|{include:?}|{audit}",
            serde_json::to_string(config).unwrap_or_default(),
            today.iso()
        ));
        if self.context != context {
            *self = LoadCache {
                context,
                ..LoadCache::default()
            };
        }
        self.parsed = 0;
        self.rendered = 0;
    }
}

fn read_file(f: &Found) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = std::fs::read(&f.abs).map_err(|e| {
        Diagnostic::error(format!("cannot read the file: {e}")).in_file(rel_of(&f.key))
    })?;
    source::read(rel_of(&f.key), f.key.clone(), bytes).map(Arc::new)
}

/// The one cached parse: each file in parallel, from `kept` (the cache's entries) when its
/// stamp is known and unchanged and it was read the same way (`in_directory`), else read
/// and parsed by `parse`. Fresh results go into `kept`.
fn parse_cached<T: Clone + Send + Sync>(
    files: &[&Found],
    kept: Option<&mut HashMap<String, Cached<T>>>,
    parsed: &mut usize,
    in_directory: impl Fn(&Found) -> bool + Sync,
    parse: impl Fn(&Found, Arc<SourceFile>, bool) -> T + Sync,
) -> Vec<Result<T, Diagnostic>> {
    let old = kept.as_deref();
    let results: Vec<(Result<T, Diagnostic>, bool)> = files
        .par_iter()
        .map(|f| {
            let dir = in_directory(f);
            if let Some(c) = old
                .and_then(|k| k.get(&f.key))
                .filter(|c| c.stamp == f.stamp && f.stamp.0.is_some() && c.in_directory == dir)
            {
                return (Ok(c.parsed.clone()), false);
            }
            (read_file(f).map(|file| parse(f, file, dir)), true)
        })
        .collect();
    let mut kept = kept;
    files
        .iter()
        .zip(results)
        .map(|(f, (r, fresh))| {
            if let (Some(k), Ok(p), true) = (kept.as_deref_mut(), &r, fresh) {
                *parsed += 1;
                let entry = Cached {
                    stamp: f.stamp,
                    in_directory: in_directory(f),
                    parsed: p.clone(),
                };
                k.insert(f.key.clone(), entry);
            }
            r
        })
        .collect()
}

/// Parses the section pages, then the pages: whether a section is a directory decides how
/// its pages' front matter is read.
/// Also returns the folders of the directory sections.
pub(super) fn parse_all(
    sections: &[&Found],
    pages: &[&Found],
    bundles: &Bundles,
    config: &Config,
    today: Date,
    mut cache: Option<&mut LoadCache>,
) -> (Parsed<ParsedSection>, Parsed<ParsedPage>, HashSet<String>) {
    let mut parsed = 0;
    let section_files = parse_cached(
        sections,
        cache.as_deref_mut().map(|c| &mut c.sections),
        &mut parsed,
        |_| false,
        |f, file, _| {
            let (meta, diags) = meta::section(
                &file,
                &super::tree::default_title(
                    parent_key(&f.key),
                    super::files::lang_of(&f.key, config).0,
                    config,
                ),
            );
            ParsedSection { file, meta, diags }
        },
    );
    let directory_dirs: HashSet<String> = section_files
        .iter()
        .filter_map(|p| match p {
            Ok(ParsedSection { file, meta, .. }) if meta.directory => {
                Some(parent_key(&file.key).to_string())
            }
            _ => None,
        })
        .collect();
    let page_files = parse_cached(
        pages,
        cache.as_deref_mut().map(|c| &mut c.pages),
        &mut parsed,
        |f| directory_dirs.contains(&bundles.section_dir(&f.key)),
        |_, file, in_directory| {
            let (meta, service, diags) = meta::page(&file, config, in_directory.then_some(today));
            ParsedPage {
                file,
                meta,
                service,
                diags,
            }
        },
    );
    if let Some(c) = cache {
        c.parsed += parsed;
    }
    (section_files, page_files, directory_dirs)
}

/// Markdown of one file, from the cache when the file is the very same and every content
/// key its links looked up still resolves the same way; `true` when rendered now.
pub(super) fn markdown_cached(
    old: Option<&LoadCache>,
    file: &Arc<SourceFile>,
    links: &Links<'_>,
    title_heading: bool,
) -> (Arc<Rendered>, Vec<Diagnostic>, bool) {
    if let Some(c) = old.and_then(|c| c.markdown.get(&file.key)) {
        let same_links = c
            .rendered
            .link_targets
            .iter()
            .all(|(k, found)| markdown::resolve(links, k) == *found);
        // A page from a spreadsheet row is made afresh on every load: the same text is
        // the same file.
        let same_file = Arc::ptr_eq(&c.file, file)
            || (c.file.hash == file.hash && c.file.text == file.text && c.file.rel == file.rel);
        if same_file && same_links {
            return (Arc::clone(&c.rendered), c.diags.clone(), false);
        }
    }
    let (r, d) = markdown::render(file, links, title_heading);
    (Arc::new(r), d, true)
}

impl LoadCache {
    /// Keeps Markdown rendered by this load for the next.
    pub(super) fn keep_markdown(
        &mut self,
        fresh: Vec<(Arc<SourceFile>, Arc<Rendered>, Vec<Diagnostic>)>,
    ) {
        self.rendered = fresh.len();
        for (file, rendered, diags) in fresh {
            self.markdown.insert(
                file.key.clone(),
                CachedMarkdown {
                    file,
                    rendered,
                    diags,
                },
            );
        }
    }
}
