//! Render: Tera templates from the theme (any of which the site can override with a file of
//! the same name in its own `templates/`), one output per job, rendered in parallel and
//! written straight into the staging folder.

mod a_to_z;
pub mod cms;
pub mod context;
pub mod directory;
pub mod images;
pub mod incremental;
pub mod index_doc;
mod jobs;
mod outputs;
pub mod reuse;
pub mod shortcodes;
mod theme;

use jobs::{check_templates, job_kind, job_path, job_print, plan, render_job, Job};
use theme::Bytes;
pub use theme::Theme;

pub use index_doc::Doc;

use incremental::Prints;
pub use incremental::{again, only, Output, RenderCache};
pub use reuse::Previous;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;
use tera::Context;

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::sink::Sink;

/// What a render produced.
pub struct Written {
    /// Files written (rendered or copied).
    pub files: usize,
    /// Every site path of this build's output, including files that were unchanged and so
    /// not written again.
    pub paths: Vec<String>,
    /// The pages for the search index, when the site has search and the caller asked for
    /// it (the build indexes it after the model is freed).
    pub to_index: Option<Vec<Doc>>,
    /// What the render found worth a word but not worth stopping for (a `layout:` with
    /// no template of its name).
    pub warnings: Vec<Diagnostic>,
    /// With the build cache: each rendered output's site path and fingerprint, for the next
    /// build (`reuse::records`).
    pub prints: Vec<(String, u64)>,
    /// Outputs linked from the last build instead of rendered.
    pub reused: usize,
}

/// The templates pages and sections ask for, checked without rendering (`varde check`).
pub fn template_diagnostics(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    check_templates(site, theme)
}

/// Every site path a render of `site` with `theme` writes, without rendering: what
/// `varde check` checks links against.
pub fn output_paths(site: &Site, theme: &Theme) -> Vec<String> {
    let mut paths: Vec<String> = plan(site).iter().map(|j| job_path(site, j)).collect();
    paths.extend(theme.statics.iter().map(|f| f.path.clone()));
    let assets = site.sections.iter().flat_map(|s| &s.assets);
    paths.extend(
        assets
            .chain(site.pages.iter().flat_map(|p| &p.assets))
            .map(|a| a.path.clone()),
    );
    paths
}

/// Renders every output of the site into `staging`.
pub fn write_site(
    site: &Site,
    theme: &Theme,
    staging: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    write_site_cached(site, theme, staging, None, site.config.search, None).map(|w| w.files)
}

/// Renders the site, skipping outputs whose inputs are unchanged since the render `cache`
/// remembers (the preview's incremental rebuild). Without a cache, everything is rendered.
pub fn write_site_cached(
    site: &Site,
    theme: &Theme,
    staging: &dyn Sink,
    cache: Option<&mut RenderCache>,
    index_search: bool,
    previous: Option<&Previous>,
) -> Result<Written, Vec<Diagnostic>> {
    let mut t = crate::timing::Timer::new();
    let mut diags = check_templates(site, theme);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(diags);
    }
    let warnings = std::mem::take(&mut diags);
    let jobs = plan(site);
    let paths: Vec<String> = jobs.par_iter().map(|j| job_path(site, j)).collect();
    let copies = files_to_copy(site, theme, &paths)?;

    t.lap("  render: templates, jobs");
    // The build's time, only for a theme that names it (`site.build_time`; Tera 2 has no
    // `now()`): it makes every output differ from the last build's, so such a theme is
    // rendered whole every time, and no other output (`site | json_encode`) carries it.
    let timeless = !theme
        .sources
        .values()
        .any(|(_, src)| src.contains("build_time"));
    let build_time = (!timeless).then(|| chrono::Utc::now().to_rfc3339());
    let site_values: Vec<tera::Value> = (0..site.config.languages.len())
        .map(|l| tv(&context::site(site, build_time.as_deref(), l)))
        .collect();
    let words: Vec<tera::Value> = site
        .i18n
        .merged
        .iter()
        .map(|m| tv(&Value::Object(m.clone())))
        .collect();
    let mut prints = (cache.is_some() || previous.is_some())
        .then(|| Prints::new(site, theme.fingerprint, index_search));
    let old = cache.as_deref();
    let (summaries, listing, listed) = incremental::summaries(site, old, prints.as_ref());
    t.lap("  render: summaries");
    if let Some(pr) = prints.as_mut() {
        pr.listing = listing;
    }
    let job_prints: Vec<Option<u64>> = match &prints {
        Some(pr) => jobs
            .par_iter()
            .map(|j| Some(job_print(site, theme, pr, j)))
            .collect(),
        None => vec![None; jobs.len()],
    };
    let skip: Vec<bool> = match old {
        Some(c) => paths
            .iter()
            .zip(&job_prints)
            .map(|(p, fp)| fp.is_some() && c.outputs.get(p) == fp.as_ref())
            .collect(),
        None => vec![false; jobs.len()],
    };
    let reuse: Vec<Option<(PathBuf, crate::sink::Stamp)>> = match previous {
        Some(prev) if timeless => paths
            .par_iter()
            .zip(&job_prints)
            .map(|(p, fp)| prev.reusable(p, (*fp)?))
            .collect(),
        _ => vec![None; jobs.len()],
    };
    // A page's fingerprint names its HTML for the search index's cache only where it names
    // its output file for reuse: with the build cache and a timeless theme.
    let doc_prints: &[Option<u64>] = match previous {
        Some(_) if timeless => &job_prints,
        _ => &[],
    };
    t.lap("  render: fingerprints");
    let services = directory::service_data(site, theme, &words)?;
    // Each section's template data, built once and shared by its pages and listings.
    let sections: Vec<tera::Value> = (0..site.sections.len())
        .into_par_iter()
        .map(|s| tv(&context::section(site, s)))
        .collect();

    t.lap("  render: services, sections");
    let data = Shared {
        site_values: &site_values,
        words: &words,
        listed: &listed,
        services: &services,
        sections: &sections,
    };
    let (results, statics, docs) = render_and_write(
        Work {
            site,
            theme,
            staging,
            jobs: &jobs,
            paths: &paths,
            skip: &skip,
            reuse: &reuse,
            doc_prints,
            copies: &copies,
            index_search,
        },
        &data,
    );
    t.lap("  render: render and write");
    let written = results.len() + statics.len();
    let rendered = results.len();
    let reused = reuse.iter().flatten().count();
    let (io, other): (Vec<Diagnostic>, Vec<Diagnostic>) = results
        .into_iter()
        .chain(statics)
        .filter_map(Result::err)
        .partition(|d| d.io);
    diags.extend(other);
    diags.extend(one_disk_error(io));
    if !diags.is_empty() {
        return Err(diags);
    }
    // The template data is kept only for the preview's next quick rebuild: a build frees it
    // before the search index, which is where a build's memory peaks.
    let data = incremental::SharedData {
        site_values,
        words,
        summaries,
        listed,
        services,
        sections,
    };
    let shared = if cache.is_some() && prints.is_some() {
        Some(data)
    } else {
        crate::later::drop_later(data);
        None
    };
    let to_index = index_search.then_some(docs);
    // What the build cache keeps for the next build.
    let kept_prints = match previous {
        Some(_) => paths
            .iter()
            .cloned()
            .zip(job_prints.iter().flatten().copied())
            .collect(),
        None => vec![],
    };
    if let (Some(c), Some(pr), Some(shared)) = (cache, &prints, shared) {
        incremental::remember(c, site, pr, shared, &paths, &job_prints, rendered);
    }
    let mut all_paths = paths;
    all_paths.extend(theme.statics.iter().map(|f| f.path.clone()));
    all_paths.extend(copies.iter().map(|(_, p)| p.clone()));
    Ok(Written {
        files: written,
        paths: all_paths,
        to_index,
        warnings,
        prints: kept_prints,
        reused,
    })
}

/// The files copied as they are (theme and site static files, section and bundle assets),
/// as (source, site path). A static file at the URL of a generated output is an error:
/// generated paths win over nothing, and the editor settles the clash.
fn files_to_copy<'s>(
    site: &'s Site,
    theme: &Theme,
    paths: &[String],
) -> Result<Vec<(&'s Path, String)>, Vec<Diagnostic>> {
    let mut diags = vec![];
    let generated: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let mut copies: Vec<(&Path, String)> = vec![];
    for f in &theme.statics {
        if generated.contains(f.path.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "the static file {} has the same URL as a generated page",
                    f.path
                ))
                .in_file(format!("static{}", f.path))
                .hint("rename or remove the static file"),
            );
        }
    }
    for sec in &site.sections {
        for a in &sec.assets {
            copies.push((&a.source, a.path.clone()));
        }
    }
    for page in &site.pages {
        for a in &page.assets {
            copies.push((&a.source, a.path.clone()));
        }
    }
    if diags.is_empty() {
        Ok(copies)
    } else {
        Err(diags)
    }
}

/// What `render_and_write` works through.
struct Work<'a> {
    site: &'a Site,
    theme: &'a Theme,
    staging: &'a dyn Sink,
    jobs: &'a [Job],
    paths: &'a [String],
    /// Outputs whose fingerprint is unchanged since the preview's last build.
    skip: &'a [bool],
    /// Outputs whose file the last build wrote is unchanged (the build cache).
    reuse: &'a [Option<(PathBuf, crate::sink::Stamp)>],
    /// Each output's fingerprint for the search index's cache, or empty (see `Doc::print`).
    doc_prints: &'a [Option<u64>],
    copies: &'a [(&'a Path, String)],
    index_search: bool,
}

/// Renders every job not skipped and writes it, then copies the static files, all in
/// parallel. Returns each write's result (rendered, then copied) and the pages to index.
#[allow(clippy::type_complexity)]
fn render_and_write(
    w: Work<'_>,
    data: &Shared<'_>,
) -> (
    Vec<Result<(), Diagnostic>>,
    Vec<Result<(), Diagnostic>>,
    Vec<Doc>,
) {
    let Work {
        site,
        theme,
        staging,
        jobs,
        paths,
        skip,
        reuse,
        doc_prints,
        copies,
        index_search,
    } = w;
    // Per kind of output: how many and how long (CPU time summed over threads).
    let timings = std::env::var_os("VARDE_TIMINGS").is_some();
    let to_render = skip.iter().filter(|s| !**s).count();
    let progress = progress_bar(
        to_render,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let docs: std::sync::Mutex<Vec<Doc>> = Default::default();
    let multilingual = site.config.languages.len() > 1;
    let to_index = |i: usize, url: &str, html: index_doc::Html| {
        if let Ok(mut d) = docs.lock() {
            // A site path: the search client puts the site's base in front, so the base
            // path must not be added twice.
            d.push(Doc {
                url: url.to_string(),
                html,
                print: doc_prints.get(i).copied().flatten(),
            });
        }
    };
    let per_kind: std::sync::Mutex<HashMap<&'static str, (usize, std::time::Duration)>> =
        Default::default();
    // Once the disk has failed (full, read-only), the other jobs stop writing: one clear
    // message instead of one per file.
    let disk_failed = std::sync::atomic::AtomicBool::new(false);
    let io_error = |what: String| disk_error(&disk_failed, what);
    let results: Vec<Result<(), Diagnostic>> = (0..jobs.len())
        .into_par_iter()
        .filter(|&i| !skip[i])
        .map(|i| {
            if disk_failed.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            let (job, path) = (&jobs[i], paths[i].clone());
            let started = std::time::Instant::now();
            let bytes = match &reuse[i] {
                Some((file, stamp)) => {
                    staging
                        .link(file, *stamp, &path)
                        .map_err(|e| io_error(format!("cannot write {e}")))?;
                    // A page to index is read back only if the search index's cache lacks it.
                    if index_search && matches!(job, Job::Page(_)) {
                        let html = index_doc::Html::File {
                            path: file.clone(),
                            lang: multilingual,
                        };
                        to_index(i, &path, html);
                    }
                    if let Some(p) = &progress {
                        p.inc(1);
                    }
                    return Ok(());
                }
                None => render_job(site, theme, job, &path, data)?,
            };
            if let Some(p) = &progress {
                p.inc(1);
            }
            if index_search && matches!(job, Job::Page(_)) {
                let html = index_doc::indexable(&String::from_utf8_lossy(&bytes), multilingual);
                to_index(i, &path, index_doc::Html::Text(html));
            }
            if timings {
                let kind = job_kind(job);
                if let Ok(mut t) = per_kind.lock() {
                    let e = t.entry(kind).or_insert((0usize, std::time::Duration::ZERO));
                    e.0 += 1;
                    e.1 += started.elapsed();
                }
            }
            staging
                .write(&path, bytes)
                .map_err(|e| io_error(format!("cannot write {e}")))
        })
        .collect();
    let statics = copy_statics(theme, copies, staging, &disk_failed);
    if let Ok(t) = per_kind.lock() {
        print_kind_timings(&t);
    }
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    (results, statics, docs.into_inner().unwrap_or_default())
}

/// The theme's static files and the site's copied files, in parallel, into `staging`; each
/// skipped once the disk has failed (`disk_failed`).
fn copy_statics(
    theme: &Theme,
    copies: &[(&Path, String)],
    staging: &dyn Sink,
    disk_failed: &std::sync::atomic::AtomicBool,
) -> Vec<Result<(), Diagnostic>> {
    let io_error = |what: String| disk_error(disk_failed, what);
    theme
        .statics
        .par_iter()
        .map(|f| {
            if disk_failed.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            match &f.bytes {
                Bytes::Disk(src) => staging.copy(src, &f.path),
                Bytes::Embedded(b) => staging.write(&f.path, b.to_vec()),
            }
            .map_err(|e| io_error(format!("cannot write {e}")))
        })
        .chain(copies.par_iter().map(|(src, path)| {
            if disk_failed.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            staging
                .copy(src, path)
                .map_err(|e| io_error(format!("cannot write {e}")))
        }))
        .collect()
}

/// A write that failed: the disk's error, and the mark that makes the other writes stop.
fn disk_error(failed: &std::sync::atomic::AtomicBool, what: String) -> Diagnostic {
    failed.store(true, std::sync::atomic::Ordering::Relaxed);
    Diagnostic::io_error(what)
}

/// `VARDE_TIMINGS`: how many outputs of each kind were rendered, and their CPU time.
fn print_kind_timings(per_kind: &HashMap<&'static str, (usize, std::time::Duration)>) {
    let mut rows: Vec<_> = per_kind.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1 .1));
    for (kind, (n, d)) in rows {
        eprintln!(
            "timing:   render {kind:<12} {n:>6} files {:>8.1} ms cpu",
            d.as_secs_f64() * 1000.0
        );
    }
}

/// Builds rendering more than this many files show a progress bar (when stderr is a terminal).
const PROGRESS_FROM: usize = 2000;

/// A progress bar for long renders on a terminal; none for short ones, pipes and CI logs.
fn progress_bar(jobs: usize, terminal: bool) -> Option<indicatif::ProgressBar> {
    if !terminal || jobs < PROGRESS_FROM {
        return None;
    }
    let bar = indicatif::ProgressBar::new(jobs as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("rendering {bar:30} {pos}/{len} files, {eta} left")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// Page `n` (1-based) of a list split `per` to a page.
fn page_of(list: &[usize], n: usize, per: usize) -> &[usize] {
    let start = ((n.max(1) - 1) * per).min(list.len());
    &list[start..(start + per).min(list.len())]
}

/// The summaries one listing page shows: only its own slice, never the whole list.
fn pager_slice(pages: &[usize], n: usize, per: usize, listed: &[tera::Value]) -> tera::Value {
    let slice: Vec<tera::Value> = page_of(pages, n, per)
        .iter()
        .map(|&p| listed[p].clone())
        .collect();
    tera::Value::from(slice)
}

/// Template data as Tera's own value, whose lists and maps are shared, not copied, when a
/// value is put in many contexts (a page summary in every listing that shows it).
fn tv(v: &Value) -> tera::Value {
    tera::Value::from_serializable(v)
}

/// A template's variables.
#[derive(Default)]
struct Vars(Context);

impl Vars {
    /// A template value: a string or number, or data converted once and shared by many
    /// outputs (a clone of it copies a pointer, not the data).
    fn put(&mut self, key: &'static str, value: impl Into<tera::Value>) {
        self.0.insert_value(key, value.into());
    }

    /// JSON built for this output alone, converted here.
    fn set(&mut self, key: &'static str, value: impl Into<Value>) {
        self.0.insert_value(key, tv(&value.into()));
    }
}

/// What every template sees: `site` and `t` (the theme's words) in language `lang`, where
/// the output is, and `lang`/`dir` for `<html>` (`html_lang`: a page's own `lang:` when it
/// sets one, else the language's code).
fn base_context(
    data: &Shared<'_>,
    site: &Site,
    path: &str,
    lang: usize,
    html_lang: Option<&str>,
) -> Vars {
    let code = html_lang.unwrap_or(&site.config.languages[lang].code);
    let mut ctx = Vars::default();
    ctx.put("site", data.site_values[lang].clone());
    if let Some(words) = data.words.get(lang) {
        ctx.put("t", words.clone());
    }
    ctx.put("current_path", path);
    ctx.put("current_url", site.config.url(path));
    ctx.put("lang", code);
    ctx.put("dir", crate::html::direction(code));
    ctx.put("translations", tera::Value::from(Vec::<tera::Value>::new()));
    ctx
}

/// Data built once per build and shared by every job.
struct Shared<'a> {
    /// `site`, by language.
    site_values: &'a [tera::Value],
    /// `t`, the theme's words, by language.
    words: &'a [tera::Value],
    /// The same summaries as template values, for listings.
    listed: &'a [tera::Value],
    /// Service summaries, by directory and then page index (`Null` for pages it does not
    /// list), each with its card.
    services: &'a [Vec<Value>],
    /// Section template data, by section index.
    sections: &'a [tera::Value],
}

/// The first of the disk's errors, saying how many more there were: a full disk fails
/// every write in flight, and one message with the real path and the OS's words says it all.
fn one_disk_error(mut io: Vec<Diagnostic>) -> Option<Diagnostic> {
    if io.is_empty() {
        return None;
    }
    let more = io.len() - 1;
    let mut first = io.swap_remove(0);
    if more > 0 {
        first.message = format!(
            "{} (and {more} more file{} in flight at the time)",
            first.message,
            if more == 1 { "" } else { "s" }
        );
    }
    Some(first.hint(
        "free some space on that disk, or build into another folder with --out; the previous output is unchanged",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_for_long_renders_on_a_terminal() {
        assert!(progress_bar(PROGRESS_FROM, true).is_some());
        assert!(progress_bar(PROGRESS_FROM - 1, true).is_none());
        assert!(
            progress_bar(50_000, false).is_none(),
            "never in pipes or CI logs"
        );
    }
}
