//! The outputs of a site, one `Job` each: which there are (`plan`), where each goes
//! (`job_path`), which template renders it (`job_template`), what its fingerprint covers
//! (`job_print`) and how it renders (`render_job`, through one function per kind in
//! `outputs`). A new kind of output is a new `Job` variant here and a function there.

use super::a_to_z::{a_to_z_index, a_to_z_letters, a_to_z_split, letter_path};
use super::incremental::{Prints, H};
use super::outputs::{self, Out};
use super::theme::{check_template, SERVICE_CARD};
use super::{page_of, Shared, Theme};
use crate::content::{Site, NOT_FOUND_PATH, ROBOTS_PATH, SEARCH_PATH, SITEMAP_PATH};
use crate::diagnostics::Diagnostic;

/// One file to produce.
pub(super) enum Job {
    Section {
        s: usize,
        n: usize,
    },
    Page(usize),
    TaxonomyList(usize),
    Term {
        t: usize,
        term: usize,
        n: usize,
    },
    Feed(usize),
    Alias {
        p: usize,
        path: String,
    },
    /// The web editor's page and its configuration (`cms:`).
    CmsAdmin,
    CmsConfig,
    /// An old address of section `s`.
    SectionAlias {
        s: usize,
        path: String,
    },
    /// A directory's front page (`filter: None`) or one of its filter pages.
    Directory {
        d: usize,
        filter: Option<usize>,
    },
    Hsds(usize),
    Csv(usize),
    /// `/sok/`: language `lang`'s search page, with an A-Z list of its pages for readers
    /// without JavaScript; on a large site, `letter: Some(i)` is the A-Z list's page for
    /// letter `i` (`/sok/b/`).
    Search {
        lang: usize,
        letter: Option<usize>,
    },
    NotFound,
    Sitemap,
    Robots,
}

pub(super) fn job_kind(job: &Job) -> &'static str {
    match job {
        Job::Section { .. } => "section",
        Job::Page(_) => "page",
        Job::TaxonomyList(_) => "taxonomy",
        Job::Term { .. } => "term",
        Job::Feed(_) => "feed",
        Job::Alias { .. } | Job::SectionAlias { .. } => "alias",
        Job::Directory { .. } => "directory",
        Job::Hsds(_) => "hsds",
        Job::Csv(_) => "csv",
        Job::Search { .. } => "search",
        Job::NotFound | Job::Sitemap | Job::Robots | Job::CmsAdmin | Job::CmsConfig => "other",
    }
}

pub(super) fn pager_count(count: usize, per: usize) -> usize {
    count.div_ceil(per.max(1)).max(1)
}

pub(super) fn page_template<'s>(site: &'s Site, theme: &Theme, p: usize) -> &'s str {
    let page = &site.pages[p];
    let default = if page.service.is_some() {
        "service.html"
    } else {
        "page.html"
    };
    page.meta
        .template
        .as_deref()
        .or(page.meta.layout.as_deref().filter(|l| theme.has(l)))
        .or(site.sections[page.section].meta.page_template.as_deref())
        .unwrap_or(default)
}

pub(super) fn section_template<'s>(site: &'s Site, theme: &Theme, s: usize) -> &'s str {
    let sec = &site.sections[s];
    let default = if sec.meta.directory {
        "directory.html"
    } else if sec.parent.is_none() {
        "index.html"
    } else {
        "section.html"
    };
    sec.meta
        .template
        .as_deref()
        .or(sec.meta.layout.as_deref().filter(|l| theme.has(l)))
        .unwrap_or(default)
}

/// The template a job is rendered with (None for outputs built in Rust): `render_job` renders
/// with it and the incremental fingerprints hash it, so the two cannot disagree.
pub(super) fn job_template<'s>(site: &'s Site, theme: &Theme, job: &Job) -> Option<&'s str> {
    Some(match job {
        Job::Page(p) => page_template(site, theme, *p),
        Job::Section { s, .. } => section_template(site, theme, *s),
        Job::Directory { d, .. } => section_template(site, theme, site.directories[*d].section),
        Job::TaxonomyList(_) => "taxonomy_list.html",
        Job::Term { .. } => "taxonomy_term.html",
        Job::Feed(_) => "atom.xml",
        Job::Alias { .. } | Job::SectionAlias { .. } => "alias.html",
        Job::Search { .. } => "search.html",
        Job::NotFound => "404.html",
        Job::Robots => "robots.txt",
        Job::Hsds(_) | Job::Csv(_) | Job::Sitemap | Job::CmsAdmin | Job::CmsConfig => return None,
    })
}

/// Site paths every job will write, for spotting static files that would be overwritten.
pub(super) fn job_path(site: &Site, job: &Job) -> String {
    match job {
        Job::Section { s, n } => site.pager_path(&site.sections[*s].path, *n),
        Job::Page(p) => site.pages[*p].path.clone(),
        Job::TaxonomyList(t) => site.taxonomies[*t].path.clone(),
        Job::Term { t, term, n } => {
            let base = &site.taxonomies[*t].terms[*term].path;
            site.pager_path(base, *n)
        }
        Job::Feed(s) => site.sections[*s].feed_path(),
        Job::Alias { path, .. } | Job::SectionAlias { path, .. } => path.clone(),
        Job::Directory { d, filter } => {
            let dir = &site.directories[*d];
            match filter {
                Some(f) => dir.filters[*f].path.clone(),
                None => site.sections[dir.section].path.clone(),
            }
        }
        Job::Hsds(d) => site.directories[*d].hsds_path.clone(),
        Job::Csv(d) => site.directories[*d].csv_path.clone(),
        Job::Search { lang, letter: None } => site.config.in_lang(*lang, SEARCH_PATH),
        Job::Search {
            lang,
            letter: Some(i),
        } => letter_path(site, *lang, &a_to_z_letters(site, *lang)[*i]),
        Job::NotFound => NOT_FOUND_PATH.into(),
        Job::Sitemap => SITEMAP_PATH.into(),
        Job::Robots => ROBOTS_PATH.into(),
        Job::CmsAdmin => super::cms::ADMIN_PATH.into(),
        Job::CmsConfig => super::cms::CONFIG_PATH.into(),
    }
}

/// The fingerprint of one output's inputs (see `incremental`).
pub(super) fn job_print(site: &Site, theme: &Theme, prints: &Prints, job: &Job) -> u64 {
    let mut h = H::new(job_kind(job));
    h.add(&prints.global)
        .add(&theme.template_print(job_template(site, theme, job)));
    match job {
        Job::Page(p) => {
            let page = &site.pages[*p];
            h.add(&prints.page[*p]).add(&prints.section[page.section]);
            if let Some(d) = site.directories.iter().find(|d| d.section == page.section) {
                h.add(&prints.pages(d.related.get(p).map_or(&[][..], |v| v.as_slice())));
            }
        }
        Job::Section { s, n } => {
            let sec = &site.sections[*s];
            let per = site.paginate_by(*s);
            h.add(&prints.section[*s])
                .add(n)
                .add(&prints.listed(page_of(&sec.pages, *n, per)));
        }
        Job::Term { t, term, n } => {
            let tm = &site.taxonomies[*t].terms[*term];
            let slice = page_of(&tm.pages, *n, site.taxonomies[*t].paginate_by);
            h.add(&tm.name)
                .add(&tm.pages.len())
                .add(n)
                .add(&prints.listed(slice));
        }
        Job::TaxonomyList(t) => {
            for term in &site.taxonomies[*t].terms {
                h.add(&term.name).add(&term.pages.len());
            }
        }
        Job::Feed(s) => {
            h.add(&prints.section[*s])
                .add(&prints.pages(&site.sections[*s].pages));
        }
        Job::Alias { p, path } => {
            h.add(&prints.page[*p]).add(path);
        }
        Job::SectionAlias { s, path } => {
            h.add(&prints.section[*s]).add(path);
        }
        Job::Directory { d, filter } => {
            h.add(&prints.directory[*d]).add(filter);
        }
        Job::Hsds(d) | Job::Csv(d) => {
            h.add(&prints.directory[*d]);
        }
        Job::Sitemap => {
            h.add(&prints.listing).add(&prints.section);
            for tax in &site.taxonomies {
                for term in &tax.terms {
                    h.add(&term.slug);
                }
            }
        }
        Job::Search { lang, letter } => {
            // Only what the A-Z list shows: titles, addresses and sections of its pages.
            let index = a_to_z_index(site);
            h.add(lang).add(letter).add(&index.letters);
            for (i, p) in site.pages.iter().enumerate() {
                if p.lang == *lang && letter.is_none_or(|l| index.of_page[i] == l) {
                    h.add(&p.meta.title)
                        .add(&p.path)
                        .add(&site.sections[p.section].meta.title)
                        .add(&p.service.is_some());
                }
            }
        }
        Job::NotFound | Job::Robots | Job::CmsAdmin => {}
        // The collections follow the sections.
        Job::CmsConfig => {
            h.add(&prints.section);
        }
    }
    h.done()
}

/// A `layout:` (Jekyll's, Hugo's) the theme has no template for: the page keeps `used`,
/// and the site hears of it once per layout name.
fn layout_unused(
    theme: &Theme,
    file: &crate::content::source::SourceFile,
    layout: Option<&str>,
    used: &str,
) -> Option<Diagnostic> {
    let layout = layout.filter(|l| !theme.has(l))?;
    let name = layout.trim_end_matches(".html");
    let msg = format!("there is no template for `layout: {name}`, so the page uses {used}");
    let mut d = Diagnostic::warning(msg.clone()).in_file(&file.rel);
    if let Some((line, col)) = file.locate(&["layout"]) {
        d = d.at_line_col(&file.text, line, col, "layout".len());
    }
    Some(
        d.once_per_site(format!("warning: {msg}")).hint(format!(
            "add templates/{layout} to the site to give these pages their own template, or remove `layout:`"
        )),
    )
}

/// Every template the outputs need, checked before anything renders: the ones pages and
/// sections ask for, and the ones the site's kinds of output need.
pub(super) fn check_templates(site: &Site, theme: &Theme) -> Vec<Diagnostic> {
    let mut diags = vec![];
    for (p, page) in site.pages.iter().enumerate() {
        let key = if page.meta.template.is_some() {
            "template"
        } else {
            "page_template"
        };
        let file = if page.meta.template.is_some() {
            Some(&*page.file)
        } else {
            site.sections[page.section].file.as_deref()
        };
        diags.extend(check_template(
            theme,
            file,
            key,
            page_template(site, theme, p),
        ));
        let used = page_template(site, theme, p);
        diags.extend(layout_unused(
            theme,
            &page.file,
            page.meta.layout.as_deref(),
            used,
        ));
    }
    for (s, sec) in site.sections.iter().enumerate() {
        let used = section_template(site, theme, s);
        diags.extend(check_template(theme, sec.file.as_deref(), "template", used));
        if let Some(file) = &sec.file {
            diags.extend(layout_unused(theme, file, sec.meta.layout.as_deref(), used));
        }
    }
    let mut required = vec!["404.html", "alias.html", "robots.txt"];
    if site.sections.iter().any(|s| s.meta.feed) {
        required.push("atom.xml");
    }
    if site.taxonomies.iter().any(|t| !t.terms.is_empty()) {
        required.extend(["taxonomy_list.html", "taxonomy_term.html"]);
    }
    if !site.directories.is_empty() {
        required.extend(["directory.html", "service.html", SERVICE_CARD]);
    }
    if site.config.search {
        required.push("search.html");
    }
    for name in required {
        diags.extend(check_template(theme, None, "", name));
    }
    diags.sort_by(|a, b| (&a.file, a.line, &a.message).cmp(&(&b.file, b.line, &b.message)));
    diags.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
    diags
}

/// Every output of the site, in a fixed order.
pub(super) fn plan(site: &Site) -> Vec<Job> {
    let c = &site.config;
    let mut jobs = vec![];
    for (d, dir) in site.directories.iter().enumerate() {
        jobs.push(Job::Directory { d, filter: None });
        jobs.extend((0..dir.filters.len()).map(|f| Job::Directory { d, filter: Some(f) }));
        // The open data once, from the default language's directory (a translation's
        // directory links the same files).
        if site.sections[dir.section].lang == 0 {
            jobs.extend([Job::Hsds(d), Job::Csv(d)]);
        }
    }
    for (s, sec) in site.sections.iter().enumerate() {
        if sec.meta.directory {
            // Its listing pages are the directory's (every service, grouped; no pager).
            if sec.meta.feed {
                jobs.push(Job::Feed(s));
            }
            continue;
        }
        for n in 1..=pager_count(sec.pages.len(), site.paginate_by(s)) {
            jobs.push(Job::Section { s, n });
        }
        if sec.meta.feed {
            jobs.push(Job::Feed(s));
        }
        for a in &sec.meta.aliases {
            jobs.push(Job::SectionAlias { s, path: a.clone() });
        }
    }
    for (p, page) in site.pages.iter().enumerate() {
        jobs.push(Job::Page(p));
        for a in &page.meta.aliases {
            jobs.push(Job::Alias { p, path: a.clone() });
        }
    }
    for (t, tax) in site.taxonomies.iter().enumerate() {
        if tax.terms.is_empty() {
            continue;
        }
        jobs.push(Job::TaxonomyList(t));
        for (term, tm) in tax.terms.iter().enumerate() {
            for n in 1..=pager_count(tm.pages.len(), tax.paginate_by) {
                jobs.push(Job::Term { t, term, n });
            }
        }
    }
    jobs.extend([Job::NotFound, Job::Sitemap, Job::Robots]);
    if c.cms.is_some() {
        jobs.extend([Job::CmsAdmin, Job::CmsConfig]);
    }
    if c.search {
        for lang in 0..c.languages.len() {
            jobs.push(Job::Search { lang, letter: None });
            if a_to_z_split(site, lang) {
                let letters = a_to_z_letters(site, lang).len();
                jobs.extend((0..letters).map(|i| Job::Search {
                    lang,
                    letter: Some(i),
                }));
            }
        }
    }
    jobs
}

/// Renders one output into bytes, each kind through its own function in `outputs`.
pub(super) fn render_job(
    site: &Site,
    theme: &Theme,
    job: &Job,
    path: &str,
    data: &Shared<'_>,
) -> Result<Vec<u8>, Diagnostic> {
    // The same name the incremental fingerprints take (`job_template`); "" only for the
    // outputs built in Rust, which never render a template.
    let o = Out {
        site,
        theme,
        path,
        template: job_template(site, theme, job).unwrap_or_default(),
        data,
    };
    match job {
        Job::Directory { d, filter } => outputs::directory(&o, *d, *filter),
        Job::Hsds(d) => outputs::hsds(&o, *d),
        Job::Csv(d) => outputs::csv(&o, *d),
        Job::Page(p) => outputs::page(&o, *p),
        Job::Section { s, n } => outputs::section(&o, *s, *n),
        Job::Feed(s) => outputs::feed(&o, *s),
        Job::TaxonomyList(t) => outputs::taxonomy_list(&o, *t),
        Job::Term { t, term, n } => outputs::term(&o, *t, *term, *n),
        Job::Alias { p, .. } => {
            let page = &site.pages[*p];
            outputs::alias(&o, &page.path, &page.meta.title, page.lang)
        }
        Job::SectionAlias { s, .. } => {
            let sec = &site.sections[*s];
            outputs::alias(&o, &sec.path, &sec.meta.title, sec.lang)
        }
        Job::NotFound => outputs::not_found(&o),
        Job::Robots => outputs::robots(&o),
        Job::CmsAdmin => Ok(super::cms::admin_page(&site.config).into_bytes()),
        Job::CmsConfig => Ok(site
            .config
            .cms
            .as_ref()
            .map(|cms| super::cms::config(site, cms))
            .unwrap_or_default()
            .into_bytes()),
        Job::Sitemap => Ok(outputs::sitemap(site).into_bytes()),
        Job::Search { lang, letter } => outputs::search(&o, *lang, *letter),
    }
}
