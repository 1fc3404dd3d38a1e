//! The pipeline: `build` (load, model, check, render, index, write) and `check` (load,
//! model, check and the editor checks). The preview (`crate::preview`) runs the same stages
//! into memory with caches.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::build_cache::BuildCache;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::{check as checks, config, content, later, output, render, search, sink, timing};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holds `content/`, `site.yaml`, `themes/`).
    pub root: PathBuf,
    /// Output folder; `<root>/public` when not given.
    pub out: Option<PathBuf>,
    pub drafts: bool,
    /// Include pages whose `publish_date` is still to come.
    pub future: bool,
    /// Include pages whose `expiry_date` has passed.
    pub expired: bool,
    /// Overrides `base_url` from site.yaml (for previews and tests under a sub-path).
    pub base_url: Option<String>,
    /// Skip the search index even if the site has search on (the preview does, see README).
    pub no_search_index: bool,
    /// Build without the build cache (`build_cache`): neither read nor write it.
    pub no_cache: bool,
}

#[derive(Debug)]
pub struct BuildReport {
    pub diagnostics: Diagnostics,
    pub pages: usize,
    pub sections: usize,
    pub files_written: usize,
    /// Markdown files that did not become pages (each with its reason).
    pub left_out: content::LeftOut,
    pub out: PathBuf,
    pub elapsed: Duration,
    /// What the build did besides building: staging folders of killed builds it removed.
    pub notes: Vec<String>,
    /// What came from the build cache.
    pub reuse: crate::build_cache::Reuse,
}

/// A build that did not write anything; the previous output is untouched.
#[derive(Debug)]
pub struct BuildFailure {
    pub diagnostics: Diagnostics,
}

impl BuildFailure {
    /// Whether the disk failed rather than the content (`main` exits with 3 for it).
    pub fn is_io(&self) -> bool {
        self.diagnostics.has_io_error()
    }
}

fn fail(mut diagnostics: Diagnostics) -> BuildFailure {
    diagnostics.sort();
    BuildFailure { diagnostics }
}

/// What the preview keeps between rebuilds (see `content::LoadCache` and
/// `render::RenderCache`).
#[derive(Default)]
pub struct Caches {
    pub load: content::LoadCache,
    pub render: render::RenderCache,
}

/// Load, model and check for `varde check`, with the facts its editor checks read.
fn load_site(opts: &BuildOptions, diags: &mut Diagnostics) -> content::Site {
    load_site_cached(opts, diags, true, None)
}

/// Load, model and check: the stages `build`, `serve` and `check` share. `audit` collects
/// what only `varde check` reads.
fn load_site_cached(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    audit: bool,
    cache: Option<&mut content::LoadCache>,
) -> content::Site {
    let (mut config, d) = config::load(&opts.root);
    diags.extend(d);
    if let Some(url) = &opts.base_url {
        if let Err(msg) = config.set_base_url(url) {
            diags.push(Diagnostic::error(format!("--base-url: {msg}")));
        }
    }
    if config.unreadable {
        // Every page is read by these settings: checking content against defaults gives a
        // false error per page (50 "not one of the audiences" for one bad line).
        diags.push(
            Diagnostic::warning("the content was not checked, because site.yaml has errors")
                .in_file(config::FILE)
                .hint("fix site.yaml first, then build again to check the content"),
        );
        return content::Site::empty(config);
    }
    let mut t = timing::Timer::new();
    let include = content::Include {
        drafts: opts.drafts,
        future: opts.future,
        expired: opts.expired,
    };
    let (mut site, d) = content::load_cached(&opts.root, config, include, audit, cache);
    diags.extend(d);
    t.lap("load (read, parse, markdown)");
    site.directories = content::listing::build(&site);
    t.lap("directory");
    diags.extend(checks::site(&site));
    t.lap("checks");
    site
}

#[derive(Debug)]
pub struct CheckReport {
    pub diagnostics: Diagnostics,
    pub lix: Vec<checks::editor::LixRow>,
    pub lix_max: f64,
    /// Pages left out of LIX for their language.
    pub lix_skipped: usize,
    /// With `--external`: how many outside URLs were asked for (the rest came from the
    /// cache).
    pub external_asked: Option<usize>,
    /// Every service by `last_reviewed`, oldest first.
    pub reviews: Vec<checks::reviews::ReviewRow>,
}

impl CheckReport {
    /// `varde check --format json`: every diagnostic and the readability table.
    pub fn to_json(&self) -> String {
        let json = serde_json::json!({
            "errors": self.diagnostics.error_count(),
            "warnings": self.diagnostics.warning_count(),
            "diagnostics": self.diagnostics.items,
            "lix": self.lix,
            "lix_max": self.lix_max,
            "lix_skipped": self.lix_skipped,
            "services_by_review": self.reviews,
        });
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }

    /// `varde check`'s report for the terminal: the readability table (for stdout) and the
    /// diagnostics (for stderr), many of one kind grouped unless `all`.
    /// The report as the terminal shows it; the tables' words in `lang` (the messages are
    /// the caller's to translate, see `messages`).
    pub fn to_text(&self, color: bool, all: bool, lang: crate::messages::Lang) -> (String, String) {
        let mut messages = if all {
            self.diagnostics.render_all(color)
        } else {
            self.diagnostics.render(color)
        };
        if self.diagnostics.items.is_empty() {
            messages.push_str("no problems found\n");
        }
        let mut tables = checks::editor::lix_table(&self.lix, self.lix_max, self.lix_skipped, lang);
        tables.push_str(&checks::reviews::table(&self.reviews, lang));
        (tables, messages)
    }
}

/// `varde check`: everything a build checks, plus the editor checks; writes nothing.
pub fn check(opts: &BuildOptions) -> CheckReport {
    check_with(opts, None)
}

/// `check`, and with `external` the links to other sites too (`check --external`).
pub fn check_with(
    opts: &BuildOptions,
    external: Option<&checks::external::Options>,
) -> CheckReport {
    let mut diags = Diagnostics::default();
    let mut site = load_site(opts, &mut diags);
    // Links to site paths, against every output a build would write.
    if let Ok(theme) = render::Theme::load(&opts.root, &site.config, &site.data) {
        diags.extend(render::shortcodes::expand(&mut site, &theme));
        diags.extend(render::template_diagnostics(&site, &theme));
        diags.extend(checks::site_links(
            &site,
            &render::output_paths(&site, &theme),
        ));
    }
    let (d, lix, lix_skipped) = checks::editor::run(&site);
    diags.extend(d);
    diags.extend(checks::languages::run(&site));
    let external_asked = external.map(|ext| {
        let (d, asked) = checks::external::check(&site, ext);
        diags.extend(d);
        asked
    });
    diags.sort();
    CheckReport {
        diagnostics: diags,
        lix,
        lix_max: site.config.check.lix_max,
        lix_skipped,
        external_asked,
        reviews: checks::reviews::rows(&site),
    }
}

/// Load, check and render: the core that `build` (to disk) and `serve` (to memory) share.
/// `sink` is asked for only when there are no errors, so nothing is written for a bad site.
/// Returns `None` when `diags` holds errors.
/// With the build cache's `previous` outputs, those unchanged are linked, not rendered.
pub fn render_to<'s>(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    sink: impl FnOnce() -> Result<&'s dyn sink::Sink, Diagnostic>,
    previous: Option<&render::Previous>,
) -> Option<(content::Site, render::Written)> {
    let site = load_site_cached(opts, diags, false, None);
    render_site_with(opts, site, diags, sink, None, previous).map(|(site, _, w)| (site, w))
}

/// `render_to` with the preview's caches: only what changed is read, parsed and rendered.
pub fn render_cached<'s>(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    sink: impl FnOnce() -> Result<&'s dyn sink::Sink, Diagnostic>,
    mut caches: Option<&mut Caches>,
) -> Option<(content::Site, render::Theme, render::Written)> {
    let site = load_site_cached(
        opts,
        diags,
        false,
        caches.as_deref_mut().map(|c| &mut c.load),
    );
    render_site(opts, site, diags, sink, caches.map(|c| &mut c.render))
}

/// Themes and renders a loaded site: the part of `render_cached` after loading, which the
/// preview runs alone when only templates changed.
pub fn render_site<'s>(
    opts: &BuildOptions,
    site: content::Site,
    diags: &mut Diagnostics,
    sink: impl FnOnce() -> Result<&'s dyn sink::Sink, Diagnostic>,
    cache: Option<&mut render::RenderCache>,
) -> Option<(content::Site, render::Theme, render::Written)> {
    render_site_with(opts, site, diags, sink, cache, None)
}

/// `render_site`, with the build cache's `previous` outputs.
fn render_site_with<'s>(
    opts: &BuildOptions,
    site: content::Site,
    diags: &mut Diagnostics,
    sink: impl FnOnce() -> Result<&'s dyn sink::Sink, Diagnostic>,
    cache: Option<&mut render::RenderCache>,
    previous: Option<&render::Previous>,
) -> Option<(content::Site, render::Theme, render::Written)> {
    let theme = match render::Theme::load(&opts.root, &site.config, &site.data) {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return None;
        }
    };
    let mut site = site;
    diags.extend(render::shortcodes::expand(&mut site, &theme));
    diags.extend(render::images::responsive(&mut site, &opts.root));
    if diags.has_errors() {
        return None;
    }
    let sink = match sink() {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut t = timing::Timer::new();
    let index_search = site.config.search && !opts.no_search_index;
    let written = render::write_site_cached(&site, &theme, sink, cache, index_search, previous);
    t.lap("render + write");
    match written {
        Ok(mut n) => {
            diags.extend(std::mem::take(&mut n.warnings));
            // Links to site paths can only be checked once every output is known.
            let missing = checks::site_links(&site, &n.paths);
            if missing.is_empty() {
                Some((site, theme, n))
            } else {
                diags.extend(missing);
                None
            }
        }
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

/// Builds the site. Every content problem is collected before anything is written; on any
/// error the output folder is left exactly as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    let mut diags = Diagnostics::default();
    let root = &opts.root;
    let out = opts.out.clone().unwrap_or_else(|| root.join("public"));
    let output::OutDir { path: out, listed } = match output::check_out_dir(root, &out) {
        Ok(o) => o,
        Err(d) => {
            diags.push(d);
            return Err(fail(diags));
        }
    };
    output::remove_on_interrupt();
    // An earlier build is walked for files varde did not write while the content loads:
    // on the 10k corpus that walk is some 70 ms of mostly system time.
    let mut foreign = listed.map(|listed| {
        let out = out.clone();
        std::thread::spawn(move || output::foreign_error(&out, &listed))
    });
    let mut foreign_error = move || -> Option<Diagnostic> {
        let handle = foreign.take()?;
        handle.join().unwrap_or_else(|_| {
            Some(Diagnostic::error(
                "could not check the output folder for files varde did not write",
            ))
        })
    };

    let cache = if opts.no_cache {
        None
    } else {
        BuildCache::beside(&out)
    };
    let previous = cache.as_ref().map(|c| render::Previous::load(c, &out));
    // The staging folder is only created once the content is known to be good, and is
    // removed again (when dropped) if rendering fails.
    let mut staging = None;
    let rendered = render_to(
        opts,
        &mut diags,
        || {
            if let Some(d) = foreign_error() {
                return Err(d);
            }
            let s = output::Staging::new(out.clone()).map_err(|e| {
                Diagnostic::io_error(format!(
                    "cannot create the output folder next to {}: {e}",
                    out.display()
                ))
            })?;
            Ok(staging.insert(s) as &dyn sink::Sink)
        },
        previous.as_ref(),
    );
    let (site, written) = match rendered {
        Some(r) => r,
        None => {
            // Content errors come first; the output folder's problem is reported with them.
            diags.extend(foreign_error());
            return Err(fail(diags));
        }
    };
    let Some(mut staging) = staging else {
        return Err(fail(diags));
    };
    let (pages, sections, left_out) = (site.pages.len(), site.sections.len(), site.left_out);
    // One language for every page, or each page's own `<html lang>` (one index per language).
    let language = (site.config.languages.len() == 1).then(|| site.config.language.clone());
    // The search index is where a build's memory peaks: the model goes first.
    later::drop_later(site);
    let mut files_written = written.files;
    let mut reuse = crate::build_cache::Reuse {
        outputs: (written.reused, written.prints.len()),
        ..Default::default()
    };
    if let Some(docs) = written.to_index {
        match index_search(docs, language.as_deref(), &staging, cache.as_ref()) {
            Ok((n, warning, r)) => {
                files_written += n;
                diags.extend(warning);
                reuse.pages_read = r.pages_read;
                reuse.gzipped = r.gzipped;
            }
            Err(d) => {
                diags.push(d);
                return Err(fail(diags));
            }
        }
    }
    let mut notes = std::mem::take(&mut staging.cleaned);
    let stamps = staging.take_stamps();
    let mut t = timing::Timer::new();
    let committed = staging.commit();
    t.lap("swap output folders");
    match committed {
        Ok(kept) => notes.extend(kept),
        Err(e) => {
            diags.push(Diagnostic::io_error(format!(
                "cannot move the new site into {}: {e}",
                out.display()
            )));
            return Err(fail(diags));
        }
    }

    // Each output's fingerprint and file, now in place, for the next build to link.
    if let Some(cache) = &cache {
        let records = render::reuse::records(&stamps, &written.prints);
        let records = records.iter().map(|(k, v)| (*k, v.as_slice()));
        if let Err(e) = cache.write(render::reuse::OUTPUTS, records) {
            diags.push(cache.warning(e));
        }
        t.lap("keep the build cache: outputs");
    }
    diags.sort();
    Ok(BuildReport {
        diagnostics: diags,
        pages,
        sections,
        files_written,
        left_out,
        out,
        elapsed: started.elapsed(),
        notes,
        reuse,
    })
}

/// Index: the Pagefind index of the rendered pages, written into the staging folder.
/// Returns how many files it wrote, a warning if the build cache could not be kept, and
/// what came from the cache.
fn index_search(
    docs: Vec<render::Doc>,
    language: Option<&str>,
    staging: &output::Staging,
    cache: Option<&BuildCache>,
) -> Result<(usize, Option<Diagnostic>, crate::build_cache::Reuse), Diagnostic> {
    use rayon::prelude::*;
    let mut t = timing::Timer::new();
    let (files, mut keeping) = search::index(docs, language, search::Keeping::new(cache))?;
    t.lap("search index");
    let n = files.len();
    files
        .par_iter()
        .try_for_each(|(path, bytes)| staging.write(path, bytes))
        .map_err(|e| Diagnostic::io_error(format!("cannot write {e}")))?;
    t.lap("search index: write");
    let reuse = keeping.reuse;
    let warning = keeping.finish();
    t.lap("search index: keep the build cache");
    Ok((n, warning, reuse))
}
