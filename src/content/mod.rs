//! Load: walk `content/`, read every file once, parse front matter, and build the model
//! (sections, pages, assets, taxonomies) with every URL decided. Markdown is rendered here
//! too, once the URLs are known, because links between source files resolve to them.

pub mod audit;
mod claims;
pub mod data;
mod files;
mod links;
pub mod listing;
pub mod markdown;
pub mod meta;
mod parse;
mod raw_html;
mod shortcode_syntax;
pub mod shortcodes;
pub mod source;
mod tables;
mod tree;
mod words;

pub use links::join as join_path;
pub use parse::LoadCache;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::directory::Service;
use listing::Directory;
use markdown::{Links, Rendered};
use meta::{PageMeta, SectionMeta};
use source::SourceFile;

pub const CONTENT_DIR: &str = "content";
/// Where the search index's bundle goes on the site.
pub const SEARCH_BUNDLE: &str = "/pagefind/";
/// The site paths of the outputs every site has.
pub const SEARCH_PATH: &str = "/sok/";
pub const NOT_FOUND_PATH: &str = "/404.html";
pub const SITEMAP_PATH: &str = "/sitemap.xml";
pub const ROBOTS_PATH: &str = "/robots.txt";

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
    /// Index into `config.languages`: 0 for the default, else from the file name.
    pub lang: usize,
    /// This page in every language it is written in (itself included), by language
    /// order: `side.md`, `side.en.md`, ... are one page's translations.
    pub translations: Vec<usize>,
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
    /// Index into `config.languages`. A folder is a section in each language it has
    /// pages or a section page in (`_index.en.md`), and in the default language always.
    pub lang: usize,
    /// The same folder's section in every language (itself included), by language order.
    pub translations: Vec<usize>,
}

impl Section {
    /// The content key links use for this section's page (`nas/_index.md`,
    /// `nas/_index.en.md`), whatever its file is called (`index.md` beside pages).
    pub fn index_key(&self, config: &Config) -> String {
        let name = match self.lang {
            0 => "_index.md".to_string(),
            l => format!("_index.{}.md", config.languages[l].code),
        };
        if self.dir.is_empty() {
            name
        } else {
            format!("{}/{name}", self.dir)
        }
    }

    /// Site path of the section's Atom feed (`/nytt/atom.xml`), written when `feed: true`.
    pub fn feed_path(&self) -> String {
        format!("{}atom.xml", self.path)
    }

    /// Pages on one page of this section's list: its own `paginate_by`, or the site's.
    pub fn paginate_by(&self, config: &Config) -> usize {
        self.meta.paginate_by.unwrap_or(config.paginate_by)
    }
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
    /// Site path of the term's list (`/emner/nas/`).
    pub path: String,
    /// Pages with this term, newest first.
    pub pages: Vec<usize>,
}

#[derive(Debug)]
pub struct TaxonomyTerms {
    /// The taxonomy's name in `site.yaml` (`tags`).
    pub name: String,
    /// Index into `config.taxonomies`.
    pub taxonomy: usize,
    /// The language whose pages it lists: each language has its own terms and pages
    /// (`/emner/`, `/en/emner/`).
    pub lang: usize,
    /// Site path of the list of its terms (`/emner/`).
    pub path: String,
    /// Pages on one page of a term's list.
    pub paginate_by: usize,
    pub terms: Vec<Term>,
}

impl TaxonomyTerms {
    /// Site path of the list of a term by its slug (`/emner/nas/`).
    pub fn term_path(&self, slug: &str) -> String {
        format!("{}{slug}/", self.path)
    }
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
    /// The files of `data/`, for templates (`site.data`, `load_data`).
    pub data: serde_json::Value,
    /// The theme's words in each language (`i18n/<code>.yaml`).
    pub i18n: crate::i18n::Catalogues,
}

/// Markdown sources a build did not publish, by reason (those under `_` names also have a
/// message; drafts and scheduled pages are built with `--drafts`, `--future`, `--expired`).
#[derive(Debug, Default, Clone, Copy)]
pub struct LeftOut {
    pub drafts: usize,
    /// Under a name that starts with `_`.
    pub private: usize,
    /// `publish_date` still to come.
    pub future: usize,
    /// `expiry_date` passed.
    pub expired: usize,
    /// The soonest `publish_date` still to come: when the site should be built again.
    pub next_due: Option<Date>,
}

/// Which pages a build takes in beyond the published ones.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Include {
    /// `draft: true` (`--drafts`).
    pub drafts: bool,
    /// `publish_date` still to come (`--future`).
    pub future: bool,
    /// `expiry_date` passed (`--expired`).
    pub expired: bool,
}

/// Why a page is not part of this build, for a link that points to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Future,
    Expired,
    /// Its front matter cannot be read: the file's own error says so, and a link to it is
    /// not a second error.
    Broken,
}

/// Content key -> site path for every page, section and asset, and the pages left out.
#[derive(Debug, Default)]
pub struct LinkIndex {
    pub paths: HashMap<String, String>,
    pub unpublished: HashMap<String, Unpublished>,
}

impl LinkIndex {
    /// What Markdown rendering resolves links against, for this index and these settings.
    fn links<'a>(&'a self, config: &'a Config, audit: bool) -> Links<'a> {
        Links {
            paths: &self.paths,
            base_path: &config.base_path,
            raw_html: config.raw_html,
            unpublished: &self.unpublished,
            anchors: config.anchors,
            audit,
            languages: &config.languages,
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
    /// By language.
    pub letters: Vec<Vec<String>>,
    /// Index into its language's `letters`, by page index.
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
            data: serde_json::Value::Null,
            i18n: crate::i18n::Catalogues::default(),
        }
    }

    /// Reads the page file `key` (relative to `content/`) again and renders its Markdown.
    /// The front matter is parsed by the caller's rules, so this only serves files whose
    /// front matter the caller has compared.
    /// Not for a page whose title is its first heading (`PageMeta::title_from_heading`):
    /// that heading is rendered here.
    pub fn reread(&self, root: &Path, key: &str) -> Result<Reread, Diagnostic> {
        let rel = PathBuf::from(CONTENT_DIR).join(key);
        let site_root = crate::walk::SiteRoot::new(root);
        if !site_root.contains(&root.join(&rel)) {
            return Err(site_root.escape_error(&root.join(&rel)));
        }
        let bytes = std::fs::read(root.join(&rel))
            .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(&rel))?;
        let file = source::read(rel, key.to_string(), bytes)?;
        let (content, diags) =
            markdown::render(&file, &self.links.links(&self.config, false), false);
        Ok(Reread {
            file: Arc::new(file),
            content,
            diags,
        })
    }

    /// The paginate_by in force for a section.
    pub fn paginate_by(&self, s: usize) -> usize {
        self.sections[s].paginate_by(&self.config)
    }

    /// Site path of page `n` (1-based) of a listing at `base`.
    pub fn pager_path(&self, base: &str, n: usize) -> String {
        pager_path(&self.config, base, n)
    }

    /// The pages of section `s`'s folder that are written only in the default language,
    /// when `s` is in a language that lists them (`list_untranslated`); none otherwise.
    pub fn untranslated(&self, s: usize) -> Vec<usize> {
        let sec = &self.sections[s];
        if sec.lang == 0 || !self.config.languages[sec.lang].list_untranslated {
            return vec![];
        }
        let Some(&original) = sec.translations.first() else {
            return vec![];
        };
        if self.sections[original].lang != 0 {
            return vec![];
        }
        self.sections[original]
            .pages
            .iter()
            .copied()
            .filter(|&p| {
                !self.pages[p]
                    .translations
                    .iter()
                    .any(|&t| self.pages[t].lang == sec.lang)
            })
            .collect()
    }

    /// The taxonomies of one language, in `config.taxonomies` order.
    pub fn taxonomies_of(&self, lang: usize) -> &[TaxonomyTerms] {
        let n = self.config.taxonomies.len();
        self.taxonomies.get(lang * n..(lang + 1) * n).unwrap_or(&[])
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

/// Reads and models the whole site. Errors come back as diagnostics next to whatever
/// could be built, so one run reports every problem.
pub fn load(root: &Path, config: Config, include: Include) -> (Site, Vec<Diagnostic>) {
    load_cached(root, config, include, false, None)
}

/// Site path of page `n` (1-based) of a listing at `base` (`/nytt/side/2/`).
fn pager_path(config: &Config, base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}{}/{n}/", config.paginate_path)
    }
}

/// `load`, reusing what `cache` holds from the previous load and refreshing it. With
/// `audit`, each page also carries the facts `varde check` reads.
pub fn load_cached(
    root: &Path,
    config: Config,
    include: Include,
    audit: bool,
    mut cache: Option<&mut LoadCache>,
) -> (Site, Vec<Diagnostic>) {
    let today = Date::build_day();
    if let Some(c) = cache.as_deref_mut() {
        c.start(&config, &today, include, audit);
    }
    let mut t = crate::timing::Timer::new();
    let mut diags = Vec::new();
    let (files, mut dirs) = files::walk(root, cache.is_some(), &mut diags);
    t.lap("  load: walk");
    // Jekyll's `_config.yml`, `_layouts/`, `_posts/` and other sources never reach the site.
    let (mut files, skipped) = files::leave_out_sources(files, &mut dirs, &mut diags);
    files::set_languages(&mut files, &config, &mut diags);
    files.retain(|f| !f.base.is_empty());
    let bundles = files::Bundles::new(&files);
    let classified = files::classify(&files, &bundles, &mut diags);
    t.lap("  load: classify");
    // Read and parse every Markdown file in parallel: this is most of the I/O.
    let (section_files, mut page_files, directory_dirs) = parse::parse_all(
        &classified.sections,
        &classified.pages,
        &bundles,
        &config,
        today,
        cache.as_deref_mut(),
    );
    // A spreadsheet in a directory section holds services, one per row; elsewhere it is
    // a file like any other.
    let (sheets, assets): (Vec<&files::Found>, Vec<&files::Found>) =
        classified.assets.iter().partition(|f| {
            tables::is_table(files::file_name(&f.key))
                && bundles.of(&f.key).is_none()
                && directory_dirs.contains(files::parent_key(&f.key))
        });
    let rows: Vec<_> = sheets
        .par_iter()
        .flat_map_iter(|f| tables::pages(f, &config, today))
        .collect();
    page_files.extend(rows);
    t.lap("  load: parse");
    let mut tree = tree::Tree::new(
        &dirs,
        &bundles,
        section_files,
        page_files,
        include,
        &config,
        &mut diags,
    );
    t.lap("  load: model: sections");
    tree.set_paths(&config, &bundles, &mut diags);
    t.lap("  load: model: paths");
    let asset_paths = tree.place_assets(&assets, &bundles);
    t.lap("  load: assets");
    let taxonomies = tree::collect_taxonomies(&config, &tree.pages);
    claims::claim_urls(
        &config,
        &tree.sections,
        &tree.pages,
        &asset_paths,
        &taxonomies,
        &mut diags,
    );
    t.lap("  load: duplicate URLs");
    tree.sort();
    t.lap("  load: sort");
    // Markdown, now that every source file has its URL.
    let mut paths: HashMap<String, String> = HashMap::new();
    for s in &tree.sections {
        paths.insert(s.index_key(&config), s.path.clone());
        // A folder's own page may be `index.md` (see `bundle_folders`).
        if let Some(f) = &s.file {
            paths.insert(f.key.clone(), s.path.clone());
        }
    }
    for p in &tree.pages {
        paths.insert(p.file.key.clone(), p.path.clone());
    }
    for (k, v) in asset_paths {
        paths.insert(k, v);
    }
    let index = LinkIndex {
        paths,
        unpublished: std::mem::take(&mut tree.unpublished),
    };
    t.lap("  load: link map");
    render_markdown(&mut tree, &index.links(&config, audit), cache, &mut diags);
    t.lap("  load: markdown");
    let data = data::load(root, &mut diags);
    let i18n = crate::i18n::load(root, &config, &mut diags);
    let site = Site {
        config,
        sections: tree.sections,
        pages: tree.pages,
        taxonomies,
        directories: vec![],
        today,
        a_to_z: std::sync::OnceLock::new(),
        left_out: LeftOut {
            private: skipped,
            ..tree.left_out
        },
        links: index,
        data,
        i18n,
    };
    (site, diags)
}

/// Markdown, now that every source file has its URL, in parallel and through the cache.
fn render_markdown(
    tree: &mut tree::Tree,
    links: &Links<'_>,
    cache: Option<&mut LoadCache>,
    diags: &mut Vec<Diagnostic>,
) {
    let old = cache.as_deref();
    let page_md: Vec<_> = tree
        .pages
        .par_iter()
        .map(|p| parse::markdown_cached(old, &p.file, links, p.meta.title_from_heading))
        .collect();
    let section_md: Vec<_> = tree
        .sections
        .par_iter()
        .map(|s| {
            s.file
                .as_ref()
                .map(|f| parse::markdown_cached(old, f, links, s.meta.title_from_heading))
        })
        .collect();
    let mut fresh_md = vec![];
    for (p, (r, d, fresh)) in tree.pages.iter_mut().zip(page_md) {
        if fresh {
            fresh_md.push((Arc::clone(&p.file), Arc::clone(&r), d.clone()));
        }
        p.content = r;
        diags.extend(d);
    }
    for (s, r) in tree.sections.iter_mut().zip(section_md) {
        if let Some((r, d, fresh)) = r {
            if let (true, Some(f)) = (fresh, &s.file) {
                fresh_md.push((Arc::clone(f), Arc::clone(&r), d.clone()));
            }
            s.content = r;
            diags.extend(d);
        }
    }
    if let Some(c) = cache {
        c.keep_markdown(fresh_md);
    }
}
