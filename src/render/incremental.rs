//! Fingerprints for incremental rebuilds: the preview's, and the build cache's (`reuse`).
//! Each output gets a hash of exactly what its template sees: the settings and templates,
//! and the pages and sections it shows. An output whose fingerprint did not change is not
//! rendered again. The result is the same
//! as a full build by construction, and `tests/incremental.rs` checks it byte for byte.
//! `again` is the preview's quick path: one page's body changed, and only the outputs that
//! show it are rendered again with the last build's template data.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde_json::Value;

use super::jobs::{job_path, render_job, Job};
use super::{context, tv, Shared, Theme};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use rayon::prelude::*;

/// What the last render left behind, for the next one to compare against.
#[derive(Default)]
pub struct RenderCache {
    /// Output site path -> fingerprint of its inputs.
    pub(super) outputs: HashMap<String, u64>,
    /// Page content key -> (page fingerprint, summary, hash of the summary, the summary as
    /// a template value), so unchanged pages are not summarised again.
    pub(super) summaries: HashMap<String, (u64, Arc<Value>, u64, tera::Value)>,
    /// Outputs rendered by the last build (the rest were unchanged).
    pub rendered: usize,
    /// The last build's template data, for rendering single pages again (`render::again`).
    pub(super) shared: Option<SharedData>,
}

/// `render::Shared`, owned.
pub(super) struct SharedData {
    pub site_values: Vec<tera::Value>,
    pub words: Vec<tera::Value>,
    pub summaries: Vec<Arc<Value>>,
    pub listed: Vec<tera::Value>,
    pub services: Vec<Vec<Value>>,
    pub sections: Vec<tera::Value>,
}

pub(super) struct H(std::collections::hash_map::DefaultHasher);

impl H {
    pub fn new(tag: &str) -> H {
        let mut h = H(std::collections::hash_map::DefaultHasher::new());
        h.add(tag);
        h
    }

    pub fn add<T: Hash + ?Sized>(&mut self, v: &T) -> &mut H {
        v.hash(&mut self.0);
        self
    }

    pub fn done(&self) -> u64 {
        self.0.finish()
    }
}

/// Fingerprints of the site's parts, computed once per build.
pub(super) struct Prints {
    /// Settings, templates and the day (staleness shows on service pages).
    pub global: u64,
    /// Settings and the day without the templates: what page summaries depend on, so a
    /// template edit does not summarise every page again.
    pub settings: u64,
    pub page: Vec<u64>,
    /// What listings show of each page (its summary), so a body edit that leaves the summary
    /// alone does not re-render the lists.
    pub listing: Vec<u64>,
    pub section: Vec<u64>,
    /// Per directory: all its services.
    pub directory: Vec<u64>,
}

impl Prints {
    /// `index_search`: whether this build indexes the site (the build cache keeps prints
    /// between builds with and without `--no-search`).
    pub fn new(site: &Site, theme_print: u64, index_search: bool) -> Prints {
        let config = serde_json::to_string(&site.config).unwrap_or_default();
        let settings = H::new("settings")
            .add(&config)
            // Every template may read `site.data`, and the theme's words (`t`).
            .add(&site.data.to_string())
            .add(&serde_json::to_string(&site.i18n.merged).unwrap_or_default())
            .add(&site.today.iso())
            .done();
        let global = H::new("global")
            .add(&settings)
            .add(&theme_print)
            .add(&index_search)
            .done();
        let page: Vec<u64> = site
            .pages
            .iter()
            .map(|p| {
                let mut h = H::new("page");
                h.add(&p.file.hash)
                    .add(&p.path)
                    .add(&site.sections[p.section].path)
                    .add(&p.content.hash);
                // The language switcher links the page's translations.
                for &t in &p.translations {
                    h.add(&site.pages[t].path);
                }
                for a in &p.assets {
                    h.add(&a.path);
                }
                h.done()
            })
            .collect();
        let file_hash = |s: usize| site.sections[s].file.as_ref().map_or(0, |f| f.hash);
        let section: Vec<u64> = (0..site.sections.len())
            .map(|s| {
                let sec = &site.sections[s];
                let mut h = H::new("section");
                h.add(&file_hash(s))
                    .add(&sec.path)
                    .add(&sec.content.hash)
                    .add(&sec.pages.len());
                for &t in &sec.translations {
                    h.add(&site.sections[t].path);
                }
                for p in site.untranslated(s) {
                    h.add(&site.pages[p].path).add(&site.pages[p].meta.title);
                }
                for &c in &sec.children {
                    h.add(&file_hash(c))
                        .add(&site.sections[c].path)
                        .add(&site.sections[c].pages.len());
                }
                for a in site.ancestors(s) {
                    h.add(&file_hash(a)).add(&site.sections[a].path);
                }
                h.done()
            })
            .collect();
        let directory = site
            .directories
            .iter()
            .map(|d| {
                let mut h = H::new("directory");
                h.add(&section[d.section]);
                for &p in &d.services {
                    h.add(&page[p]);
                }
                h.done()
            })
            .collect();
        Prints {
            global,
            settings,
            page,
            listing: vec![],
            section,
            directory,
        }
    }

    /// Full fingerprints of some pages (for outputs that show their bodies).
    pub fn pages(&self, list: &[usize]) -> u64 {
        let mut h = H::new("pages");
        for &p in list {
            h.add(&self.page[p]);
        }
        h.done()
    }

    /// Summary fingerprints of some pages (for listings).
    pub fn listed(&self, list: &[usize]) -> u64 {
        let mut h = H::new("listed");
        for &p in list {
            h.add(&self.listing[p]);
        }
        h.done()
    }
}

/// Each page's summary, for listings: as JSON (kept only for the preview's cache), its
/// hash (what listings' fingerprints cover) and as a template value. With the preview's
/// cache (`old`, `prints`), an unchanged page's summary is taken from the last build.
#[allow(clippy::type_complexity)]
pub(super) fn summaries(
    site: &Site,
    old: Option<&RenderCache>,
    prints: Option<&Prints>,
) -> (Vec<Arc<Value>>, Vec<u64>, Vec<tera::Value>) {
    // Each summary also as a template value, made here once and kept by the preview's
    // cache with the summary, so a template edit does not convert 10 000 of them again.
    let summarised: Vec<(Option<Arc<Value>>, u64, tera::Value)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            if let (Some(c), Some(pr)) = (old, prints) {
                if let Some((fp, v, h, l)) = c.summaries.get(&p.file.key) {
                    if *fp == pr.page[i] ^ pr.settings {
                        return (Some(Arc::clone(v)), *h, l.clone());
                    }
                }
            }
            let v = context::page_summary(site, p);
            let h = if prints.is_some() {
                crate::content::source::hash_str(&v.to_string())
            } else {
                0
            };
            let l = tv(&v);
            // Only the preview's cache needs the JSON again; a build lets it go now.
            (old.is_some().then(|| Arc::new(v)), h, l)
        })
        .collect();
    let mut summaries = Vec::with_capacity(summarised.len());
    let mut listing = Vec::with_capacity(summarised.len());
    let mut listed = Vec::with_capacity(summarised.len());
    for (v, h, l) in summarised {
        summaries.extend(v);
        listing.push(h);
        listed.push(l);
    }
    (summaries, listing, listed)
}

/// Keeps what the preview's next rebuild compares against: each output's fingerprint,
/// each page's summary, and the template data shared by every output.
pub(super) fn remember(
    c: &mut RenderCache,
    site: &Site,
    pr: &Prints,
    shared: SharedData,
    paths: &[String],
    job_prints: &[Option<u64>],
    rendered: usize,
) {
    c.rendered = rendered;
    c.outputs = paths
        .iter()
        .cloned()
        .zip(job_prints.iter().map(|f| f.unwrap_or(0)))
        .collect();
    c.summaries = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.file.key.clone(),
                (
                    pr.page[i] ^ pr.settings,
                    Arc::clone(&shared.summaries[i]),
                    pr.listing[i],
                    shared.listed[i].clone(),
                ),
            )
        })
        .collect();
    c.shared = Some(shared);
}

/// An output file: its site path and its bytes.
pub type Output = (String, Vec<u8>);

/// Renders pages `pages` again after only their Markdown bodies changed, with the template
/// data of the last build in `cache`: each page, the feed of its section (feeds carry page
/// bodies), and, when its summary changed (what listings show: summary, word count), the
/// section and tag pagers that list it. Returns `None` when there was no last build.
/// The outputs rendered here are forgotten by `cache`, so the next incremental build
/// renders them again instead of trusting fingerprints from before this edit.
pub fn again(
    site: &Site,
    theme: &Theme,
    cache: &mut RenderCache,
    pages: &[usize],
) -> Option<Result<Vec<Output>, Diagnostic>> {
    let shared = cache.shared.as_mut()?;
    let mut jobs = vec![];
    for &p in pages {
        jobs.push(Job::Page(p));
        let s = site.pages[p].section;
        let sec = &site.sections[s];
        if sec.meta.feed {
            jobs.push(Job::Feed(s));
        }
        let summary = context::page_summary(site, &site.pages[p]);
        if summary == *shared.summaries[p] {
            continue;
        }
        shared.listed[p] = tv(&summary);
        shared.summaries[p] = Arc::new(summary);
        // A directory's lists show service cards, which come from front matter only.
        if let (false, Some(i)) = (sec.meta.directory, sec.pages.iter().position(|&q| q == p)) {
            jobs.push(Job::Section {
                s,
                n: i / site.paginate_by(s) + 1,
            });
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            let per = tax.paginate_by;
            for (term, tm) in tax.terms.iter().enumerate() {
                if let Some(i) = tm.pages.iter().position(|&q| q == p) {
                    jobs.push(Job::Term {
                        t,
                        term,
                        n: i / per + 1,
                    });
                }
            }
        }
    }
    let shared = cache.shared.as_ref()?;
    let data = Shared {
        site_values: &shared.site_values,
        words: &shared.words,
        listed: &shared.listed,
        services: &shared.services,
        sections: &shared.sections,
    };
    let mut out: Vec<Output> = vec![];
    for job in &jobs {
        let path = job_path(site, job);
        if out.iter().any(|(p, _)| *p == path) {
            continue;
        }
        match render_job(site, theme, job, &path, &data) {
            Ok(html) => out.push((path, html)),
            Err(d) => return Some(Err(d)),
        }
    }
    for (path, _) in &out {
        cache.outputs.remove(path);
    }
    Some(Ok(out))
}

/// Renders only the outputs whose site path `wanted` accepts, with `theme` and the last
/// build's template data: the preview's first answer to an edit, for the pages open in a
/// browser, before it renders the whole site again. With `new_theme` (a template edit) the
/// templates are checked and the service cards, which a template renders, are made again;
/// the summaries of `edited` pages (front matter edited) are made again. `None` when there
/// was no last build or the templates have errors (the whole render reports them); the
/// cache is left as it was, since the whole render follows.
pub fn only(
    site: &Site,
    theme: &Theme,
    cache: &RenderCache,
    wanted: &dyn Fn(&str) -> bool,
    new_theme: bool,
    edited: &[usize],
) -> Option<Vec<Output>> {
    let last = cache.shared.as_ref()?;
    if new_theme
        && super::jobs::check_templates(site, theme)
            .iter()
            .any(Diagnostic::is_error)
    {
        return None;
    }
    let jobs: Vec<(Job, String)> = super::jobs::plan(site)
        .into_iter()
        .map(|j| {
            let path = job_path(site, &j);
            (j, path)
        })
        .filter(|(_, path)| wanted(path))
        .collect();
    let fresh;
    let services = if new_theme {
        fresh = super::directory::service_data(site, theme, &last.words).ok()?;
        &fresh
    } else {
        &last.services
    };
    let mut listed = std::borrow::Cow::Borrowed(&last.listed[..]);
    for &p in edited {
        listed.to_mut()[p] = tv(&context::page_summary(site, &site.pages[p]));
    }
    let data = Shared {
        site_values: &last.site_values,
        words: &last.words,
        listed: &listed,
        services,
        sections: &last.sections,
    };
    jobs.iter()
        .map(|(job, path)| {
            Some((
                path.clone(),
                render_job(site, theme, job, path, &data).ok()?,
            ))
        })
        .collect()
}
