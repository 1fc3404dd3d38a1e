//! Load: walk `content/`, read every file once, parse front matter, and build the model
//! (sections, pages, assets, taxonomies) with every URL decided. Markdown is rendered here
//! too, once the URLs are known, because links between source files resolve to them.

pub mod audit;
pub mod listing;
pub mod markdown;
pub mod meta;
pub mod source;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::directory::Service;
use crate::slug::slugify;
use listing::Directory;
use markdown::{Links, Rendered};
use meta::{PageMeta, SectionMeta, SortBy};
use source::SourceFile;

pub const CONTENT_DIR: &str = "content";
/// Where the search index's bundle goes on the site.
pub const SEARCH_BUNDLE: &str = "/pagefind/";

#[derive(Debug)]
pub struct Page {
    pub file: Arc<SourceFile>,
    pub meta: PageMeta,
    /// Index into `Site::sections`.
    pub section: usize,
    /// Site path, starting and ending with `/` (`/nas/symptomer/`).
    pub path: String,
    /// Files of a page bundle, copied next to the page.
    pub assets: Vec<Asset>,
    pub content: Arc<Rendered>,
    /// The service entry, for pages in a directory section.
    pub service: Option<Service>,
}

#[derive(Debug)]
pub struct Section {
    /// The `_index.md`, when there is one.
    pub file: Option<Arc<SourceFile>>,
    /// Folder relative to `content/` (`""` for the home section).
    pub dir: String,
    pub meta: SectionMeta,
    pub path: String,
    pub parent: Option<usize>,
    /// Subsections, sorted by weight then title.
    pub children: Vec<usize>,
    /// Pages, in the section's sort order.
    pub pages: Vec<usize>,
    /// Non-Markdown files in the folder, copied next to the section page.
    pub assets: Vec<Asset>,
    pub content: Arc<Rendered>,
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Site path of the copy (`/smil/pamelding/skjema.pdf`).
    pub path: String,
}

#[derive(Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Pages with this term, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug)]
pub struct TaxonomyTerms {
    /// The taxonomy's name in `site.yaml` (`tags`).
    pub name: String,
    pub terms: Vec<Term>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub taxonomies: Vec<TaxonomyTerms>,
    /// The service directories, filled in after loading (`listing::build`).
    pub directories: Vec<Directory>,
    /// The day staleness is judged against.
    pub today: Date,
    /// The search page's A-Z index, worked out once when first needed.
    pub a_to_z: std::sync::OnceLock<AToZ>,
    /// What Markdown links resolve against, kept so one page can be rendered again alone.
    pub links: LinkIndex,
    /// Markdown files that are not pages of this build, for the build's summary.
    pub left_out: LeftOut,
}

/// Markdown sources a build did not publish, by reason (each also has a message, except
/// drafts, which `--drafts` builds).
#[derive(Debug, Default, Clone, Copy)]
pub struct LeftOut {
    pub drafts: usize,
    /// Under a name that starts with `_`.
    pub private: usize,
}

/// Content key -> site path for every page, section and asset, and the draft pages left out.
#[derive(Debug, Default)]
pub struct LinkIndex {
    pub paths: HashMap<String, String>,
    pub drafts: HashSet<String>,
}

impl LinkIndex {
    /// What Markdown rendering resolves links against, for this index and these settings.
    fn links<'a>(&'a self, config: &'a Config, audit: bool) -> Links<'a> {
        Links {
            paths: &self.paths,
            base_path: &config.base_path,
            raw_html: config.raw_html,
            drafts: &self.drafts,
            audit,
        }
    }
}

/// A page's file read again and its Markdown rendered against the site as loaded: what the
/// preview needs when one page's text changed and nothing else did.
pub struct Reread {
    pub file: Arc<SourceFile>,
    pub content: Rendered,
    pub diags: Vec<Diagnostic>,
}

/// Which letters begin page titles (in Norwegian order), and each page's letter.
#[derive(Debug)]
pub struct AToZ {
    pub letters: Vec<String>,
    /// Index into `letters`, by page index.
    pub of_page: Vec<usize>,
}

impl Site {
    /// A site with no content: what a build has when `site.yaml` itself is wrong, so its
    /// errors are not followed by false ones from every page read with a broken setting.
    pub fn empty(config: Config) -> Site {
        Site {
            config,
            sections: vec![],
            pages: vec![],
            taxonomies: vec![],
            directories: vec![],
            today: Date::build_day(),
            a_to_z: std::sync::OnceLock::new(),
            links: LinkIndex::default(),
            left_out: LeftOut::default(),
        }
    }

    /// Reads the page file `key` (relative to `content/`) again and renders its Markdown.
    /// The front matter is parsed by the caller's rules, so this only serves files whose
    /// front matter the caller has compared.
    pub fn reread(&self, root: &Path, key: &str) -> Result<Reread, Diagnostic> {
        let rel = PathBuf::from(CONTENT_DIR).join(key);
        let site_root = crate::walk::SiteRoot::new(root);
        if !site_root.contains(&root.join(&rel)) {
            return Err(site_root.escape_error(&root.join(&rel)));
        }
        let bytes = std::fs::read(root.join(&rel))
            .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(&rel))?;
        let file = source::read(rel, key.to_string(), bytes)?;
        let (content, diags) = markdown::render(&file, &self.links.links(&self.config, false));
        Ok(Reread {
            file: Arc::new(file),
            content,
            diags,
        })
    }

    /// The paginate_by in force for a section.
    pub fn paginate_by(&self, s: usize) -> usize {
        self.sections[s]
            .meta
            .paginate_by
            .unwrap_or(self.config.paginate_by)
    }

    /// Site path of page `n` (1-based) of a listing at `base`.
    pub fn pager_path(&self, base: &str, n: usize) -> String {
        if n <= 1 {
            base.to_string()
        } else {
            format!("{base}{}/{n}/", self.config.paginate_path)
        }
    }

    /// Ancestor sections of a section, from the home section down (excluding itself).
    pub fn ancestors(&self, mut s: usize) -> Vec<usize> {
        let mut out = vec![];
        while let Some(p) = self.sections[s].parent {
            out.push(p);
            s = p;
        }
        out.reverse();
        out
    }
}

/// A file found by the walk, before it is read.
struct Found {
    abs: PathBuf,
    key: String,
    /// Modification time and size: a file whose stamp is unchanged is not read again.
    stamp: Stamp,
}

type Stamp = (Option<SystemTime>, u64);

struct CachedSection {
    stamp: Stamp,
    file: Arc<SourceFile>,
    meta: SectionMeta,
    diags: Vec<Diagnostic>,
}

struct CachedPage {
    stamp: Stamp,
    in_directory: bool,
    file: Arc<SourceFile>,
    meta: Option<PageMeta>,
    service: Option<Service>,
    diags: Vec<Diagnostic>,
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
    sections: HashMap<String, CachedSection>,
    pages: HashMap<String, CachedPage>,
    markdown: HashMap<String, CachedMarkdown>,
    /// Files read and parsed by the last load.
    pub parsed: usize,
    /// Markdown files rendered by the last load.
    pub rendered: usize,
}

fn file_name(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

fn parent_key(key: &str) -> &str {
    key.rfind('/').map_or("", |i| &key[..i])
}

/// A Markdown source by its name: `.md`, and `.markdown` as Jekyll writes it.
fn is_markdown(name: &str) -> bool {
    name.ends_with(".md") || name.ends_with(".markdown")
}

/// A file name without its Markdown extension.
fn stem(name: &str) -> &str {
    name.strip_suffix(".md")
        .or_else(|| name.strip_suffix(".markdown"))
        .unwrap_or(name)
}

/// The key up to and including its first part that starts with `_` (`_posts/a.md` ->
/// `_posts`), leaving `_index.md` itself out: such names are another generator's sources.
fn private_part(key: &str) -> Option<&str> {
    let mut end = 0;
    for seg in key.split('/') {
        end += seg.len();
        if seg.starts_with('_') && !(seg == "_index.md" && end == key.len()) {
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
fn leave_out_sources(
    files: Vec<Found>,
    dirs: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Found>, usize) {
    let rel_of = |key: &str| PathBuf::from(CONTENT_DIR).join(key);
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
        diags.push(
            Diagnostic::warning(format!(
                "not published: names starting with `_` are kept out of the site{holds}"
            ))
            .in_file(rel_of(&part))
            .hint("rename it without the leading `_` to publish it; Jekyll's _config.yml, _layouts/ and _includes/ have no use in varde"),
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
fn bundle_folders(files: &[Found]) -> HashSet<String> {
    let mut has_other_md: HashSet<&str> = HashSet::new();
    for f in files.iter().filter(|f| is_markdown(file_name(&f.key))) {
        let mut dir = parent_key(&f.key);
        let mut own_index = file_name(&f.key) == "index.md";
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
        .filter(|f| file_name(&f.key) == "index.md" && !parent_key(&f.key).is_empty())
        .map(|f| parent_key(&f.key))
        .filter(|d| !has_other_md.contains(d))
        .map(str::to_string)
        .collect()
}

fn is_ignored(name: &str) -> bool {
    // Hidden files and editors' temporary files.
    name.starts_with('.') || name.ends_with('~') || name.starts_with('#') || name.ends_with(".swp")
}

/// Reads and models the whole site. Errors come back as diagnostics next to whatever
/// could be built, so one run reports every problem.
pub fn load(root: &Path, config: Config, drafts: bool) -> (Site, Vec<Diagnostic>) {
    load_cached(root, config, drafts, false, None)
}

/// `load`, reusing what `cache` holds from the previous load and refreshing it. With
/// `audit`, each page also carries the facts `varde check` reads.
pub fn load_cached(
    root: &Path,
    config: Config,
    drafts: bool,
    audit: bool,
    mut cache: Option<&mut LoadCache>,
) -> (Site, Vec<Diagnostic>) {
    let today = Date::build_day();
    if let Some(c) = cache.as_deref_mut() {
        // Parsing depends on the settings (vocabularies, taxonomies) and on today's date.
        let context = source::hash_str(&format!(
            "{}|{}|{drafts}|{audit}",
            serde_json::to_string(&config).unwrap_or_default(),
            today.iso()
        ));
        if c.context != context {
            *c = LoadCache {
                context,
                ..LoadCache::default()
            };
        }
        c.parsed = 0;
        c.rendered = 0;
    }
    let mut t = crate::timing::Timer::new();
    let mut diags = Vec::new();
    let content_dir = root.join(CONTENT_DIR);
    let mut files: Vec<Found> = Vec::new();
    let mut dirs: Vec<String> = vec![String::new()];

    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(format!("no {CONTENT_DIR}/ folder in {}", root.display()))
                .hint("run varde in a site folder, or pass --root DIR"),
        );
    } else {
        let site_root = crate::walk::SiteRoot::new(root);
        let (entries, d) = site_root.walk(&content_dir, is_ignored);
        diags.extend(d);
        for e in entries {
            if e.is_dir {
                dirs.push(e.rel);
            } else {
                files.push(Found {
                    abs: e.abs,
                    key: e.rel,
                    stamp: (None, 0),
                });
            }
        }
        // Stamps tell the preview's cache which files changed; a build without a cache
        // reads every file anyway and skips them. One `stat` per file, on every core (10k
        // corpus: the walk took 45-64 ms with them inside it, 35-48 ms this way).
        if cache.is_some() {
            files.par_iter_mut().for_each(|f| {
                f.stamp =
                    std::fs::metadata(&f.abs).map_or((None, 0), |m| (m.modified().ok(), m.len()));
            });
        }
    }

    t.lap("  load: walk");
    let rel_of = |key: &str| PathBuf::from(CONTENT_DIR).join(key);
    // Jekyll's `_config.yml`, `_layouts/`, `_posts/` and other sources never reach the site.
    let (files, skipped) = leave_out_sources(files, &mut dirs, &mut diags);
    let bundles = bundle_folders(&files);
    let bundle_of = |key: &str| -> Option<String> {
        let mut best = None;
        let mut k = parent_key(key);
        loop {
            if bundles.contains(k) {
                best = Some(k.to_string());
            }
            if k.is_empty() {
                break;
            }
            k = parent_key(k);
        }
        best
    };

    // Read and parse every Markdown file in parallel: this is most of the I/O.
    enum Kind {
        Section,
        Page,
    }
    let section_index: HashSet<&str> = files
        .iter()
        .filter(|f| file_name(&f.key) == "_index.md")
        .map(|f| parent_key(&f.key))
        .collect();
    let mut md: Vec<(&Found, Kind)> = Vec::new();
    let mut loose_assets: Vec<&Found> = Vec::new();
    for f in &files {
        let name = file_name(&f.key);
        let in_bundle = bundle_of(&f.key);
        match (&in_bundle, is_markdown(name)) {
            (Some(b), true) if f.key == format!("{b}/index.md") => md.push((f, Kind::Page)),
            (None, true) if name == "_index.md" => md.push((f, Kind::Section)),
            // index.md beside other pages is the folder's own page, as in Jekyll.
            (None, true) if name == "index.md" => {
                if section_index.contains(parent_key(&f.key)) {
                    diags.push(
                        Diagnostic::error("this folder has both _index.md and index.md, and only one can be its page")
                            .in_file(rel_of(&f.key))
                            .hint("merge index.md into _index.md, or rename index.md to make it a page of its own"),
                    );
                } else {
                    md.push((f, Kind::Section));
                }
            }
            (None, true) => md.push((f, Kind::Page)),
            _ => loose_assets.push(f),
        }
    }
    t.lap("  load: classify");
    // Section indexes first: whether a section is a directory decides how its pages parse.
    let read_file = |f: &Found| -> Result<Arc<SourceFile>, Diagnostic> {
        let bytes = std::fs::read(&f.abs).map_err(|e| {
            Diagnostic::error(format!("cannot read the file: {e}")).in_file(rel_of(&f.key))
        })?;
        source::read(rel_of(&f.key), f.key.clone(), bytes).map(Arc::new)
    };
    let old = cache.as_deref();
    let section_files: Vec<_> = md
        .par_iter()
        .filter(|(_, k)| matches!(k, Kind::Section))
        .map(|(f, _)| {
            if let Some(c) = old
                .and_then(|c| c.sections.get(&f.key))
                .filter(|c| c.stamp == f.stamp && f.stamp.0.is_some())
            {
                return Ok((
                    f.stamp,
                    false,
                    ParsedSection {
                        file: Arc::clone(&c.file),
                        meta: c.meta.clone(),
                        diags: c.diags.clone(),
                    },
                ));
            }
            let file = read_file(f)?;
            let (m, d) = meta::section(&file, &default_title(parent_key(&f.key), &config));
            Ok((
                f.stamp,
                true,
                ParsedSection {
                    file,
                    meta: m,
                    diags: d,
                },
            ))
        })
        .collect();
    let section_files: Vec<Result<ParsedSection, Diagnostic>> = section_files
        .into_iter()
        .map(|r| {
            r.map(|(stamp, fresh, p)| {
                if let (Some(c), true) = (cache.as_deref_mut(), fresh) {
                    c.parsed += 1;
                    c.sections.insert(
                        p.file.key.clone(),
                        CachedSection {
                            stamp,
                            file: Arc::clone(&p.file),
                            meta: p.meta.clone(),
                            diags: p.diags.clone(),
                        },
                    );
                }
                p
            })
        })
        .collect();
    let directory_dirs: HashSet<String> = section_files
        .iter()
        .filter_map(|p| match p {
            Ok(ParsedSection { file, meta, .. }) if meta.directory => {
                Some(parent_key(&file.key).to_string())
            }
            _ => None,
        })
        .collect();
    let old = cache.as_deref();
    let page_files: Vec<_> = md
        .par_iter()
        .filter(|(_, k)| matches!(k, Kind::Page))
        .map(|(f, _)| {
            let dir = match bundle_of(&f.key) {
                Some(b) => parent_key(&b).to_string(),
                None => parent_key(&f.key).to_string(),
            };
            let in_directory = directory_dirs.contains(&dir);
            if let Some(c) = old.and_then(|c| c.pages.get(&f.key)).filter(|c| {
                c.stamp == f.stamp && f.stamp.0.is_some() && c.in_directory == in_directory
            }) {
                let p = ParsedPage {
                    file: Arc::clone(&c.file),
                    meta: c.meta.clone(),
                    service: c.service.clone(),
                    diags: c.diags.clone(),
                };
                return Ok((f.stamp, in_directory, false, p));
            }
            let file = read_file(f)?;
            let (m, svc, d) = meta::page(&file, &config, in_directory.then_some(today));
            Ok((
                f.stamp,
                in_directory,
                true,
                ParsedPage {
                    file,
                    meta: m,
                    service: svc,
                    diags: d,
                },
            ))
        })
        .collect();
    let page_files: Vec<Result<ParsedPage, Diagnostic>> = page_files
        .into_iter()
        .map(|r| {
            r.map(|(stamp, in_directory, fresh, p)| {
                if let (Some(c), true) = (cache.as_deref_mut(), fresh) {
                    c.parsed += 1;
                    let entry = CachedPage {
                        stamp,
                        in_directory,
                        file: Arc::clone(&p.file),
                        meta: p.meta.clone(),
                        service: p.service.clone(),
                        diags: p.diags.clone(),
                    };
                    c.pages.insert(p.file.key.clone(), entry);
                }
                p
            })
        })
        .collect();

    t.lap("  load: parse");
    // Sections: every folder that is not (inside) a bundle.
    let mut sections: Vec<Section> = Vec::new();
    let mut section_of_dir: HashMap<String, usize> = HashMap::new();
    for dir in &dirs {
        if bundles.contains(dir.as_str()) || bundle_of(&format!("{dir}/x")).is_some() {
            continue;
        }
        section_of_dir.insert(dir.clone(), sections.len());
        sections.push(Section {
            file: None,
            dir: dir.clone(),
            meta: meta::section_defaults(&default_title(dir, &config)),
            path: String::new(),
            parent: None,
            children: vec![],
            pages: vec![],
            assets: vec![],
            content: Arc::default(),
        });
    }
    let mut pages: Vec<Page> = Vec::with_capacity(page_files.len());
    let mut draft_keys: HashSet<String> = HashSet::new();
    for p in section_files {
        match p {
            Err(d) => diags.push(d),
            Ok(ParsedSection {
                file,
                meta,
                diags: d,
            }) => {
                diags.extend(d);
                if let Some(&s) = section_of_dir.get(parent_key(&file.key)) {
                    sections[s].meta = meta;
                    sections[s].file = Some(file);
                }
            }
        }
    }
    for p in page_files {
        match p {
            Err(d) => diags.push(d),
            Ok(ParsedPage {
                file,
                meta,
                service,
                diags: d,
            }) => {
                diags.extend(d);
                let Some(m) = meta else { continue };
                if m.draft && !drafts {
                    draft_keys.insert(file.key.clone());
                    continue;
                }
                let dir = match bundle_of(&file.key) {
                    Some(b) => parent_key(&b).to_string(),
                    None => parent_key(&file.key).to_string(),
                };
                let section = section_of_dir.get(&dir).copied().unwrap_or(0);
                pages.push(Page {
                    file,
                    meta: m,
                    section,
                    path: String::new(),
                    assets: vec![],
                    content: Arc::default(),
                    service,
                });
            }
        }
    }
    for s in &sections {
        if s.file.is_none() && !s.dir.is_empty() {
            diags.push(
                Diagnostic::warning(
                    "this folder has no _index.md, so its section has no title of its own",
                )
                .in_file(rel_of(&s.dir))
                .hint(format!(
                    "add content/{}/_index.md with `title: ...` in its front matter",
                    s.dir
                )),
            );
        }
    }

    t.lap("  load: model: sections");
    // The tree and its paths: a section's path is its parent's plus its folder's slug.
    for i in 0..sections.len() {
        let dir = sections[i].dir.clone();
        if dir.is_empty() {
            sections[i].path = "/".into();
            continue;
        }
        let parent = section_of_dir.get(parent_key(&dir)).copied().unwrap_or(0);
        sections[i].parent = Some(parent);
        sections[parent].children.push(i);
        let seg = slugify(file_name(&dir));
        if seg.is_empty() {
            diags.push(
                Diagnostic::error("this folder name has no letters or digits to make a URL from")
                    .in_file(rel_of(&dir))
                    .hint("rename the folder, e.g. `nas` or `om-kurset`"),
            );
        }
        // Parents come before children in walk order, so the parent's path is set.
        sections[i].path = format!(
            "{}{}/",
            sections[parent].path,
            if seg.is_empty() { "x" } else { &seg }
        );
    }
    for (i, page) in pages.iter_mut().enumerate() {
        let stem = match bundle_of(&page.file.key) {
            Some(b) => file_name(&b).to_string(),
            None => stem(file_name(&page.file.key)).to_string(),
        };
        let slug = page.meta.slug.clone().unwrap_or_else(|| slugify(&stem));
        if slug.is_empty() {
            diags.push(
                Diagnostic::error("this file name has no letters or digits to make a URL from")
                    .in_file(&page.file.rel)
                    .hint("rename the file, or set `slug: ...` in its front matter"),
            );
        }
        let slug = if slug.is_empty() {
            format!("side-{i}")
        } else {
            slug
        };
        page.path = format!("{}{slug}/", sections[page.section].path);
        sections[page.section].pages.push(i);
    }

    t.lap("  load: model: paths");
    // Assets: bundle files go next to their page, loose files next to their section.
    let page_of_bundle: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| bundle_of(&p.file.key).map(|b| (b, i)))
        .collect();
    let mut asset_paths: Vec<(String, String)> = Vec::new();
    for f in loose_assets {
        if let Some(b) = bundle_of(&f.key) {
            if let Some(&p) = page_of_bundle.get(&b) {
                let rest = &f.key[b.len() + 1..];
                let path = format!("{}{rest}", pages[p].path);
                asset_paths.push((f.key.clone(), path.clone()));
                pages[p].assets.push(Asset {
                    source: f.abs.clone(),
                    path,
                });
            }
            continue;
        }
        if let Some(&s) = section_of_dir.get(parent_key(&f.key)) {
            let path = format!("{}{}", sections[s].path, file_name(&f.key));
            asset_paths.push((f.key.clone(), path.clone()));
            sections[s].assets.push(Asset {
                source: f.abs.clone(),
                path,
            });
        }
    }

    t.lap("  load: assets");
    // Two sources claiming one URL would silently overwrite each other.
    // Diagnostics are built only for an actual collision: locating a key in the YAML for
    // every page would cost more than the whole check.
    let mut claims = Claims::default();
    for s in &sections {
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
            &mut diags,
        );
    }
    for (i, p) in pages.iter().enumerate() {
        let first = claims.0.get(&p.path).cloned();
        // Point at the page whose own `slug:` made the clash: this one's, or the first's.
        let at = match (&p.meta.slug, first.and_then(|(_, q)| q)) {
            (None, Some(q)) => {
                let other = &pages[q];
                duplicate_at(&other.file, "slug", &p.path).hint(format!(
                    "{} already gives the URL {} by its file name; change this `slug`",
                    p.file.rel.display(),
                    p.path
                ))
            }
            _ => duplicate_at(&p.file, "slug", &p.path),
        };
        claims.claim_by(
            &p.path,
            || p.file.rel.display().to_string(),
            p.meta.slug.as_ref().map(|_| i),
            || at,
            &mut diags,
        );
        for a in &p.meta.aliases {
            claims.claim(
                a,
                || format!("an alias in {}", p.file.rel.display()),
                || duplicate_alias_at(&p.file, a),
                &mut diags,
            );
        }
    }
    for (key, path) in &asset_paths {
        let at =
            || Diagnostic::error(format!("two sources claim the URL {path}")).in_file(rel_of(key));
        claims.claim(path, || format!("content/{key}"), at, &mut diags);
    }
    // Listing pages and taxonomy pages are URLs too (a page with slug `side` next to a
    // paginated list, or a section named like a taxonomy, would collide with them).
    let taxonomies = collect_taxonomies(&config, &pages);
    let yaml_claim = |path: &str| {
        Diagnostic::error(format!("two sources claim the URL {path}")).in_file(crate::config::FILE)
    };
    for s in &sections {
        let per = s.meta.paginate_by.unwrap_or(config.paginate_by).max(1);
        for n in 2..=s.pages.len().div_ceil(per) {
            let path = format!("{}{}/{n}/", s.path, config.paginate_path);
            let at = || {
                Diagnostic::error(format!("two sources claim the URL {path}"))
                    .in_file(rel_of(&s.dir))
            };
            claims.claim(
                &path,
                || format!("page {n} of the list {}", s.path),
                at,
                &mut diags,
            );
        }
    }
    for (t, terms) in config.taxonomies.iter().zip(&taxonomies) {
        let base = format!("/{}/", t.slug);
        claims.claim(
            &base,
            || format!("the taxonomy `{}`", t.name),
            || yaml_claim(&base),
            &mut diags,
        );
        for term in &terms.terms {
            let path = format!("{base}{}/", term.slug);
            claims.claim(
                &path,
                || format!("the {} term `{}`", t.name, term.name),
                || yaml_claim(&path),
                &mut diags,
            );
        }
    }

    t.lap("  load: duplicate URLs");
    // Sort pages and subsections now that everything is known.
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        sort_pages(&mut list, &pages, sections[s].meta.sort_by);
        sections[s].pages = list;
        let mut kids = std::mem::take(&mut sections[s].children);
        kids.sort_by(|&a, &b| {
            (sections[a].meta.weight, &sections[a].meta.title)
                .cmp(&(sections[b].meta.weight, &sections[b].meta.title))
        });
        sections[s].children = kids;
    }

    t.lap("  load: sort");
    // Markdown, now that every source file has its URL.
    let mut paths: HashMap<String, String> = HashMap::new();
    for s in &sections {
        let key = if s.dir.is_empty() {
            "_index.md".to_string()
        } else {
            format!("{}/_index.md", s.dir)
        };
        paths.insert(key, s.path.clone());
        // A folder's own page may be `index.md` (see `bundle_folders`).
        if let Some(f) = &s.file {
            paths.insert(f.key.clone(), s.path.clone());
        }
    }
    for p in &pages {
        paths.insert(p.file.key.clone(), p.path.clone());
    }
    for (k, v) in asset_paths {
        paths.insert(k, v);
    }
    let index = LinkIndex {
        paths,
        drafts: draft_keys,
    };
    let links = index.links(&config, audit);
    t.lap("  load: link map");
    // A cached rendering is reused when the file is the very same and every content key
    // its links looked up still resolves the same way.
    let old = cache.as_deref();
    let render_md = |file: &Arc<SourceFile>| -> (Arc<Rendered>, Vec<Diagnostic>, bool) {
        if let Some(c) = old.and_then(|c| c.markdown.get(&file.key)) {
            let same_links = c
                .rendered
                .link_targets
                .iter()
                .all(|(k, found)| markdown::resolve(&links, k) == *found);
            if Arc::ptr_eq(&c.file, file) && same_links {
                return (Arc::clone(&c.rendered), c.diags.clone(), false);
            }
        }
        let (r, d) = markdown::render(file, &links);
        (Arc::new(r), d, true)
    };
    let page_md: Vec<_> = pages.par_iter().map(|p| render_md(&p.file)).collect();
    let section_md: Vec<_> = sections
        .par_iter()
        .map(|s| s.file.as_ref().map(render_md))
        .collect();
    let mut fresh_md = vec![];
    for (p, (r, d, fresh)) in pages.iter_mut().zip(page_md) {
        if fresh {
            fresh_md.push((Arc::clone(&p.file), Arc::clone(&r), d.clone()));
        }
        p.content = r;
        diags.extend(d);
    }
    for (s, r) in sections.iter_mut().zip(section_md) {
        if let Some((r, d, fresh)) = r {
            if let (true, Some(f)) = (fresh, &s.file) {
                fresh_md.push((Arc::clone(f), Arc::clone(&r), d.clone()));
            }
            s.content = r;
            diags.extend(d);
        }
    }
    if let Some(c) = cache {
        c.rendered = fresh_md.len();
        for (file, rendered, diags) in fresh_md {
            c.markdown.insert(
                file.key.clone(),
                CachedMarkdown {
                    file,
                    rendered,
                    diags,
                },
            );
        }
    }

    t.lap("  load: markdown");
    let site = Site {
        config,
        sections,
        pages,
        taxonomies,
        directories: vec![],
        today,
        a_to_z: std::sync::OnceLock::new(),
        left_out: LeftOut {
            drafts: index.drafts.len(),
            private: skipped,
        },
        links: index,
    };
    (site, diags)
}

struct ParsedSection {
    file: Arc<SourceFile>,
    meta: SectionMeta,
    diags: Vec<Diagnostic>,
}

struct ParsedPage {
    file: Arc<SourceFile>,
    meta: Option<PageMeta>,
    service: Option<Service>,
    diags: Vec<Diagnostic>,
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

fn default_title(dir: &str, config: &Config) -> String {
    if dir.is_empty() {
        return config.title.clone();
    }
    let name = file_name(dir).replace(['-', '_'], " ");
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => name,
    }
}

/// An error for a duplicate URL, pointing at the front-matter key that made it if present.
fn duplicate_at(file: &SourceFile, key: &str, path: &str) -> Diagnostic {
    let d = Diagnostic::error(format!("two sources claim the URL {path}")).in_file(&file.rel);
    match crate::yaml::locate(file.yaml(), &[key]) {
        Some((line, col)) => d.at_line_col(&file.text, file.yaml_line + line - 1, col, key.len()),
        None => d.at_line(1, 1),
    }
}

/// An error for an alias that takes a URL already taken, at the list item that holds it.
fn duplicate_alias_at(file: &SourceFile, alias: &str) -> Diagnostic {
    let d = Diagnostic::error(format!("two sources claim the URL {alias}")).in_file(&file.rel);
    let yaml = file.yaml();
    for i in 0.. {
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
    match crate::yaml::locate(yaml, &["aliases"]) {
        Some((line, col)) => d.at_line_col(&file.text, file.yaml_line + line - 1, col, 7),
        None => d.at_line(1, 1),
    }
}

fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    match by {
        SortBy::Weight => list.sort_by(|&a, &b| {
            (pages[a].meta.weight, &pages[a].meta.title)
                .cmp(&(pages[b].meta.weight, &pages[b].meta.title))
        }),
        SortBy::Title => list.sort_by(|&a, &b| {
            pages[a]
                .meta
                .title
                .to_lowercase()
                .cmp(&pages[b].meta.title.to_lowercase())
        }),
        SortBy::Date => list.sort_by(|&a, &b| newest_first(&pages[a], &pages[b])),
    }
}

fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    // Undated pages go last; ties keep a stable order by title.
    b.meta
        .date
        .cmp(&a.meta.date)
        .then_with(|| a.meta.title.cmp(&b.meta.title))
}

fn collect_taxonomies(config: &Config, pages: &[Page]) -> Vec<TaxonomyTerms> {
    config
        .taxonomies
        .iter()
        .map(|t| {
            let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
            for (i, p) in pages.iter().enumerate() {
                for name in p.meta.taxonomies.get(&t.name).into_iter().flatten() {
                    let slug = slugify(name);
                    let term = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        slug,
                        pages: vec![],
                    });
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = by_slug.into_values().collect();
            for term in &mut terms {
                term.pages
                    .sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
            }
            terms.sort_by_key(|t| t.name.to_lowercase());
            TaxonomyTerms {
                name: t.name.clone(),
                terms,
            }
        })
        .collect()
}
