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
    /// Jekyll's and Hugo's `layout: post`, as a template name (`post.html`): used when the
    /// theme has it; otherwise the page keeps its usual template, with one warning.
    pub layout: Option<String>,
    /// `keywords:` (Hugo): shown to templates and in `<meta name="keywords">`.
    pub keywords: Vec<String>,
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
    /// As for pages: `layout: home` is `home.html` when the theme has it.
    pub layout: Option<String>,
    /// Old site paths that redirect to this section.
    pub aliases: Vec<String>,
    pub keywords: Vec<String>,
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
    ("updated", "last_modified_at"),
    ("description", "summary"),
    ("description", "excerpt"),
    ("aliases", "redirect_from"),
    // Zola's `path`, Jekyll's `permalink` (without `:placeholders`).
    ("url", "path"),
    ("url", "permalink"),
    // just-the-docs (Jekyll).
    ("weight", "nav_order"),
    // Hugo's own fields for templates.
    ("extra", "params"),
];

/// The same for sections (Zola's `generate_feeds`, before 0.19 `generate_feed`).
const SECTION_PEER_NAMES: &[(&str, &str)] = &[
    ("feed", "generate_feeds"),
    ("feed", "generate_feed"),
    ("description", "summary"),
    ("extra", "params"),
    ("aliases", "redirect_from"),
];

/// On a section, what only a page has in varde (a section is in no taxonomy's lists).
const SECTION_IGNORED: &[(&str, &str)] = &[
    (
        "categories",
        "a section is not listed under a taxonomy: give the terms to its pages",
    ),
    (
        "tags",
        "a section is not listed under a taxonomy: give the terms to its pages",
    ),
];

/// Other generators' front-matter fields varde has no use for, with what to do instead.
/// Each is one warning for the whole site, however many pages carry it.
const PEER_IGNORED: &[(&str, &str)] = &[
    (
        "author",
        "keep it under `extra:` (`extra: {author: ...}`) if a template should show it",
    ),
    (
        "authors",
        "keep it under `extra:` (`extra: {authors: [...]}`) if a template should show it",
    ),
    (
        "toc",
        "remove it: the theme decides whether a page shows its headings",
    ),
    ("menu", "menus are set once, in site.yaml under `menu:`"),
    ("menus", "menus are set once, in site.yaml under `menu:`"),
    (
        "type",
        "choose the template with `template:` (a file in templates/)",
    ),
    (
        "linkTitle",
        "remove it: varde uses `title` in menus and lists",
    ),
    (
        "images",
        "put the image in the text (`![what it shows](bilde.jpg)`) or under `extra:`",
    ),
    (
        "image",
        "put the image in the text (`![what it shows](bilde.jpg)`) or under `extra:`",
    ),
    (
        "comments",
        "remove it: varde pages have no comments (no third-party requests)",
    ),
    (
        "share",
        "remove it: varde pages have no share buttons (no third-party requests)",
    ),
    (
        "outputs",
        "remove it: varde writes HTML, feeds per section and the directory's exports",
    ),
    ("build", "use `draft: true` to keep a page out"),
    ("_build", "use `draft: true` to keep a page out"),
    (
        "cascade",
        "set shared values in the section's template or under `extra:`",
    ),
    ("headless", "use `draft: true` to keep a page out"),
    (
        "sitemap",
        "remove it: every published page is in the sitemap",
    ),
    (
        "translationKey",
        "remove it: a translation is the same file name with the language's code (side.en.md beside side.md)",
    ),
    (
        "isCJKLanguage",
        "remove it: set the page's language with `lang:`",
    ),
    ("markup", "remove it: every page is Markdown (CommonMark)"),
    (
        "resources",
        "files beside the page in its folder are published with it",
    ),
    (
        "in_search_index",
        "remove it: every published page is in the search",
    ),
    ("render", "use `draft: true` to keep a page out"),
    (
        "insert_anchor_links",
        "remove it: the theme decides how headings link",
    ),
    (
        "excerpt_separator",
        "remove it: the summary is the first paragraph, or `description:`",
    ),
    ("hidden", "use `draft: true` to keep a page out"),
    ("parent", "place the page in its section's folder"),
    ("has_children", "remove it: sections are folders"),
    (
        "nav_exclude",
        "remove it: menus are set in site.yaml under `menu:`",
    ),
    (
        "series",
        "declare it as a taxonomy in site.yaml (`taxonomies: [{name: series}]`)",
    ),
    ("transparent", "remove it: a section lists its own pages"),
    (
        "redirect_to",
        "give the target page `aliases: [/this/path/]` instead",
    ),
    (
        "paginate_path",
        "set it once for the site, in site.yaml (`paginate_path: side`)",
    ),
    ("paginate_reversed", "choose the order with `sort_by:`"),
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
    "layout",
    "keywords",
    "taxonomies",
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
    "layout",
    "aliases",
    "keywords",
    "page_template",
    "feed",
    "directory",
    "lang",
    "extra",
];

/// Parses the front matter of a file (YAML, or TOML between `+++` lines) into a map, or
/// reports why it is not one.
fn yaml_map(file: &SourceFile) -> Result<serde_json::Map<String, Value>, Diagnostic> {
    if !file.has_front_matter() {
        return Ok(Default::default());
    }
    let parsed = if file.toml {
        crate::toml_text::parse(file.yaml()).map_err(|(message, line, column)| {
            Diagnostic::error(format!("invalid TOML: {message}"))
                .in_file(&file.rel)
                .at_line_col(&file.text, file.yaml_line + line - 1, column, 1)
                .hint("TOML front matter is `key = value`, text in quotes: `title = \"Om kurset\"`")
        })?
    } else {
        match yaml::parse(file.yaml()) {
            Ok(v) => v,
            Err(e) => {
                return Err(Diagnostic::error(format!(
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
                .hint(e.hint.unwrap_or("check the indentation, and put text that contains `: ` or starts with `[`, `{`, `*` or `&` in quotes")))
            }
        }
    };
    match parsed {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(Default::default()),
        other => {
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
    }
}

fn located(file: &SourceFile) -> Located<'_> {
    Located {
        file: &file.rel,
        text: &file.text,
        yaml: file.yaml(),
        first_line: file.yaml_line,
        toml: file.toml,
        grid: None,
    }
}

/// `aliases:`, each an old site path that will redirect here.
fn aliases(f: &mut Fields<'_>) -> Vec<String> {
    let mut out = vec![];
    for (i, alias) in f.take_str_list("aliases").into_iter().enumerate() {
        match slug::check_path(&alias) {
            Ok(a) => out.push(a),
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
    out
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
    f.peers(&[PEER_IGNORED]);
    let (title, from_heading) = title(
        &mut f,
        file,
        "every page needs a title: add `title: ...` to its front matter, or start the text with a `# heading`",
    );
    let has_date = f.has("date");
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
    if !has_date {
        meta.date = date_from_name(&file.key, config);
    }
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
            // Hugo lower-cases paths: `hugo_convert_toJSON` is `hugo_convert_tojson`.
            Ok(()) if !s.contains(char::is_whitespace) && s.chars().any(char::is_uppercase) => {
                meta.slug = Some(s.to_lowercase())
            }
            Ok(()) => f.error("slug", format!("`{s}` is not a valid slug")).hint = Some(hint),
            Err(why) => {
                f.error("slug", format!("`{s}` is not a valid slug: {why}"))
                    .hint = Some(hint)
            }
        }
    }
    meta.aliases = aliases(&mut f);
    meta.template = check_template(&mut f, "template");
    meta.layout = check_template(&mut f, "layout").map(|l| format!("{l}.html"));
    meta.keywords = f.take_str_list("keywords");
    if !meta.extra.is_object() {
        f.error("extra", "`extra` must be a map of keys");
        meta.extra = Value::Object(Default::default());
    }
    let mut known: Vec<&str> = PAGE_FIELDS.to_vec();
    // Zola writes the terms under `taxonomies:` (`[taxonomies]` in TOML).
    let mut zola = f.take_map("taxonomies");
    for t in &config.taxonomies {
        // A service's `categories` are the directory's, not Hugo's taxonomy.
        if service.is_some() && directory::SERVICE_FIELDS.contains(&t.name.as_str()) {
            continue;
        }
        let mut terms = f.take_str_list(&t.name);
        if let Some(z) = zola.as_mut() {
            terms.extend(z.take_str_list(&t.name));
        }
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
    if let Some(mut z) = zola {
        for name in z.keys() {
            let msg = format!("the taxonomy `{name}` is not declared in site.yaml (ignored)");
            let d = z.warning(&name, msg.clone());
            d.hint = Some(format!(
                "declare it to keep its lists: `taxonomies:` in site.yaml, with `- name: {name}`"
            ));
            d.once = Some(format!("warning: {msg}").into_boxed_str());
            z.take(&name);
        }
        f.diags.extend(z.finish(&[], Severity::Warning));
    }
    let svc = service.and_then(|today| {
        known.extend_from_slice(directory::SERVICE_FIELDS);
        directory::parse(&mut f, config, today)
    });
    let diags = f.finish(&known, Severity::Warning);
    (title.map(|_| meta), svc, diags)
}

/// The date in a page's file name (`2015-11-17-welcome.md`, or a bundle folder named so),
/// used when the front matter has none, as Jekyll and Zola do.
fn date_from_name(key: &str, config: &Config) -> Option<Date> {
    use super::files::{dated, file_name, parent_key, stem};
    let name = stem(file_name(key));
    let name = if name == "index" {
        file_name(parent_key(key))
    } else {
        name
    };
    let (day, _) = dated(name)?;
    Date::parse_in(day, config.timezone).ok()
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
        layout: None,
        aliases: vec![],
        keywords: vec![],
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
    for (ours, theirs) in SECTION_PEER_NAMES {
        f.alias(ours, theirs);
    }
    f.peers(&[PEER_IGNORED, SECTION_IGNORED]);
    // Zola lets a section go without a title; here it takes its folder's name, with a word.
    let untitled = !f.has("title") && super::markdown::first_heading(file.body()).is_none();
    if untitled {
        f.diags.push(
            Diagnostic::warning(format!(
                "the section has no title, so it is shown as \"{default_title}\""
            ))
            .in_file(&file.rel)
            .at_line(1, 1)
            .hint("add `title: ...` to its front matter, or start the text with a `# heading`"),
        );
    } else if let (Some(t), from_heading) = title(
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
            // Zola's `none` (its default), `update_date`, `title_bytes` and `slug` are
            // read as the nearest of ours.
            "weight" | "none" => SortBy::Weight,
            "date" | "update_date" => SortBy::Date,
            "title" | "title_bytes" | "slug" => SortBy::Title,
            other => {
                f.error("sort_by", format!("`{other}` is not a sort order"))
                    .hint = Some("use `weight`, `date` (newest first) or `title`".into());
                SortBy::Weight
            }
        };
    }
    meta.paginate_by = f.take_count("paginate_by");
    meta.template = check_template(&mut f, "template");
    meta.layout = check_template(&mut f, "layout").map(|l| format!("{l}.html"));
    meta.aliases = aliases(&mut f);
    meta.keywords = f.take_str_list("keywords");
    meta.page_template = check_template(&mut f, "page_template");
    meta.feed = f.take_bool("feed").unwrap_or(false);
    meta.directory = f.take_bool("directory").unwrap_or(false);
    meta.lang = f.take_str("lang");
    meta.extra = f.take("extra").unwrap_or(meta.extra);
    let diags = f.finish(SECTION_FIELDS, Severity::Warning);
    (meta, diags)
}
