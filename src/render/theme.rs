//! The theme: templates and static files from the theme folder (or the copy built into the
//! binary), overridden by the site's own `templates/` and `static/`, compiled once; and
//! template errors turned into diagnostics that point at the template's line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use tera::{Context, Kwargs, State, Tera};

use super::incremental::H;
use super::Vars;
use crate::diagnostics::Diagnostic;

/// The default theme, built into the binary so `varde build` works on a folder that holds
/// only `content/` (a benchmark corpus, a site moved over from Hugo or Zola).
static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub(super) enum Bytes {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

pub(super) struct StaticFile {
    /// Site path (`/css/varde.css`).
    pub(super) path: String,
    pub(super) bytes: Bytes,
}

/// Compiled templates and the static files that go with them.
pub struct Theme {
    pub(super) tera: Tera,
    /// Template name -> (path shown in diagnostics, source), for pointing at lines.
    pub(super) sources: HashMap<String, (PathBuf, String)>,
    pub(super) statics: Vec<StaticFile>,
    /// For incremental rebuilds: a hash of the static file paths and of the templates every
    /// output may show (`RENDERED_INSIDE_OTHERS`, and the templates that define components).
    pub(super) fingerprint: u64,
    /// Template name -> hash of its source and of every template it uses, directly or not
    /// (see `Theme::template_print`).
    pub(super) prints: HashMap<String, u64>,
    /// What `get_service(path=...)` finds: each service by its path under content/, set by
    /// `shortcodes::expand` before the shortcodes that use it render.
    pub(super) services: ServiceLookup,
}

/// A service's path under content/ (`tjenester/oslohjelpa`) -> its template data.
pub(super) type ServiceLookup = std::sync::Arc<std::sync::RwLock<HashMap<String, tera::Value>>>;

/// Templates the render stage renders inside other outputs (a directory page shows every
/// service's card), so an edit to one must re-render everything.
pub(super) const RENDERED_INSIDE_OTHERS: &[&str] = &[SERVICE_CARD];
pub(super) const SERVICE_CARD: &str = "service_card.html";

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
    /// `data` is the site's `data/` (`content::data`), for the `load_data` function.
    pub fn load(
        root: &Path,
        config: &crate::config::Config,
        data: &serde_json::Value,
    ) -> Result<Theme, Vec<Diagnostic>> {
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
        if config.cms.is_some() {
            statics.insert(
                super::cms::SCRIPT_PATH.into(),
                Bytes::Embedded(super::cms::SCRIPT),
            );
        }
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
        let data = std::sync::Arc::new(data.clone());
        tera.register_function(
            "load_data",
            move |args: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let path: &str = args.get("path")?.ok_or_else(|| {
                    tera::Error::message(
                        "load_data needs `path`, e.g. load_data(path=\"kontakt/kontor.yaml\")",
                    )
                })?;
                let wanted = path.trim_start_matches("data/");
                let stem = wanted.rsplit_once('.').map_or(wanted, |(s, _)| s);
                let found = stem
                    .split('/')
                    .try_fold(data.as_ref(), |v, key| v.get(key))
                    .ok_or_else(|| {
                        tera::Error::message(format!(
                            "load_data: there is no data/{wanted}; data files are .yaml, .json, .toml or .csv under data/"
                        ))
                    })?;
                Ok(super::tv(found))
            },
        );
        let services = ServiceLookup::default();
        let lookup = services.clone();
        tera.register_function(
            "get_service",
            move |args: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let path: &str = args.get("path")?.ok_or_else(|| {
                    tera::Error::message(
                        "get_service needs `path`, e.g. get_service(path=\"tjenester/oslohjelpa\")",
                    )
                })?;
                let key = super::shortcodes::service_key(path);
                let found = lookup.read().ok().and_then(|m| m.get(&key).cloned());
                found.ok_or_else(|| {
                    tera::Error::message(format!(
                        "there is no service `{path}`: give the path of its file under content/, such as `tjenester/oslohjelpa`"
                    ))
                })
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
        let (prints, fingerprint) = prints(&templates, &statics);
        Ok(Theme {
            tera,
            sources: templates,
            statics,
            fingerprint,
            prints,
            services,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// What an output rendered with template `name` depends on beyond `fingerprint`.
    pub(super) fn template_print(&self, name: Option<&str>) -> u64 {
        name.and_then(|n| self.prints.get(n)).copied().unwrap_or(0)
    }

    /// An output file's bytes. Rendered into bytes, not a `String`: the bytes go to a file
    /// as they are, and checking them for UTF-8 again was 2 % of a build's instructions.
    pub(super) fn render_vars(
        &self,
        name: &str,
        vars: Vars,
        what: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(name, &vars.0, &mut out)
            .map_err(|e| template_error(&e, &self.sources, Some(what)))?;
        Ok(out)
    }

    pub(super) fn render(
        &self,
        name: &str,
        ctx: &Context,
        what: &str,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| template_error(&e, &self.sources, Some(what)))
    }
}

/// Each template's print (see `Theme::prints`), and the theme's fingerprint: the prints of
/// the templates every output may show, and the static files' paths.
fn prints(
    templates: &HashMap<String, (PathBuf, String)>,
    statics: &[StaticFile],
) -> (HashMap<String, u64>, u64) {
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
                        && (src.contains(&format!("\"{m}\"")) || src.contains(&format!("'{m}'")))
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
        RENDERED_INSIDE_OTHERS.contains(&n.as_str()) || templates[**n].1.contains("endcomponent")
    }) {
        h.add(n).add(&prints.get(n));
    }
    for f in statics {
        h.add(&f.path);
    }
    (prints, h.done())
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
pub(super) fn template_error(
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

/// The template a page or section asks for, and whether it exists.
pub(super) fn check_template(
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
        if let Some((line, col)) = f.locate(&[key]) {
            d = d.at_line_col(&f.text, line, col, key.len());
        }
    }
    let mut names: Vec<&String> = theme
        .sources
        .keys()
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    Some(d.hint(format!(
        "add templates/{name} to the site (a template of a site moved over from Hugo or Zola goes there too), or use one of: {}",
        names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
    )))
}
