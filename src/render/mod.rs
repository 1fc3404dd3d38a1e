//! Render: Tera templates from the theme (any of which the site can override with a file of
//! the same name in its own `templates/`), one output per job, rendered in parallel and
//! written straight into the staging folder.

pub mod context;
pub mod directory;
pub mod incremental;
pub mod index_doc;

pub use index_doc::Doc;

pub use incremental::RenderCache;
use incremental::{Prints, H};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use include_dir::{include_dir, Dir};
use rayon::prelude::*;
use serde_json::{json, Value};
use tera::{Context, Kwargs, State, Tera};

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::sink::Sink;

/// The default theme, built into the binary so `varde build` works on a folder that holds
/// only `content/` (a benchmark corpus, a site moved over from Hugo or Zola).
static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

enum Bytes {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

struct StaticFile {
    /// Site path (`/css/varde.css`).
    path: String,
    bytes: Bytes,
}

/// Compiled templates and the static files that go with them.
pub struct Theme {
    tera: Tera,
    /// Template name -> (path shown in diagnostics, source), for pointing at lines.
    sources: HashMap<String, (PathBuf, String)>,
    statics: Vec<StaticFile>,
    /// For incremental rebuilds: a hash of the static file paths and of the templates every
    /// output may show (`RENDERED_INSIDE_OTHERS`, and the templates that define components).
    fingerprint: u64,
    /// Template name -> hash of its source and of every template it uses, directly or not
    /// (see `Theme::template_print`).
    prints: HashMap<String, u64>,
}

/// Templates the render stage renders inside other outputs (a directory page shows every
/// service's card), so an edit to one must re-render everything.
const RENDERED_INSIDE_OTHERS: &[&str] = &[SERVICE_CARD];
const SERVICE_CARD: &str = "service_card.html";

/// The files below `dir` (a theme's or the site's own), never through a link that leaves
/// the site; hidden files are left out.
fn walk_files(
    root: &crate::walk::SiteRoot,
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let (entries, d) = root.walk(dir, |name| name.starts_with('.'));
    diags.extend(d);
    entries
        .into_iter()
        .filter(|e| !e.is_dir)
        .map(|e| (e.rel, e.abs))
        .collect()
}

fn embedded_files<'a>(dir: &'a Dir<'a>, out: &mut Vec<&'a include_dir::File<'a>>) {
    for f in dir.files() {
        out.push(f);
    }
    for d in dir.dirs() {
        embedded_files(d, out);
    }
}

impl Theme {
    /// Loads the theme named in `site.yaml`, then the site's own templates and static files.
    pub fn load(root: &Path, config: &crate::config::Config) -> Result<Theme, Vec<Diagnostic>> {
        let theme = config.theme.as_str();
        let mut diags = vec![];
        let mut templates: HashMap<String, (PathBuf, String)> = HashMap::new();
        let mut statics: HashMap<String, Bytes> = HashMap::new();
        let theme_dir = root.join("themes").join(theme);
        let site_root = crate::walk::SiteRoot::new(root);
        let mut walked = vec![];
        let mut read = |name: String,
                        path: PathBuf,
                        shown: PathBuf,
                        into: &mut HashMap<String, (PathBuf, String)>| {
            match std::fs::read_to_string(&path) {
                Ok(s) => {
                    into.insert(name, (shown, s));
                }
                Err(e) => diags.push(
                    Diagnostic::error(format!("cannot read the template: {e}")).in_file(shown),
                ),
            }
        };
        if theme_dir.is_dir() {
            for (name, path) in walk_files(&site_root, &theme_dir.join("templates"), &mut walked) {
                let shown = PathBuf::from("themes")
                    .join(theme)
                    .join("templates")
                    .join(&name);
                read(name, path, shown, &mut templates);
            }
            for (name, path) in walk_files(&site_root, &theme_dir.join("static"), &mut walked) {
                statics.insert(format!("/{name}"), Bytes::Disk(path));
            }
        } else if theme == "default" {
            let mut files = vec![];
            embedded_files(&DEFAULT_THEME, &mut files);
            for f in files {
                let p = f.path().to_string_lossy().replace('\\', "/");
                if let Some(name) = p.strip_prefix("templates/") {
                    let shown = PathBuf::from("(built-in theme)/templates").join(name);
                    templates.insert(
                        name.to_string(),
                        (shown, f.contents_utf8().unwrap_or("").to_string()),
                    );
                } else if let Some(name) = p.strip_prefix("static/") {
                    statics.insert(format!("/{name}"), Bytes::Embedded(f.contents()));
                }
            }
        } else {
            let mut d = Diagnostic::error(format!("the theme `{theme}` is not in themes/"))
                .in_file(crate::config::FILE);
            d = d.hint("set `theme:` in site.yaml to a folder under themes/, or remove it to use the built-in default theme");
            return Err(vec![d]);
        }
        for (name, path) in walk_files(&site_root, &root.join("templates"), &mut walked) {
            let shown = PathBuf::from("templates").join(&name);
            read(name, path, shown, &mut templates);
        }
        for (name, path) in walk_files(&site_root, &root.join("static"), &mut walked) {
            statics.insert(format!("/{name}"), Bytes::Disk(path));
        }
        diags.extend(walked);
        if !diags.is_empty() {
            return Err(diags);
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.set_escape_fn(crate::html::escape_to);
        // Functions first: Tera checks, when it compiles a template, that each one exists.
        let config = config.clone();
        tera.register_function(
            "get_url",
            move |args: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: &str = args.get("path")?.ok_or_else(|| {
                    tera::Error::message(
                        "get_url needs `path`, e.g. get_url(path=\"/css/varde.css\")",
                    )
                })?;
                Ok(config.url(path))
            },
        );
        let mut list: Vec<(&str, &str)> = templates
            .iter()
            .map(|(n, (_, s))| (n.as_str(), s.as_str()))
            .collect();
        list.sort();
        if let Err(e) = tera.add_raw_templates(list) {
            return Err(vec![template_error(&e, &templates, None)]);
        }
        let mut statics: Vec<StaticFile> = statics
            .into_iter()
            .map(|(path, bytes)| StaticFile { path, bytes })
            .collect();
        statics.sort_by(|a, b| a.path.cmp(&b.path));
        // Each template's print covers its source and the templates it uses (`extends`,
        // `include`), so saving `page.html` in the preview renders again the
        // outputs made with page.html or a template built on it, not every list and tag
        // page. "Uses" means "quotes the name", a generous test (a name in a comment counts
        // too) that can only make more outputs render.
        let mut names: Vec<&String> = templates.keys().collect();
        names.sort();
        let uses: HashMap<&String, Vec<&String>> = names
            .iter()
            .map(|&n| {
                let src = &templates[n].1;
                let used = names
                    .iter()
                    .filter(|m| {
                        *m != &n
                            && (src.contains(&format!("\"{m}\""))
                                || src.contains(&format!("'{m}'")))
                    })
                    .copied()
                    .collect();
                (n, used)
            })
            .collect();
        let mut prints = HashMap::new();
        for &n in &names {
            let mut reached = std::collections::BTreeSet::from([n]);
            let mut todo = vec![n];
            while let Some(t) = todo.pop() {
                for &u in uses.get(t).into_iter().flatten() {
                    if reached.insert(u) {
                        todo.push(u);
                    }
                }
            }
            let mut h = H::new("template");
            for t in reached {
                h.add(t).add(&templates[t].1);
            }
            prints.insert(n.clone(), h.done());
        }
        // Templates any output may show: those the render stage puts inside other outputs,
        // and those that define components, which Tera makes global (a template uses one
        // without naming the file that defines it).
        let mut h = H::new("theme");
        for &n in names.iter().filter(|n| {
            RENDERED_INSIDE_OTHERS.contains(&n.as_str())
                || templates[**n].1.contains("endcomponent")
        }) {
            h.add(n).add(&prints.get(n));
        }
        for f in &statics {
            h.add(&f.path);
        }
        let fingerprint = h.done();
        Ok(Theme {
            tera,
            sources: templates,
            statics,
            fingerprint,
            prints,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// What an output rendered with template `name` depends on beyond `fingerprint`.
    fn template_print(&self, name: Option<&str>) -> u64 {
        name.and_then(|n| self.prints.get(n)).copied().unwrap_or(0)
    }

    /// An output file's bytes. Rendered into bytes, not a `String`: the bytes go to a file
    /// as they are, and checking them for UTF-8 again was 2 % of a build's instructions.
    fn render_vars(&self, name: &str, vars: Vars, what: &str) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, &vars.0, &mut out)
            .map_err(|e| template_error(&e, &self.sources, Some(what)))?;
        Ok(out)
    }

    fn render(&self, name: &str, ctx: &Context, what: &str) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&e, &self.sources, Some(what)))
    }
}

/// The whole error chain as one line (Tera puts the useful part in the sources).
fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push(s.to_string());
        cur = s.source();
    }
    out
}

/// A template error as a diagnostic naming the template file and, where Tera knows it, the
/// line and column.
fn template_error(
    e: &tera::Error,
    sources: &HashMap<String, (PathBuf, String)>,
    what: Option<&str>,
) -> Diagnostic {
    use tera::ErrorKind;
    let (message, name, span, syntax) = match e.kind() {
        ErrorKind::SyntaxError(r) => (
            r.message().to_string(),
            Some(r.filename()),
            Some(r.span()),
            true,
        ),
        ErrorKind::RenderingError(r) => (
            r.message().to_string(),
            Some(r.filename()),
            Some(r.span()),
            false,
        ),
        ErrorKind::MissingParent { current, .. } => {
            (e.to_string(), Some(current.as_str()), None, true)
        }
        ErrorKind::CircularExtend { tpl, .. } | ErrorKind::CircularInclude { tpl, .. } => {
            (e.to_string(), Some(tpl.as_str()), None, true)
        }
        _ => (chain(e).join(": "), None, None, false),
    };
    // Tera reports what it finds when it checks templates together (a block no parent
    // has, an unknown filter) as text: "error: ...\n --> name:line:col".
    if name.is_none() {
        if let Some(d) = reported_error(&message, sources) {
            return d;
        }
    }
    let mut d = Diagnostic::error(format!("template error: {}", first_line_of(&message)));
    let hint = match (syntax, what) {
        (true, _) => "check the template syntax here".to_string(),
        (false, Some(w)) => format!("while rendering {w}; a missing value can be guarded with `{{% if ... %}}` or `| default(value=\"\")`"),
        (false, None) => "check the template".to_string(),
    };
    let Some((shown, source)) = name.and_then(|n| sources.get(n)) else {
        return d.hint(hint);
    };
    d = d.in_file(shown);
    if let Some(span) = span.filter(|s| s.range.end <= source.len()) {
        d = d.at_offset(source, span.range.start, span.range.len().max(1));
    }
    d.hint(hint)
}

/// A diagnostic from Tera's text report (`--> name:line:col`), when it names one of our
/// templates.
fn reported_error(
    report: &str,
    sources: &HashMap<String, (PathBuf, String)>,
) -> Option<Diagnostic> {
    let at = report.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = at.rsplitn(3, ':');
    let col: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let (shown, source) = sources.get(parts.next()?)?;
    let first = first_line_of(report);
    let message = first.strip_prefix("error: ").unwrap_or(first);
    Some(
        Diagnostic::error(format!("template error: {message}"))
            .in_file(shown)
            .at_line_col(source, line, col, 1)
            .hint("check the template here"),
    )
}

fn first_line_of(s: &str) -> &str {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or(s)
}

/// One file to produce.
enum Job {
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
    /// A directory's front page (`filter: None`) or one of its filter pages.
    Directory {
        d: usize,
        filter: Option<usize>,
    },
    Hsds(usize),
    Csv(usize),
    /// `/sok/`: the search page, with an A-Z list of every page for readers without JavaScript;
    /// on a large site, `Some(i)` is the A-Z list's page for letter `i` (`/sok/b/`).
    Search(Option<usize>),
    NotFound,
    Sitemap,
    Robots,
}

fn job_kind(job: &Job) -> &'static str {
    match job {
        Job::Section { .. } => "section",
        Job::Page(_) => "page",
        Job::TaxonomyList(_) => "taxonomy",
        Job::Term { .. } => "term",
        Job::Feed(_) => "feed",
        Job::Alias { .. } => "alias",
        Job::Directory { .. } => "directory",
        Job::Hsds(_) => "hsds",
        Job::Csv(_) => "csv",
        Job::Search(_) => "search",
        Job::NotFound | Job::Sitemap | Job::Robots => "other",
    }
}

fn pager_count(count: usize, per: usize) -> usize {
    count.div_ceil(per.max(1)).max(1)
}

/// The template a page or section asks for, and whether it exists.
fn check_template(
    theme: &Theme,
    file: Option<&crate::content::source::SourceFile>,
    key: &str,
    name: &str,
) -> Option<Diagnostic> {
    if theme.has(name) {
        return None;
    }
    let mut d = Diagnostic::error(format!("the template `{name}` does not exist"));
    if let Some(f) = file {
        d = d.in_file(&f.rel);
        if let Some((line, col)) = crate::yaml::locate(f.yaml(), &[key]) {
            d = d.at_line_col(&f.text, f.yaml_line + line - 1, col, key.len());
        }
    }
    let mut names: Vec<&String> = theme
        .sources
        .keys()
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    Some(d.hint(format!(
        "add templates/{name} to the site, or use one of: {}",
        names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    )))
}

fn page_template(site: &Site, p: usize) -> &str {
    let page = &site.pages[p];
    let default = if page.service.is_some() {
        "service.html"
    } else {
        "page.html"
    };
    page.meta
        .template
        .as_deref()
        .or(site.sections[page.section].meta.page_template.as_deref())
        .unwrap_or(default)
}

fn section_template(site: &Site, s: usize) -> &str {
    let sec = &site.sections[s];
    let default = if sec.meta.directory {
        "directory.html"
    } else if sec.parent.is_none() {
        "index.html"
    } else {
        "section.html"
    };
    sec.meta.template.as_deref().unwrap_or(default)
}

/// The template a job is rendered with (None for outputs built in Rust): `render_job` renders
/// with it and the incremental fingerprints hash it, so the two cannot disagree.
fn job_template<'s>(site: &'s Site, job: &Job) -> Option<&'s str> {
    Some(match job {
        Job::Page(p) => page_template(site, *p),
        Job::Section { s, .. } => section_template(site, *s),
        Job::Directory { d, .. } => section_template(site, site.directories[*d].section),
        Job::TaxonomyList(_) => "taxonomy_list.html",
        Job::Term { .. } => "taxonomy_term.html",
        Job::Feed(_) => "atom.xml",
        Job::Alias { .. } => "alias.html",
        Job::Search(_) => "search.html",
        Job::NotFound => "404.html",
        Job::Robots => "robots.txt",
        Job::Hsds(_) | Job::Csv(_) | Job::Sitemap => return None,
    })
}

/// Site paths every job will write, for spotting static files that would be overwritten.
fn job_path(site: &Site, job: &Job) -> String {
    let c = &site.config;
    match job {
        Job::Section { s, n } => site.pager_path(&site.sections[*s].path, *n),
        Job::Page(p) => site.pages[*p].path.clone(),
        Job::TaxonomyList(t) => format!("/{}/", c.taxonomies[*t].slug),
        Job::Term { t, term, n } => {
            let base = format!(
                "/{}/{}/",
                c.taxonomies[*t].slug, site.taxonomies[*t].terms[*term].slug
            );
            site.pager_path(&base, *n)
        }
        Job::Feed(s) => format!("{}atom.xml", site.sections[*s].path),
        Job::Alias { path, .. } => path.clone(),
        Job::Directory { d, filter } => {
            let dir = &site.directories[*d];
            match filter {
                Some(f) => dir.filters[*f].path.clone(),
                None => site.sections[dir.section].path.clone(),
            }
        }
        Job::Hsds(d) => site.directories[*d].hsds_path.clone(),
        Job::Csv(d) => site.directories[*d].csv_path.clone(),
        Job::Search(None) => SEARCH_PATH.into(),
        Job::Search(Some(i)) => format!("{SEARCH_PATH}{}/", letter_id(&a_to_z_letters(site)[*i])),
        Job::NotFound => "/404.html".into(),
        Job::Sitemap => "/sitemap.xml".into(),
        Job::Robots => "/robots.txt".into(),
    }
}

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
}

/// The fingerprint of one output's inputs (see `incremental`).
fn job_print(site: &Site, theme: &Theme, prints: &Prints, job: &Job) -> u64 {
    let c = &site.config;
    let mut h = H::new(job_kind(job));
    h.add(&prints.global)
        .add(&theme.template_print(job_template(site, job)));
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
            let per = c.taxonomies[*t].paginate_by.unwrap_or(c.paginate_by);
            let slice = page_of(&tm.pages, *n, per);
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
        Job::Search(letter) => {
            // Only what the A-Z list shows: titles, addresses and sections of its pages.
            let index = a_to_z_index(site);
            h.add(letter).add(&index.letters);
            for (i, p) in site.pages.iter().enumerate() {
                if letter.is_none_or(|l| index.of_page[i] == l) {
                    h.add(&p.meta.title)
                        .add(&p.path)
                        .add(&site.sections[p.section].meta.title)
                        .add(&p.service.is_some());
                }
            }
        }
        Job::NotFound | Job::Robots => {}
    }
    h.done()
}

/// Renders every output of the site into `staging`.
pub fn write_site(
    site: &Site,
    theme: &Theme,
    staging: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    write_site_cached(site, theme, staging, None, site.config.search).map(|w| w.files)
}

/// Site path of the search page.
pub const SEARCH_PATH: &str = "/sok/";

/// Above this many pages the A-Z list gets a page per letter: one list of every page would
/// make the search page itself heavier than the rest of a visit (1.8 MB at 12 000 pages).
const A_TO_Z_INLINE_MAX: usize = 500;

/// Norwegian sort key: Æ, Ø, Å after Z.
fn nb_key(t: &str) -> String {
    t.to_lowercase()
        .chars()
        .map(|ch| match ch {
            'æ' => '{',
            'ø' => '|',
            'å' => '}',
            ch => ch,
        })
        .collect()
}

fn first_letter(title: &str) -> String {
    let first = title
        .chars()
        .next()
        .map(|ch| ch.to_uppercase().collect::<String>())
        .unwrap_or_default();
    if !first.is_empty() && first.chars().all(char::is_alphabetic) {
        first
    } else {
        "#".into()
    }
}

/// URL segment of a letter; Æ, Ø and Å spelt out so they do not collide with A and O.
fn letter_id(letter: &str) -> String {
    match letter {
        "Æ" => "ae".into(),
        "Ø" => "oe".into(),
        "Å" => "aa".into(),
        "#" => "tall".into(),
        l => crate::slug::slugify(l),
    }
}

/// The letters that begin page titles, in Norwegian order, and each page's letter; worked
/// out once per build however many letter pages ask.
fn a_to_z_index(site: &Site) -> &crate::content::AToZ {
    site.a_to_z.get_or_init(|| {
        let firsts: Vec<String> = site
            .pages
            .iter()
            .map(|p| first_letter(&p.meta.title))
            .collect();
        let mut letters = firsts.clone();
        letters.sort_by_key(|l| nb_key(l));
        letters.dedup();
        let of_page = firsts
            .iter()
            .map(|f| letters.iter().position(|l| l == f).unwrap_or(0))
            .collect();
        crate::content::AToZ { letters, of_page }
    })
}

fn a_to_z_letters(site: &Site) -> &[String] {
    &a_to_z_index(site).letters
}

/// The A-Z list on the search page: every page and service by title, grouped by first letter
/// in Norwegian order. On a large site (`A_TO_Z_INLINE_MAX`) the search page gets only the
/// letters, and each letter's page (`only`) its own entries.
fn a_to_z(site: &Site, only: Option<usize>) -> Value {
    let split = site.pages.len() > A_TO_Z_INLINE_MAX;
    let index = a_to_z_index(site);
    let letters = &index.letters;
    let mut entries: Vec<(String, &crate::content::Page)> = site
        .pages
        .iter()
        .enumerate()
        .filter(|(i, _)| !split || Some(index.of_page[*i]) == only)
        .map(|(_, p)| (nb_key(&p.meta.title), p))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let groups: Vec<Value> = letters
        .iter()
        .map(|letter| {
            let list: Vec<Value> = entries
                .iter()
                .filter(|(_, p)| first_letter(&p.meta.title) == *letter)
                .map(|(_, p)| {
                    json!({
                        "title": p.meta.title,
                        "url": site.config.url(&p.path),
                        "section": site.sections[p.section].meta.title,
                        "service": p.service.is_some(),
                    })
                })
                .collect();
            let id = letter_id(letter);
            let url = if split {
                site.config.url(&format!("{SEARCH_PATH}{id}/"))
            } else {
                format!("#bokstav-{id}")
            };
            json!({"letter": letter, "id": id, "url": url, "entries": list})
        })
        .collect();
    Value::Array(groups)
}

/// Renders the site, skipping outputs whose inputs are unchanged since the render `cache`
/// remembers (the preview's incremental rebuild). Without a cache, everything is rendered.
pub fn write_site_cached(
    site: &Site,
    theme: &Theme,
    staging: &dyn Sink,
    cache: Option<&mut RenderCache>,
    index_search: bool,
) -> Result<Written, Vec<Diagnostic>> {
    let mut t = crate::timing::Timer::new();
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
        diags.extend(check_template(theme, file, key, page_template(site, p)));
    }
    for (s, sec) in site.sections.iter().enumerate() {
        diags.extend(check_template(
            theme,
            sec.file.as_deref(),
            "template",
            section_template(site, s),
        ));
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
    if !diags.is_empty() {
        return Err(diags);
    }

    let c = &site.config;
    let mut jobs = vec![];
    for (d, dir) in site.directories.iter().enumerate() {
        jobs.push(Job::Directory { d, filter: None });
        jobs.extend((0..dir.filters.len()).map(|f| Job::Directory { d, filter: Some(f) }));
        jobs.extend([Job::Hsds(d), Job::Csv(d)]);
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
        let per = c.taxonomies[t].paginate_by.unwrap_or(c.paginate_by);
        for (term, tm) in tax.terms.iter().enumerate() {
            for n in 1..=pager_count(tm.pages.len(), per) {
                jobs.push(Job::Term { t, term, n });
            }
        }
    }
    jobs.extend([Job::NotFound, Job::Sitemap, Job::Robots]);
    if c.search {
        jobs.push(Job::Search(None));
        if site.pages.len() > A_TO_Z_INLINE_MAX {
            jobs.extend((0..a_to_z_letters(site).len()).map(|i| Job::Search(Some(i))));
        }
    }

    // Generated paths win over nothing: a clash with a static file is the editor's to settle.
    let paths: Vec<String> = jobs.par_iter().map(|j| job_path(site, j)).collect();
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
    if !diags.is_empty() {
        return Err(diags);
    }

    t.lap("  render: templates, jobs");
    let build_time = chrono::Utc::now().to_rfc3339();
    let site_value = tv(&context::site(site, &build_time));
    let mut prints = cache.as_ref().map(|_| Prints::new(site, theme.fingerprint));
    let old = cache.as_deref();
    // Each summary also as a template value, made here once and kept by the preview's
    // cache with the summary, so a template edit does not convert 10 000 of them again.
    let summarised: Vec<(Option<Arc<Value>>, u64, tera::Value)> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            if let (Some(c), Some(pr)) = (old, &prints) {
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
            (prints.is_some().then(|| Arc::new(v)), h, l)
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
    t.lap("  render: fingerprints");
    // Service summaries, built once and shared by every directory page that lists them.
    let mut services: Vec<Value> = vec![Value::Null; site.pages.len()];
    for dir in &site.directories {
        let made: Vec<(usize, Value)> = dir
            .services
            .par_iter()
            .map(|&p| (p, directory::service_summary(site, dir, p)))
            .collect();
        for (p, v) in made {
            services[p] = v;
        }
    }
    // Each service's card is rendered once (`service_card.html`) and reused by every
    // directory page that lists it, instead of once per listing.
    let cards: Vec<(usize, Result<String, Diagnostic>)> = site
        .directories
        .iter()
        .flat_map(|d| d.services.iter().copied())
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&p| {
            let mut ctx = Context::new();
            ctx.insert("s", &services[p]);
            (p, theme.render(SERVICE_CARD, &ctx, "a service card"))
        })
        .collect();
    for (p, card) in cards {
        match card {
            Ok(html) => {
                if let Value::Object(m) = &mut services[p] {
                    m.insert("card".into(), Value::String(html));
                }
            }
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // Each section's template data, built once and shared by its pages and listings.
    let sections: Vec<tera::Value> = (0..site.sections.len())
        .into_par_iter()
        .map(|s| tv(&context::section(site, s)))
        .collect();

    t.lap("  render: services, sections");
    // Per kind of output: how many and how long (CPU time summed over threads).
    let timings = std::env::var_os("VARDE_TIMINGS").is_some();
    let to_render = skip.iter().filter(|s| !**s).count();
    let progress = progress_bar(
        to_render,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    let docs: std::sync::Mutex<Vec<Doc>> = Default::default();
    let per_kind: std::sync::Mutex<HashMap<&'static str, (usize, std::time::Duration)>> =
        Default::default();
    // Once the disk has failed (full, read-only), the other jobs stop writing: one clear
    // message instead of one per file.
    let disk_failed = std::sync::atomic::AtomicBool::new(false);
    let io_error = |what: String| {
        disk_failed.store(true, std::sync::atomic::Ordering::Relaxed);
        Diagnostic::io_error(what)
    };
    let results: Vec<Result<(), Diagnostic>> = jobs
        .par_iter()
        .zip(&paths)
        .zip(&skip)
        .filter(|(_, skip)| !**skip)
        .map(|((job, path), _)| {
            if disk_failed.load(std::sync::atomic::Ordering::Relaxed) {
                return Ok(());
            }
            let path = path.clone();
            let data = Shared {
                site_value: &site_value,
                listed: &listed,
                services: &services,
                sections: &sections,
            };
            let started = std::time::Instant::now();
            let bytes = render_job(site, theme, job, &path, &data)?;
            if let Some(p) = &progress {
                p.inc(1);
            }
            if index_search && matches!(job, Job::Page(_)) {
                if let Ok(mut d) = docs.lock() {
                    // A site path: Pagefind's runtime puts its own base (where pagefind.js
                    // lives) in front, so the base path must not be added twice.
                    d.push(Doc {
                        url: path.clone(),
                        html: index_doc::indexable(&String::from_utf8_lossy(&bytes)),
                    });
                }
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
    let statics: Vec<Result<(), Diagnostic>> = theme
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
        .collect();
    if let Ok(t) = per_kind.lock() {
        let mut rows: Vec<_> = t.iter().collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.1 .1));
        for (kind, (n, d)) in rows {
            eprintln!(
                "timing:   render {kind:<12} {n:>6} files {:>8.1} ms cpu",
                d.as_secs_f64() * 1000.0
            );
        }
    }
    t.lap("  render: render and write");
    if let Some(p) = progress {
        p.finish_and_clear();
    }
    let written = results.len() + statics.len();
    let rendered = results.len();
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
        site_value,
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
    let to_index = index_search.then(|| docs.into_inner().unwrap_or_default());
    if let (Some(c), Some(pr), Some(shared)) = (cache, &prints, shared) {
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
    let mut all_paths = paths;
    all_paths.extend(theme.statics.iter().map(|f| f.path.clone()));
    all_paths.extend(copies.iter().map(|(_, p)| p.clone()));
    Ok(Written {
        files: written,
        paths: all_paths,
        to_index,
    })
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
    let c = &site.config;
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
            let per = c.taxonomies[t].paginate_by.unwrap_or(c.paginate_by);
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
        site_value: &shared.site_value,
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

/// `sitemap.xml`, written directly: it is a fixed format with one entry per page, where a
/// template loop would cost more than everything else the sitemap needs.
fn sitemap(site: &Site) -> String {
    use std::fmt::Write as _;
    let c = &site.config;
    let mut out = String::with_capacity(120 * (site.pages.len() + site.sections.len()) + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    let mut entry = |path: &str, lastmod: Option<String>| {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            crate::html::escape(&c.permalink(path))
        );
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        out.push_str("</url>\n");
    };
    for sec in &site.sections {
        entry(&sec.path, None);
    }
    for page in &site.pages {
        entry(
            &page.path,
            page.meta
                .updated
                .or(page.meta.date)
                .map(|d| d.day.to_string()),
        );
    }
    for (t, tax) in c.taxonomies.iter().enumerate() {
        if site.taxonomies[t].terms.is_empty() {
            continue;
        }
        entry(&format!("/{}/", tax.slug), None);
        for term in &site.taxonomies[t].terms {
            entry(&format!("/{}/{}/", tax.slug, term.slug), None);
        }
    }
    out.push_str("</urlset>\n");
    out
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

fn base_context(site_value: &tera::Value, site: &Site, path: &str, lang: &str) -> Vars {
    let mut ctx = Vars::default();
    ctx.put("site", site_value.clone());
    ctx.put("current_path", path);
    ctx.put("current_url", site.config.url(path));
    ctx.put("lang", lang);
    ctx
}

/// Data built once per build and shared by every job.
struct Shared<'a> {
    site_value: &'a tera::Value,
    /// The same summaries as template values, for listings.
    listed: &'a [tera::Value],
    /// Service summaries, by page index (`Null` for pages that are not services).
    services: &'a [Value],
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
        first.message.push_str(&format!(
            " (and {more} more file{} in flight at the time)",
            if more == 1 { "" } else { "s" }
        ));
    }
    Some(first.hint(
        "free some space on that disk, or build into another folder with --out; the previous output is unchanged",
    ))
}

fn render_job(
    site: &Site,
    theme: &Theme,
    job: &Job,
    path: &str,
    data: &Shared<'_>,
) -> Result<Vec<u8>, Diagnostic> {
    let c = &site.config;
    let site_value = data.site_value;
    // The same name the incremental fingerprints take (`job_template`); "" only for the
    // outputs built in Rust, which never render a template.
    let template = job_template(site, job).unwrap_or_default();
    match job {
        Job::Directory { d, filter } => {
            let dir = &site.directories[*d];
            let sec = &site.sections[dir.section];
            let lang = sec.meta.lang.as_deref().unwrap_or(&c.language);
            let mut ctx = base_context(site_value, site, path, lang);
            let f = filter.map(|f| &dir.filters[f]);
            ctx.put("section", data.sections[dir.section].clone());
            ctx.set(
                "directory",
                directory::directory_context(site, dir, f, data.services),
            );
            let what = sec.file.as_ref().map_or_else(
                || format!("the directory {}", sec.path),
                |f| f.rel.display().to_string(),
            );
            theme.render_vars(template, ctx, &what)
        }
        Job::Hsds(d) => {
            let dir = &site.directories[*d];
            let list: Vec<Value> = dir
                .services
                .iter()
                .filter_map(|&p| {
                    let page = &site.pages[p];
                    let s = page.service.as_ref()?;
                    Some(crate::directory::export::hsds(
                        c,
                        s,
                        &page.meta.title,
                        &page.path,
                        page.meta.description.as_deref().unwrap_or(""),
                    ))
                })
                .collect();
            serde_json::to_vec_pretty(&list)
                .map_err(|e| Diagnostic::error(format!("cannot write {path}: {e}")))
        }
        Job::Csv(d) => {
            let dir = &site.directories[*d];
            // A BOM so spreadsheet programs read the file as UTF-8.
            let mut out = String::from("\u{feff}");
            out.push_str(&crate::directory::export::CSV_HEADER.join(","));
            out.push_str("\r\n");
            for &p in &dir.services {
                let page = &site.pages[p];
                if let Some(s) = &page.service {
                    out.push_str(&crate::directory::export::csv_row(
                        c,
                        s,
                        &page.meta.title,
                        &page.path,
                    ));
                    out.push_str("\r\n");
                }
            }
            Ok(out.into_bytes())
        }
        Job::Page(p) => {
            let page = &site.pages[*p];
            let lang = page.meta.lang.as_deref().unwrap_or(&c.language);
            let mut ctx = base_context(site_value, site, path, lang);
            ctx.put("page", context::page_full(site, page, &data.listed[*p]));
            ctx.put("section", data.sections[page.section].clone());
            if page.service.is_some() {
                if let Some(dir) = site.directories.iter().find(|d| d.section == page.section) {
                    ctx.set("service", directory::service_full(site, dir, *p));
                }
            }
            theme.render_vars(template, ctx, &page.file.rel.display().to_string())
        }
        Job::Section { s, n } => {
            let sec = &site.sections[*s];
            let per = site.paginate_by(*s);
            let lang = sec.meta.lang.as_deref().unwrap_or(&c.language);
            let mut ctx = base_context(site_value, site, path, lang);
            let slice = pager_slice(&sec.pages, *n, per, data.listed);
            ctx.put("section", data.sections[*s].clone());
            ctx.put("pages", slice);
            ctx.set(
                "paginator",
                context::paginator(
                    site,
                    &sec.path,
                    *n,
                    pager_count(sec.pages.len(), per),
                    sec.pages.len(),
                    per,
                ),
            );
            let what = sec.file.as_ref().map_or_else(
                || format!("the section {}", sec.path),
                |f| f.rel.display().to_string(),
            );
            theme.render_vars(template, ctx, &what)
        }
        Job::Feed(s) => {
            let sec = &site.sections[*s];
            let mut dated: Vec<usize> = sec.pages.clone();
            dated.sort_by(|&a, &b| site.pages[b].meta.date.cmp(&site.pages[a].meta.date));
            dated.truncate(c.feed_limit);
            let entries: Vec<Value> = dated
                .iter()
                .map(|&p| {
                    let page = &site.pages[p];
                    let when = page.meta.updated.or(page.meta.date);
                    json!({
                        "title": page.meta.title,
                        "permalink": c.permalink(&page.path),
                        "summary": context::description(page),
                        "content": page.content.html,
                        "published": page.meta.date.map(|d| d.rfc3339()),
                        "updated": when.map(|d| d.rfc3339()),
                    })
                })
                .collect();
            let updated = dated
                .iter()
                .filter_map(|&p| site.pages[p].meta.updated.or(site.pages[p].meta.date))
                .max()
                .map(|d| d.rfc3339());
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.put("section", data.sections[*s].clone());
            ctx.set("entries", entries);
            ctx.put("feed_permalink", c.permalink(path));
            ctx.put("updated", updated);
            theme.render_vars(template, ctx, &format!("the feed {path}"))
        }
        Job::TaxonomyList(t) => {
            let tax = &c.taxonomies[*t];
            let terms: Vec<Value> = site.taxonomies[*t]
                .terms
                .iter()
                .map(|term| {
                    json!({"name": term.name, "slug": term.slug, "count": term.pages.len(),
                           "url": c.url(&format!("/{}/{}/", tax.slug, term.slug))})
                })
                .collect();
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.set(
                "taxonomy",
                json!({"name": tax.name, "title": tax.title, "url": c.url(path)}),
            );
            ctx.set("terms", terms);
            theme.render_vars(template, ctx, &format!("the list {path}"))
        }
        Job::Term { t, term, n } => {
            let tax = &c.taxonomies[*t];
            let tm = &site.taxonomies[*t].terms[*term];
            let per = tax.paginate_by.unwrap_or(c.paginate_by);
            let base = format!("/{}/{}/", tax.slug, tm.slug);
            let slice = pager_slice(&tm.pages, *n, per, data.listed);
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.set("taxonomy", json!({"name": tax.name, "title": tax.title, "url": c.url(&format!("/{}/", tax.slug))}));
            ctx.set("term", json!({"name": tm.name, "slug": tm.slug, "count": tm.pages.len(), "url": c.url(&base)}));
            ctx.put("pages", slice);
            ctx.set(
                "paginator",
                context::paginator(
                    site,
                    &base,
                    *n,
                    pager_count(tm.pages.len(), per),
                    tm.pages.len(),
                    per,
                ),
            );
            theme.render_vars(template, ctx, &format!("the list {path}"))
        }
        Job::Alias { p, .. } => {
            let page = &site.pages[*p];
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.put("target_url", c.url(&page.path));
            ctx.put("target_permalink", c.permalink(&page.path));
            ctx.put("title", page.meta.title.as_str());
            theme.render_vars(template, ctx, &format!("the alias {path}"))
        }
        Job::NotFound => {
            let ctx = base_context(site_value, site, path, &c.language);
            theme.render_vars(template, ctx, "404.html")
        }
        Job::Robots => {
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.put("sitemap_permalink", c.permalink("/sitemap.xml"));
            theme.render_vars(template, ctx, "robots.txt")
        }
        Job::Sitemap => Ok(sitemap(site).into_bytes()),
        Job::Search(letter) => {
            let mut ctx = base_context(site_value, site, path, &c.language);
            ctx.set("a_to_z", a_to_z(site, *letter));
            ctx.put("a_to_z_split", site.pages.len() > A_TO_Z_INLINE_MAX);
            ctx.put("letter", letter.map(|i| a_to_z_letters(site)[i].clone()));
            ctx.put("bundle_url", c.url(crate::content::SEARCH_BUNDLE));
            theme.render_vars(template, ctx, "the search page")
        }
    }
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

    #[test]
    fn norwegian_letters_sort_after_z_and_do_not_collide() {
        let mut letters = vec!["Å", "B", "Ø", "A", "Æ", "Z"];
        letters.sort_by_key(|l| nb_key(l));
        assert_eq!(letters, ["A", "B", "Z", "Æ", "Ø", "Å"]);
        assert_ne!(letter_id("Ø"), letter_id("O"));
        assert_ne!(letter_id("Å"), letter_id("A"));
        assert_eq!(first_letter("1000 dager"), "#");
        assert_eq!(first_letter("ørn"), "Ø");
    }
}
