//! `site.yaml`: the site's settings. A missing file means defaults; an unknown key is an
//! error (a typo there changes the whole site) with the nearest known key as a hint.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Severity};
use crate::fields::{Fields, Located};
use crate::slug;

mod languages;
mod parts;
mod permalink;
use crate::yaml;
pub use languages::{check_tag, Language};
use parts::{check, directory, menu, permalinks, quick_exit, taxonomies};
pub use permalink::{Permalink, PERMALINK_TOKENS};

pub const FILE: &str = crate::diagnostics::SETTINGS_FILE;

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// As written (normalised to end in `/`), e.g. `https://example.org/smil/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/` (`/smil/`).
    pub base_path: String,
    /// Scheme and host of `base_url` (`https://example.org`), empty for a relative base_url.
    pub origin: String,
    /// The default language (`languages[0].code`).
    pub language: String,
    /// Every language of the site, the default first (`languages:`; only `language:` when
    /// the site has one).
    pub languages: Vec<Language>,
    /// Where front-matter times without a zone are read (`timezone: Europe/Oslo`).
    #[serde(serialize_with = "tz_name")]
    pub timezone: crate::date::Tz,
    pub theme: String,
    pub raw_html: bool,
    /// How heading ids are made: varde's and Zola's ASCII ids, or Hugo's and GitHub's.
    pub anchors: crate::slug::Anchors,
    pub taxonomies: Vec<Taxonomy>,
    /// Path patterns for the pages of a section (`permalinks:`, as in Hugo and Jekyll).
    pub permalinks: Vec<Permalink>,
    pub menu: Vec<MenuItem>,
    /// Default number of pages on one listing page.
    pub paginate_by: usize,
    /// Path segment before a listing's page number (`/nyheter/side/2/`).
    pub paginate_path: String,
    /// How many entries an Atom feed holds.
    pub feed_limit: usize,
    pub directory: DirectoryConfig,
    pub quick_exit: QuickExit,
    /// Facts for the accessibility statement (`accessibility.html`), as written.
    pub accessibility: Value,
    /// Thresholds for `varde check`.
    pub check: CheckConfig,
    /// Build a search index (Pagefind) and the search page.
    pub search: bool,
    /// A web editor at `/admin/` (`cms:`), or none.
    pub cms: Option<Cms>,
    pub extra: Value,
    /// site.yaml could not be read as settings at all (a YAML syntax error, not a map):
    /// every value is a default, so content is not checked against it.
    #[serde(skip)]
    pub unreadable: bool,
}

/// The "Forlat siden" button: a way to leave the site in one tap or with Shift three times.
#[derive(Debug, Clone, Serialize)]
pub struct QuickExit {
    pub enabled: bool,
    pub label: String,
    /// Where the reader is sent; the visit to this site is replaced in the history.
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckConfig {
    /// Warn about pages whose LIX readability score is above this.
    pub lix_max: f64,
    /// Warn about sentences with more words than this.
    pub sentence_max_words: usize,
}

/// Vocabularies and rules for the service directory (`directory:` in site.yaml).
#[derive(Debug, Clone, Serialize, Default)]
pub struct DirectoryConfig {
    pub categories: Vec<Term>,
    pub audience: Vec<Term>,
    /// Vocabularies with an error in site.yaml: a service's value missing from one is not
    /// reported, since the cause is in site.yaml and is reported there.
    #[serde(skip)]
    pub incomplete: Vec<&'static str>,
    /// Counties (or other regions) and the municipalities in them, so a service in
    /// Kristiansand shows up when someone filters on Agder.
    pub regions: Vec<Region>,
    /// A service whose `last_reviewed` is older than this is flagged as possibly outdated.
    pub review_max_age_months: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub id: String,
    /// In the default language.
    pub label: String,
    /// In the site's other languages, by code (`label: {nb: Kurs, en: Course}`).
    pub labels: Vec<(String, String)>,
}

impl Term {
    /// The label in language `code`, or the default language's.
    pub fn label_in(&self, code: &str) -> &str {
        self.labels
            .iter()
            .find(|(c, _)| c == code)
            .map_or(self.label.as_str(), |(_, l)| l.as_str())
    }
}

/// The label of a vocabulary id (`kurs` -> `Kurs`), or the id itself if it is not declared.
pub fn label<'a>(terms: &'a [Term], id: &'a str) -> &'a str {
    terms
        .iter()
        .find(|t| t.id == id)
        .map_or(id, |t| t.label.as_str())
}

/// The label of a vocabulary id in language `code` (see `Term::label_in`).
pub fn label_in<'a>(terms: &'a [Term], id: &'a str, code: &str) -> &'a str {
    terms
        .iter()
        .find(|t| t.id == id)
        .map_or(id, |t| t.label_in(code))
}

#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub name: String,
    pub municipalities: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    /// The front-matter key (`tags`).
    pub name: String,
    /// What readers see (`Emner`).
    pub title: String,
    /// URL segment (`emner` gives `/emner/<term>/`).
    pub slug: String,
    pub paginate_by: Option<usize>,
}

/// `cms:` in site.yaml: Sveltia CMS, a Decap-compatible editor, at `/admin/`, working on
/// the site's git repository through `backend`.
#[derive(Debug, Clone, Serialize)]
pub struct Cms {
    /// `github`, `gitlab` or `git-gateway`, as Decap names them.
    pub backend: String,
    /// `owner/name` of the repository (github, gitlab).
    pub repo: Option<String>,
    pub branch: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MenuItem {
    pub title: String,
    /// Site-relative path (`/smil/`) or an absolute `https://` URL, as written.
    pub url: String,
    pub weight: i64,
    /// Where the item's `url` is in site.yaml, for diagnostics.
    #[serde(skip)]
    pub line: usize,
}

impl MenuItem {
    /// Whether the item leads off the site (`https://…`).
    pub fn is_external(&self) -> bool {
        self.url.contains("://")
    }

    /// The site path the item leads to, or its URL as written when it leads off the site.
    pub fn path(&self) -> String {
        if self.is_external() {
            self.url.clone()
        } else {
            normalise_path(&self.url)
        }
    }
}

/// `/smil` or `smil/` as a site path `/smil/` (a file path such as `/feed.xml` stays).
fn normalise_path(p: &str) -> String {
    let p = p.trim();
    let mut s = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    };
    let last = s.rsplit('/').next().unwrap_or("");
    if !s.ends_with('/') && !last.contains('.') {
        s.push('/');
    }
    s
}

const KNOWN: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "languages",
    "timezone",
    "theme",
    "raw_html",
    "anchors",
    "taxonomies",
    "permalinks",
    "menu",
    "paginate_by",
    "paginate_path",
    "feed_limit",
    "directory",
    "quick_exit",
    "accessibility",
    "check",
    "search",
    "cms",
    "extra",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "varde".into(),
            description: String::new(),
            base_url: "/".into(),
            base_path: "/".into(),
            origin: String::new(),
            language: "nb".into(),
            languages: vec![Language::plain("nb")],
            timezone: crate::date::DEFAULT_TIMEZONE,
            theme: "default".into(),
            raw_html: false,
            anchors: crate::slug::Anchors::Ascii,
            // Hugo's two default taxonomies, so a site moved over keeps its `categories`;
            // one without terms writes no page.
            taxonomies: vec![
                Taxonomy {
                    name: "tags".into(),
                    title: "Emner".into(),
                    slug: "emner".into(),
                    paginate_by: None,
                },
                Taxonomy {
                    name: "categories".into(),
                    title: "Kategorier".into(),
                    slug: "kategorier".into(),
                    paginate_by: None,
                },
            ],
            permalinks: Vec::new(),
            menu: Vec::new(),
            paginate_by: 10,
            paginate_path: "side".into(),
            feed_limit: 20,
            directory: DirectoryConfig {
                review_max_age_months: 12,
                ..Default::default()
            },
            quick_exit: QuickExit {
                enabled: true,
                label: "Forlat siden".into(),
                url: "https://www.yr.no/".into(),
            },
            accessibility: Value::Object(Default::default()),
            check: CheckConfig {
                lix_max: 45.0,
                sentence_max_words: 25,
            },
            search: true,
            cms: None,
            extra: Value::Object(Default::default()),
            unreadable: false,
        }
    }
}

impl Config {
    /// Sets `base_url`, deriving `base_path` and `origin`. Errors are plain messages.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        let mut url = url.trim().to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        let (origin, path) = if let Some(rest) = url
            .strip_prefix("https://")
            .map(|r| ("https://", r))
            .or_else(|| url.strip_prefix("http://").map(|r| ("http://", r)))
        {
            let (scheme, rest) = rest;
            let slash = rest.find('/').unwrap_or(rest.len());
            if slash == 0 {
                return Err(format!("`{url}` has no host name"));
            }
            (
                format!("{scheme}{}", &rest[..slash]),
                rest[slash..].to_string(),
            )
        } else if url.starts_with('/') {
            (String::new(), url.clone())
        } else {
            return Err(format!("`{url}` must start with https://, http:// or /"));
        };
        if path.contains("..") || path.contains("//") || path.contains(['?', '#', '\\']) {
            return Err(format!("`{url}` has an unusable path"));
        }
        self.base_url = url;
        self.origin = origin;
        self.base_path = path;
        Ok(())
    }

    /// Root-relative URL for a site path: `/nas/` under base `/smil/` is `/smil/nas/`.
    // Joined with `concat`, which allocates the exact length once: these run for every link
    // of every page, and `format!` grew its string on the way (1.7 % of a build's instructions).
    pub fn url(&self, path: &str) -> String {
        [self.base_path.as_str(), path.trim_start_matches('/')].concat()
    }

    /// Absolute URL (for sitemaps and feeds); root-relative when base_url has no host.
    pub fn permalink(&self, path: &str) -> String {
        [
            self.origin.as_str(),
            self.base_path.as_str(),
            path.trim_start_matches('/'),
        ]
        .concat()
    }

    /// The index in `languages` of a language code.
    pub fn lang_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.code == code)
    }

    /// Where a language's pages live: `""` for the default language, `/en` for English.
    pub fn lang_prefix(&self, lang: usize) -> String {
        if lang == 0 {
            String::new()
        } else {
            format!("/{}", self.languages[lang].code)
        }
    }

    /// A site path of the default language in language `lang` (`/sok/` -> `/en/sok/`).
    pub fn in_lang(&self, lang: usize, path: &str) -> String {
        [self.lang_prefix(lang).as_str(), path].concat()
    }

    pub fn taxonomy(&self, name: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.name == name)
    }
}

fn tz_name<S: serde::Serializer>(tz: &crate::date::Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// Reads `site.yaml` from the site root. Problems come back as diagnostics next to the
/// best config that could be made, so content errors can be found in the same run.
pub fn load(root: &Path) -> (Config, Vec<Diagnostic>) {
    let path = root.join(FILE);
    let site_root = crate::walk::SiteRoot::new(root);
    if path.is_symlink() && !site_root.contains(&path) {
        let cfg = Config {
            unreadable: true,
            ..Config::default()
        };
        return (cfg, vec![site_root.escape_error(&path)]);
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Config::default(), vec![]),
        Err(e) => {
            let cfg = Config {
                unreadable: true,
                ..Config::default()
            };
            return (
                cfg,
                vec![Diagnostic::error(format!("cannot read {FILE}: {e}")).in_file(FILE)],
            );
        }
    };
    parse(&text)
}

pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n");
    let file = Path::new(FILE);
    let at = Located {
        file,
        text: &text,
        yaml: &text,
        first_line: 1,
        toml: false,
        grid: None,
    };
    let mut cfg = Config::default();
    let map = match yaml::parse(&text) {
        Ok(Value::Object(m)) => m,
        Ok(Value::Null) => return (cfg, vec![]),
        Ok(_) => {
            cfg.unreadable = true;
            let d = Diagnostic::error(format!("{FILE} must be a map of settings (`title: ...`)"))
                .in_file(file)
                .at_line_col(&text, 1, 1, 1)
                .hint("start with a line such as `title: Mitt nettsted`");
            return (cfg, vec![d]);
        }
        Err(e) => {
            cfg.unreadable = true;
            let d = Diagnostic::error(format!("invalid YAML: {}", e.message_in_file(1)))
                .in_file(file)
                .at_line_col(&text, e.line.max(1), e.column.max(1), 1)
                .hint(e.hint.unwrap_or("check indentation and quote values that contain `: ` or start with a special character"));
            return (cfg, vec![d]);
        }
    };
    let mut f = Fields::new(map, &at);
    if let Some(v) = f.take_str("title") {
        cfg.title = v;
    }
    if let Some(v) = f.take_str("description") {
        cfg.description = v;
    }
    if let Some(v) = f.take_str("base_url") {
        if let Err(msg) = cfg.set_base_url(&v) {
            f.error("base_url", msg).hint =
                Some("for example `base_url: https://example.org/smil/`".into());
        }
    }
    let default_language = f.take_str("language");
    if let Some(v) = &default_language {
        cfg.language = v.clone();
        cfg.languages = vec![Language::plain(v)];
    }
    if let Some(l) = f.take_map("languages") {
        cfg.languages = languages::languages(l, &at, default_language.as_deref(), &mut f);
        cfg.language = cfg.languages[0].code.clone();
    }
    if let Some(v) = f.take_str("timezone") {
        match v.parse() {
            Ok(tz) => cfg.timezone = tz,
            Err(_) => {
                f.error("timezone", format!("`{v}` is not a time zone"))
                    .hint =
                    Some("name it as the tz database does, e.g. `timezone: Europe/Oslo`".into());
            }
        }
    }
    if let Some(v) = f.take_str("theme") {
        if slug::is_valid_slug(&v) {
            cfg.theme = v;
        } else {
            f.error("theme", format!("`{v}` is not a theme folder name"))
                .hint = Some("name a folder under themes/, e.g. `theme: default`".into());
        }
    }
    if let Some(v) = f.take_bool("raw_html") {
        cfg.raw_html = v;
    }
    if let Some(v) = f.take_str("anchors") {
        match crate::slug::Anchors::named(&v) {
            Some(a) => cfg.anchors = a,
            None => {
                f.error("anchors", format!("`{v}` is not a way of making heading ids"))
                    .hint = Some("use `varde`, `zola` (ASCII: stotte-i-svangerskapet), `hugo` or `github` (støtte-i-svangerskapet)".into());
            }
        }
    }
    if let Some(v) = f.take_count("paginate_by") {
        cfg.paginate_by = v;
    }
    if let Some(v) = f.take_str("paginate_path") {
        if slug::is_valid_slug(&v) {
            cfg.paginate_path = v;
        } else {
            f.error("paginate_path", format!("`{v}` is not a valid URL segment"));
        }
    }
    if let Some(v) = f.take_count("feed_limit") {
        cfg.feed_limit = v;
    }
    if let Some(v) = f.take("extra") {
        cfg.extra = v;
    }
    if let Some(v) = f.take("taxonomies") {
        cfg.taxonomies = taxonomies(v, &at, &mut f);
    }
    if let Some(p) = f.take_map("permalinks") {
        cfg.permalinks = permalinks(p, &mut f);
    }
    if let Some(v) = f.take("menu") {
        cfg.menu = menu(v, &at, &mut f);
    }
    if let Some(d) = f.take_map("directory") {
        let default_language = cfg.language.clone();
        cfg.directory = directory(d, &at, &mut f, &default_language);
    }
    if let Some(q) = f.take_map("quick_exit") {
        cfg.quick_exit = quick_exit(q, &mut f);
    }
    if let Some(v) = f.take("accessibility") {
        if v.is_object() {
            cfg.accessibility = v;
        } else {
            f.error("accessibility", "`accessibility` must be a map of keys");
        }
    }
    if let Some(v) = f.take("cms") {
        cfg.cms = parts::cms(v, &at, &mut f);
    }
    if let Some(v) = f.take_bool("search") {
        cfg.search = v;
    }
    if let Some(c) = f.take_map("check") {
        cfg.check = check(c, &mut f);
    }
    let diags = f.finish(KNOWN, Severity::Error);
    (cfg, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let (c, d) = parse("");
        assert!(d.is_empty());
        assert_eq!(c.language, "nb");
        assert_eq!(c.theme, "default");
        assert!(!c.raw_html);
    }

    #[test]
    fn base_url_with_sub_path() {
        let (c, d) = parse("base_url: https://example.org/smil\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.base_path, "/smil/");
        assert_eq!(c.url("/nas/"), "/smil/nas/");
        assert_eq!(c.permalink("/nas/"), "https://example.org/smil/nas/");
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let (_, d) = parse("title: x\nbaseurl: /\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 2);
        assert!(d[0].hint.as_deref().unwrap_or("").contains("base_url"));
    }

    #[test]
    fn languages_keep_their_order_with_the_default_first() {
        let (c, d) = parse("language: nn\nlanguages:\n  nb: Norsk bokmål\n  nn: Norsk nynorsk\n  en:\n    name: English\n    title: SMIL\n  ar: العربية\n");
        assert!(d.is_empty(), "{d:?}");
        let codes: Vec<&str> = c.languages.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["nn", "nb", "en", "ar"]);
        assert_eq!(c.language, "nn");
        assert_eq!(c.languages[2].title.as_deref(), Some("SMIL"));
        assert_eq!(c.in_lang(2, "/sok/"), "/en/sok/");
        assert_eq!(c.in_lang(0, "/sok/"), "/sok/");
    }

    #[test]
    fn a_bad_language_is_an_error_at_its_line() {
        let (_, d) = parse("languages:\n  nb: Norsk\n  EN: English\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("write `en`"), "{}", d[0].message);
        let (_, d) = parse("language: de\nlanguages:\n  nb: Norsk\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].hint.as_deref().unwrap_or("").contains("nb"), "{d:?}");
    }

    #[test]
    fn language_no_is_a_string() {
        let (c, d) = parse("language: no\n");
        assert!(d.is_empty());
        assert_eq!(c.language, "no");
    }
}
