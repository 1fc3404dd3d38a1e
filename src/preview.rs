//! The preview's build engine: the site in memory, rebuilt incrementally after each save.
//! It runs the same pipeline as `varde build` into a `Sink` that keeps files in memory, and
//! keeps the caches and the last good model between rebuilds. `serve` puts it behind HTTP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diagnostics::Diagnostics;
use crate::pipeline::BuildOptions;
use crate::sink::{rel_file, Sink};

/// One file of the built site, ready to send.
#[derive(Clone)]
pub struct Served {
    pub bytes: Arc<Vec<u8>>,
    pub etag: String,
}

impl Served {
    pub fn new(bytes: Vec<u8>) -> Served {
        let etag = etag(&bytes);
        Served {
            bytes: Arc::new(bytes),
            etag,
        }
    }
}

/// Where a site path's file is kept: `/nas/` -> `/nas/index.html`.
pub fn file_key(site_path: &str) -> String {
    format!(
        "/{}",
        rel_file(site_path).to_string_lossy().replace('\\', "/")
    )
}

/// The site as served: key (`/nas/index.html`) -> file.
pub type Files = HashMap<String, Served>;

/// Rendered files, kept in memory. Each gets its ETag as it arrives, on the render
/// threads, while its bytes are still in the cache.
#[derive(Default)]
struct Memory {
    files: Mutex<HashMap<String, Served>>,
}

impl Memory {
    fn put(&self, site_path: &str, bytes: Vec<u8>) {
        let key = file_key(site_path);
        let served = Served::new(bytes);
        if let Ok(mut f) = self.files.lock() {
            f.insert(key, served);
        }
    }
}

impl Sink for Memory {
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.put(site_path, bytes);
        Ok(())
    }

    fn copy(&self, source: &Path, site_path: &str) -> std::io::Result<()> {
        self.put(site_path, std::fs::read(source)?);
        Ok(())
    }
}

/// A strong ETag from the bytes (`hash_bytes`: fast on a template edit, which hashes every
/// file of the site again). A collision only costs a missed reload, and with the length in
/// the tag it is not a practical concern.
pub fn etag(bytes: &[u8]) -> String {
    let h = crate::content::source::hash_bytes(bytes);
    format!("\"{h:016x}-{}\"", bytes.len())
}

/// The content key (`nas/symptomer.md`) of a page's Markdown file, from its path relative to
/// the site; `None` for a section's `_index.md` and anything else.
fn page_key(rel: &Path) -> Option<String> {
    let key = rel
        .strip_prefix(crate::content::CONTENT_DIR)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    (key.ends_with(".md") && key.rsplit('/').next() != Some("_index.md")).then_some(key)
}

/// The preview's build: the site in memory, rebuilt incrementally. Only files whose stamp
/// changed are read and parsed, only Markdown whose file or links changed is rendered, and
/// only outputs whose inputs changed are rendered again; the rest is kept from before.
pub struct Preview {
    opts: BuildOptions,
    caches: crate::pipeline::Caches,
    /// The site being served; replaced whole by each rebuild, so a request holds on to one
    /// complete site.
    pub files: Arc<Files>,
    /// The last good build's model, theme and messages, for the quick path.
    last: Option<Last>,
}

struct Last {
    site: crate::content::Site,
    theme: crate::render::Theme,
    diags: Diagnostics,
}

/// What one rebuild did.
pub struct Rebuilt {
    pub diagnostics: Diagnostics,
    /// Source files read and parsed (the rest came from the cache).
    pub parsed: usize,
    /// Markdown files rendered.
    pub markdown: usize,
    /// Output files rendered (the rest were unchanged).
    pub rendered: usize,
    pub files: usize,
    /// Whether the quick path did it (see `rebuild_changed`).
    pub quick: bool,
}

impl Preview {
    pub fn new(opts: BuildOptions) -> Preview {
        Preview {
            opts,
            caches: crate::pipeline::Caches::default(),
            files: Arc::new(Files::new()),
            last: None,
        }
    }

    /// Rebuilds after `edited` files changed (`None`: anything may have changed). When
    /// the only change is to the Markdown body of pages that were clean, with their front
    /// matter, heading ids and links as before, only those pages, their feeds and the
    /// listings that show them are rendered again (the quick path). When only templates or
    /// theme files changed, the last build's content is themed again without loading it.
    /// Anything else is a `rebuild`.
    pub fn rebuild_changed(&mut self, edited: Option<&[PathBuf]>) -> Result<Rebuilt, Diagnostics> {
        if let Some(r) = edited.and_then(|files| self.quick(files)) {
            return Ok(r);
        }
        if let Some(r) = edited.and_then(|files| self.retheme(files)) {
            return r;
        }
        self.rebuild()
    }

    /// A watched path relative to the site root (the watcher may report it through a
    /// different spelling of the root, e.g. absolute where `--root` was relative).
    fn site_relative(&self, path: &Path) -> Option<PathBuf> {
        if let Ok(rel) = path.strip_prefix(&self.opts.root) {
            return Some(rel.to_path_buf());
        }
        let root = std::fs::canonicalize(&self.opts.root).ok()?;
        let abs = std::fs::canonicalize(path).ok()?;
        abs.strip_prefix(&root).ok().map(Path::to_path_buf)
    }

    fn quick(&mut self, edited: &[PathBuf]) -> Option<Rebuilt> {
        let last = self.last.as_ref()?;
        if edited.is_empty() {
            return None;
        }
        let mut fresh = vec![];
        for path in edited {
            let key = page_key(&self.site_relative(path)?)?;
            let p = last.site.pages.iter().position(|pg| pg.file.key == key)?;
            let old = &last.site.pages[p];
            // A title taken from the body's first heading is front matter in the body: an
            // edit may change it, and with it every listing.
            if old.meta.title_from_heading {
                return None;
            }
            if last
                .diags
                .items
                .iter()
                .any(|d| d.file.as_deref() == Some(old.file.rel.as_path()))
            {
                return None;
            }
            let new = last.site.reread(&self.opts.root, &key).ok()?;
            let (a, b) = (&new.content, &old.content);
            // Shortcodes render against the whole site (`render::shortcodes`), and images
            // get their copies and `srcset` there too (`render::images`).
            if !a.shortcodes.is_empty() || !b.shortcodes.is_empty() || a.html.contains("<img ") {
                return None;
            }
            let same_links = a.link_targets == b.link_targets
                && a.anchor_links.len() == b.anchor_links.len()
                && a.anchor_links
                    .iter()
                    .zip(&b.anchor_links)
                    .all(|(x, y)| x.target == y.target && x.anchor == y.anchor)
                // The same site paths, checked against the outputs at the last full build.
                && a.site_links
                    .iter()
                    .map(|l| &l.path)
                    .eq(b.site_links.iter().map(|l| &l.path));
            if !new.diags.is_empty()
                || new.file.text[..new.file.body_start] != old.file.text[..old.file.body_start]
                || a.anchors != b.anchors
                || !same_links
            {
                return None;
            }
            fresh.push((p, new));
        }
        // From here the model is patched; if the render says it is not enough, the last
        // build is dropped and `rebuild` starts from the files.
        let mut last = self.last.take()?;
        let pages: Vec<usize> = fresh.iter().map(|(p, _)| *p).collect();
        let n = fresh.len();
        for (p, new) in fresh {
            last.site.pages[p].file = new.file;
            last.site.pages[p].content = Arc::new(new.content);
        }
        let out =
            crate::render::again(&last.site, &last.theme, &mut self.caches.render, &pages)?.ok()?;
        let mut files: Files = (*self.files).clone();
        let rendered = out.len();
        for (path, html) in out {
            files.insert(file_key(&path), Served::new(html));
        }
        let count = files.len();
        self.files = Arc::new(files);
        let diagnostics = last.diags.clone();
        self.last = Some(last);
        Some(Rebuilt {
            diagnostics,
            parsed: n,
            markdown: n,
            rendered,
            files: count,
            quick: true,
        })
    }

    /// The last build, when `edited` are only templates and theme files and it can be
    /// themed again without loading the content.
    fn rethemable(&self, edited: &[PathBuf]) -> Option<&Last> {
        // A theme's catalogue (`themes/x/i18n/`) is read with the content, into the model.
        let theme_file = |p: &PathBuf| {
            self.site_relative(p).is_some_and(|r| {
                (r.starts_with("templates") || r.starts_with("themes"))
                    && !r.components().any(|c| c.as_os_str() == "i18n")
            })
        };
        if edited.is_empty() || !edited.iter().all(theme_file) {
            return None;
        }
        // The last model holds its shortcodes already rendered: a template edit may change
        // them, so the content is loaded again.
        let last = self.last.as_ref()?;
        let shortcodes = last.site.pages.iter().map(|p| &p.content);
        let shortcodes = shortcodes.chain(last.site.sections.iter().map(|s| &s.content));
        if shortcodes.into_iter().any(|c| !c.shortcodes.is_empty()) {
            return None;
        }
        Some(last)
    }

    /// The pages open in a browser (`keys`, as `file_key`s), rendered for a first look before
    /// `rebuild_changed` renders the rest: after an edit to templates only, with the
    /// templates as they are now; after an edit to the front matter of one page that is
    /// open (its title, its tags), that page with its new front matter. The whole render
    /// that follows gives these pages the same, except where they show what only it
    /// updates (a shortcode the template edit changed, the page's new title in a list
    /// beside it): then the page is reloaded again. `None` for any other edit, or when the
    /// templates or the page have errors (the whole render reports them).
    pub fn first_look(
        &mut self,
        edited: &[PathBuf],
        keys: &[String],
    ) -> Option<Vec<(String, Served)>> {
        let rels: Vec<PathBuf> = edited
            .iter()
            .map(|p| self.site_relative(p))
            .collect::<Option<_>>()?;
        let template = |r: &PathBuf| r.components().any(|c| c.as_os_str() == "templates");
        let out = if !rels.is_empty() && rels.iter().all(template) {
            let last = self.last.as_ref()?;
            let theme =
                crate::render::Theme::load(&self.opts.root, &last.site.config, &last.site.data)
                    .ok()?;
            let wanted = |path: &str| keys.contains(&file_key(path));
            crate::render::only(&last.site, &theme, &self.caches.render, &wanted, true, &[])?
        } else if let [rel] = rels.as_slice() {
            self.first_look_page(rel, keys)?
        } else {
            return None;
        };
        Some(
            out.into_iter()
                .map(|(path, html)| (file_key(&path), Served::new(html)))
                .collect(),
        )
    }

    /// `first_look` after an edit to page `rel`'s front matter, when the page is open.
    fn first_look_page(
        &mut self,
        rel: &Path,
        keys: &[String],
    ) -> Option<Vec<crate::render::Output>> {
        let key = page_key(rel)?;
        let last = self.last.as_mut()?;
        let site = &mut last.site;
        let p = site.pages.iter().position(|pg| pg.file.key == key)?;
        let old = &site.pages[p];
        // A service's page is made from its fields by the directory; a title taken from
        // the first heading is in the body.
        if !keys.contains(&file_key(&old.path))
            || site.sections[old.section].meta.directory
            || old.meta.title_from_heading
        {
            return None;
        }
        let new = site.reread(&self.opts.root, &key).ok()?;
        // A body edit alone takes the quick path (`quick`), which is exact.
        if new.file.text[..new.file.body_start] == old.file.text[..old.file.body_start] {
            return None;
        }
        let (meta, _, diags) = crate::content::meta::page(&new.file, &site.config, None);
        let meta = meta?;
        let (a, b) = (&new.content, &old.content);
        if !diags.is_empty()
            || !new.diags.is_empty()
            || meta.title_from_heading
            || !a.shortcodes.is_empty()
            || a.html.contains("<img ")
            || a.link_targets != b.link_targets
        {
            return None;
        }
        // The page as edited, in the last model, for as long as it takes to render it.
        let mut edited = (new.file, Arc::new(new.content), meta);
        let swap = |pg: &mut crate::content::Page, e: &mut (_, _, _)| {
            std::mem::swap(&mut pg.file, &mut e.0);
            std::mem::swap(&mut pg.content, &mut e.1);
            std::mem::swap(&mut pg.meta, &mut e.2);
        };
        swap(&mut site.pages[p], &mut edited);
        let wanted = |path: &str| keys.contains(&file_key(path));
        let out = crate::render::only(site, &last.theme, &self.caches.render, &wanted, false, &[p]);
        swap(&mut site.pages[p], &mut edited);
        out
    }

    /// Renders the last build's site again with the templates as they are now, without
    /// loading the content: for edits to templates and theme files only.
    fn retheme(&mut self, edited: &[PathBuf]) -> Option<Result<Rebuilt, Diagnostics>> {
        self.rethemable(edited)?;
        let last = self.last.take()?;
        self.caches.load.parsed = 0;
        self.caches.load.rendered = 0;
        let mem = Memory::default();
        let mut diags = last.diags.clone();
        let result = crate::pipeline::render_site(
            &self.opts,
            last.site,
            &mut diags,
            || Ok(&mem as &dyn Sink),
            Some(&mut self.caches.render),
        );
        Some(self.install(result, diags, mem))
    }

    /// Rebuilds. On failure the last good site is kept.
    pub fn rebuild(&mut self) -> Result<Rebuilt, Diagnostics> {
        let mem = Memory::default();
        let mut diags = Diagnostics::default();
        let result = crate::pipeline::render_cached(
            &self.opts,
            &mut diags,
            || Ok(&mem as &dyn Sink),
            Some(&mut self.caches),
        );
        self.install(result, diags, mem)
    }

    /// Keeps a render's result as the site being served.
    fn install(
        &mut self,
        result: Option<(
            crate::content::Site,
            crate::render::Theme,
            crate::render::Written,
        )>,
        mut diags: Diagnostics,
        mem: Memory,
    ) -> Result<Rebuilt, Diagnostics> {
        diags.sort();
        let Some((site, theme, written)) = result else {
            self.last = None;
            return Err(diags);
        };
        self.last = Some(Last {
            site,
            theme,
            diags: diags.clone(),
        });
        let mut fresh: HashMap<String, Served> = mem.files.into_inner().unwrap_or_default();
        let mut files = Files::with_capacity(written.paths.len());
        for path in &written.paths {
            let key = file_key(path);
            if let Some(served) = fresh.remove(&key) {
                files.insert(key, served);
            } else if let Some(old) = self.files.get(&key) {
                files.insert(key, old.clone());
            }
        }
        let n = files.len();
        self.files = Arc::new(files);
        Ok(Rebuilt {
            diagnostics: diags,
            parsed: self.caches.load.parsed,
            markdown: self.caches.load.rendered,
            rendered: self.caches.render.rendered,
            files: n,
            quick: false,
        })
    }

    /// Whether the site being served has search, and in which language Pagefind indexes it
    /// (`Some(None)`: several, each page by its own `<html lang>`).
    pub fn search_language(&self) -> Option<Option<String>> {
        let c = &self.last.as_ref()?.site.config;
        c.search
            .then(|| (c.languages.len() == 1).then(|| c.language.clone()))
    }

    /// Every file of the current site, by path (`/nas/index.html`), for tests.
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(k, v)| (k.clone(), v.bytes.as_ref().clone()))
            .collect()
    }
}
