//! Front matter of pages and sections: from the YAML map to typed fields, with every
//! problem reported against the line of its key.

use std::collections::BTreeMap;

use serde_json::Value;

use super::source::SourceFile;
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Severity};
use crate::directory::{self, Service};
use crate::fields::{Fields, Located};
use crate::slug;
use crate::yaml;

#[derive(Debug, Clone, Default)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    /// Left out of the site until then (`publish_date`, Hugo's `publishDate`).
    pub publish_date: Option<Date>,
    /// Left out of the site from then on (`expiry_date`, Hugo's `expiryDate`).
    pub expiry_date: Option<Date>,
    pub draft: bool,
    pub slug: Option<String>,
    /// The page's whole site path (`url: /om/kontakt/`, as in Hugo), instead of its
    /// section's path and its slug.
    pub url: Option<String>,
    pub weight: i64,
    /// Terms per taxonomy name (`tags` -> [...]), for the taxonomies `site.yaml` declares.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// Language of this page when it differs from the site's (`lang: no` stays "no").
    pub lang: Option<String>,
    pub extra: Value,
    /// The title is the body's first `# heading` (there is no `title:`), so that heading
    /// is not shown again.
    pub title_from_heading: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Lowest weight first, then title.
    Weight,
    /// Newest first.
    Date,
    Title,
}

#[derive(Debug, Clone)]
pub struct SectionMeta {
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    /// Write an Atom feed of this section's pages.
    pub feed: bool,
    /// This section is a service directory: its pages are service entries.
    pub directory: bool,
    pub lang: Option<String>,
    pub extra: Value,
    /// As for pages: the title is the body's first `# heading`.
    pub title_from_heading: bool,
}

/// Other generators' names for fields varde has: (ours, theirs). Read as ours, without a
/// warning, so a site moved over keeps its front matter.
const PEER_NAMES: &[(&str, &str)] = &[
    ("publish_date", "publishDate"),
    ("publish_date", "publishdate"),
    ("expiry_date", "expiryDate"),
    ("expiry_date", "expirydate"),
    ("updated", "lastmod"),
    ("description", "summary"),
    ("aliases", "redirect_from"),
];

pub const PAGE_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "publish_date",
    "expiry_date",
    // Jekyll: `published: false` keeps a page out, as `draft: true` does.
    "published",
    "draft",
    "slug",
    "url",
    "weight",
    "aliases",
    "template",
    "lang",
    "extra",
];

pub const SECTION_FIELDS: &[&str] = &[
    "title",
    "description",
    "weight",
    "sort_by",
    "paginate_by",
    "template",
    "page_template",
    "feed",
    "directory",
    "lang",
    "extra",
];

/// Parses the YAML of a file into a map, or reports why it is not one.
fn yaml_map(file: &SourceFile) -> Result<serde_json::Map<String, Value>, Diagnostic> {
    if !file.has_front_matter() {
        return Ok(Default::default());
    }
    match yaml::parse(file.yaml()) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(Value::Null) => Ok(Default::default()),
        Ok(other) => {
            let what = match other {
                Value::Array(_) => "a list",
                _ => "a single value",
            };
            Err(Diagnostic::error(format!(
                "the front matter is {what}; it must be a map of fields"
            ))
            .in_file(&file.rel)
            .at_line_col(&file.text, file.yaml_line, 1, 1)
            .hint("write one field per line, such as `title: Om kurset` (no `- ` in front)"))
        }
        Err(e) => Err(Diagnostic::error(format!(
            "invalid YAML: {}",
            e.message_in_file(file.yaml_line)
        ))
            .in_file(&file.rel)
            .at_line_col(
                &file.text,
                file.yaml_line + e.line.max(1) - 1,
                e.column.max(1),
                1,
            )
            .hint(e.hint.unwrap_or("check the indentation, and put text that contains `: ` or starts with `[`, `{`, `*` or `&` in quotes"))),
    }
}

fn located(file: &SourceFile) -> Located<'_> {
    Located {
        file: &file.rel,
        text: &file.text,
        yaml: file.yaml(),
        first_line: file.yaml_line,
    }
}

fn check_template(f: &mut Fields<'_>, key: &str) -> Option<String> {
    let t = f.take_str(key)?;
    if t.contains("..") || t.starts_with('/') || t.contains('\\') {
        f.error(key, format!("`{t}` is not a template name")).hint =
            Some("name a file in the theme's templates/ folder, e.g. `page.html`".into());
        return None;
    }
    Some(t)
}

/// The front matter of a page. `None` when it cannot be used at all (no title, or not a
/// map). In a directory section (`service` is today's date) the service fields are read too.
pub fn page(
    file: &SourceFile,
    config: &Config,
    service: Option<Date>,
) -> (Option<PageMeta>, Option<Service>, Vec<Diagnostic>) {
    let map = match yaml_map(file) {
        Ok(m) => m,
        Err(d) => return (None, None, vec![d]),
    };
    let at = located(file);
    let mut f = Fields::new(map, &at);
    for (ours, theirs) in PEER_NAMES {
        // A service's own `summary` is not Hugo's.
        if service.is_none() || *theirs != "summary" {
            f.alias(ours, theirs);
        }
    }
    let (title, from_heading) = title(
        &mut f,
        file,
        "every page needs a title: add `title: ...` to its front matter, or start the text with a `# heading`",
    );
    let mut meta = PageMeta {
        title: title.clone().unwrap_or_default(),
        description: f.take_str("description"),
        date: f.take_date_in("date", config.timezone),
        updated: f.take_date_in("updated", config.timezone),
        publish_date: f.take_date_in("publish_date", config.timezone),
        expiry_date: f.take_date_in("expiry_date", config.timezone),
        draft: f.take_bool("draft").unwrap_or(false) | !f.take_bool("published").unwrap_or(true),
        weight: f.take_int("weight").unwrap_or(0),
        lang: f.take_str("lang"),
        extra: f
            .take("extra")
            .unwrap_or_else(|| Value::Object(Default::default())),
        title_from_heading: from_heading,
        ..Default::default()
    };
    if let Some(u) = f.take_str("url") {
        match slug::check_path(&u) {
            Ok(path) => meta.url = Some(path),
            Err(why) => {
                f.error("url", format!("`{u}` is not a usable site path: {why}"))
                    .hint = Some("write the page's whole path, e.g. `url: /om/kontakt/`".into())
            }
        }
    }
    if let Some(s) = f.take_str("slug") {
        let hint = match slug::slugify(&s) {
            _ if s.trim_matches('/').contains('/') && slug::check_path(&s).is_ok() => format!(
                "a slug is the last part of the URL only; for the whole path write `url: /{}/`",
                s.trim_matches('/')
            ),
            t if t.is_empty() => "a slug uses only a-z, 0-9 and `-`".to_string(),
            t => format!("a slug uses only a-z, 0-9 and `-`: try `slug: {t}`"),
        };
        match slug::check_segment(&s) {
            Ok(()) if slug::is_valid_slug(&s) => meta.slug = Some(s),
            Ok(()) => f.error("slug", format!("`{s}` is not a valid slug")).hint = Some(hint),
            Err(why) => {
                f.error("slug", format!("`{s}` is not a valid slug: {why}"))
                    .hint = Some(hint)
            }
        }
    }
    for (i, alias) in f.take_str_list("aliases").into_iter().enumerate() {
        match slug::check_path(&alias) {
            Ok(a) => meta.aliases.push(a),
            Err(why) => {
                f.error_in(
                    "aliases",
                    &[&i.to_string()],
                    format!("`{alias}` is not a usable alias path: {why}"),
                )
                .hint = Some("write an old site path such as `/gammel/adresse/`".into());
            }
        }
    }
    meta.template = check_template(&mut f, "template");
    if !meta.extra.is_object() {
        f.error("extra", "`extra` must be a map of keys");
        meta.extra = Value::Object(Default::default());
    }
    let mut known: Vec<&str> = PAGE_FIELDS.to_vec();
    for t in &config.taxonomies {
        let terms = f.take_str_list(&t.name);
        let terms: Vec<String> = terms.into_iter().filter(|t| !t.trim().is_empty()).collect();
        if terms.iter().any(|t| slug::slugify(t).is_empty()) {
            f.error(
                &t.name,
                format!("a term in `{}` has no letters or digits", t.name),
            );
        }
        meta.taxonomies.insert(t.name.clone(), terms);
        known.push(&t.name);
    }
    let svc = service.and_then(|today| {
        known.extend_from_slice(directory::SERVICE_FIELDS);
        directory::parse(&mut f, config, today)
    });
    let diags = f.finish(&known, Severity::Warning);
    (title.map(|_| meta), svc, diags)
}

/// The title: `title:` in the front matter, or else the body's first `# heading` (as mdBook
/// and Jekyll's titles-from-headings take it; `true` then). Neither is an error.
fn title(f: &mut Fields<'_>, file: &SourceFile, hint: &str) -> (Option<String>, bool) {
    if !f.has("title") {
        if let Some(t) = super::markdown::first_heading(file.body()) {
            return (Some(t), true);
        }
    }
    (f.require_str("title", hint), false)
}

/// What a section folder without `_index.md` gets.
pub fn section_defaults(title: &str) -> SectionMeta {
    SectionMeta {
        title: title.to_string(),
        description: None,
        weight: 0,
        sort_by: SortBy::Weight,
        paginate_by: None,
        template: None,
        page_template: None,
        feed: false,
        directory: false,
        lang: None,
        extra: Value::Object(Default::default()),
        title_from_heading: false,
    }
}

/// The front matter of a section's `_index.md`.
pub fn section(file: &SourceFile, default_title: &str) -> (SectionMeta, Vec<Diagnostic>) {
    let mut meta = section_defaults(default_title);
    let map = match yaml_map(file) {
        Ok(m) => m,
        Err(d) => return (meta, vec![d]),
    };
    let at = located(file);
    let mut f = Fields::new(map, &at);
    if let (Some(t), from_heading) = title(
        &mut f,
        file,
        "a section needs a title: add `title: ...` to its _index.md, or start the text with a `# heading`",
    ) {
        meta.title = t;
        meta.title_from_heading = from_heading;
    }
    meta.description = f.take_str("description");
    meta.weight = f.take_int("weight").unwrap_or(0);
    if let Some(s) = f.take_str("sort_by") {
        meta.sort_by = match s.as_str() {
            "weight" => SortBy::Weight,
            "date" => SortBy::Date,
            "title" => SortBy::Title,
            other => {
                f.error("sort_by", format!("`{other}` is not a sort order"))
                    .hint = Some("use `weight`, `date` (newest first) or `title`".into());
                SortBy::Weight
            }
        };
    }
    meta.paginate_by = f.take_count("paginate_by");
    meta.template = check_template(&mut f, "template");
    meta.page_template = check_template(&mut f, "page_template");
    meta.feed = f.take_bool("feed").unwrap_or(false);
    meta.directory = f.take_bool("directory").unwrap_or(false);
    meta.lang = f.take_str("lang");
    meta.extra = f.take("extra").unwrap_or(meta.extra);
    let diags = f.finish(SECTION_FIELDS, Severity::Warning);
    (meta, diags)
}
