//! The parts of `site.yaml` that are lists or maps of their own: taxonomies, the menu,
//! the service directory's vocabularies and regions, the quick exit and `check`'s limits.

use serde_json::Value;

use super::{
    CheckConfig, Cms, Config, DirectoryConfig, MenuItem, Permalink, QuickExit, Region, Taxonomy,
    Term, PERMALINK_TOKENS,
};
use crate::diagnostics::{Diagnostic, Severity};
use crate::fields::{Fields, Located};
use crate::{slug, yaml};

/// `directory:`: the vocabularies, regions and review age of the service directory.
pub(super) fn directory<'a>(
    mut d: Fields<'a>,
    at: &'a Located<'a>,
    f: &mut Fields<'a>,
    default_language: &str,
) -> DirectoryConfig {
    let mut out = Config::default().directory;
    for key in ["categories", "audience"] {
        if let Some(v) = d.take(key) {
            let errors = d.diags.len();
            let list = terms(v, key, at, &mut d, default_language);
            if d.diags[errors..].iter().any(Diagnostic::is_error) {
                out.incomplete.push(key);
            }
            if key == "categories" {
                out.categories = list;
            } else {
                out.audience = list;
            }
        }
    }
    if let Some(v) = d.take("regions") {
        for (_, mut r) in list_items(v, "regions", at, &mut d) {
            let name = r.require_str("name", "each region needs `name:` (e.g. `Agder`)");
            let municipalities = r.take_str_list("municipalities");
            if let Some(name) = name {
                out.regions.push(Region {
                    name,
                    municipalities,
                });
            }
            d.diags
                .extend(r.finish(&["name", "municipalities"], Severity::Error));
        }
    }
    if let Some(n) = d.take_count("review_max_age_months") {
        out.review_max_age_months = u32::try_from(n).unwrap_or(u32::MAX);
    }
    let nested = d.finish(
        &["categories", "audience", "regions", "review_max_age_months"],
        Severity::Error,
    );
    f.diags.extend(nested);
    out
}

/// `quick_exit:`: the "Forlat siden" button.
pub(super) fn quick_exit(mut q: Fields<'_>, f: &mut Fields<'_>) -> QuickExit {
    let mut out = Config::default().quick_exit;
    if let Some(v) = q.take_bool("enabled") {
        out.enabled = v;
    }
    if let Some(v) = q.take_str("label") {
        out.label = v;
    }
    if let Some(v) = q.take_str("url") {
        if v.starts_with("https://") && !v.contains(char::is_whitespace) {
            out.url = v;
        } else {
            q.error("url", format!("`{v}` is not an https:// address"))
                .hint =
                Some("send readers to a neutral site, e.g. `url: https://www.yr.no/`".into());
        }
    }
    let nested = q.finish(&["enabled", "label", "url"], Severity::Error);
    f.diags.extend(nested);
    out
}

/// `check:`: the thresholds of `varde check`.
pub(super) fn check(mut c: Fields<'_>, f: &mut Fields<'_>) -> CheckConfig {
    let mut out = Config::default().check;
    if let Some(v) = c.take("lix_max") {
        match v.as_f64() {
            Some(n) if n > 0.0 => out.lix_max = n,
            _ => {
                c.error("lix_max", "`lix_max` must be a positive number");
            }
        }
    }
    if let Some(n) = c.take_count("sentence_max_words") {
        out.sentence_max_words = n;
    }
    let nested = c.finish(&["lix_max", "sentence_max_words"], Severity::Error);
    f.diags.extend(nested);
    out
}

fn list_items<'a>(
    v: Value,
    key: &str,
    at: &'a Located<'a>,
    f: &mut Fields<'a>,
) -> Vec<(usize, Fields<'a>)> {
    let Value::Array(items) = v else {
        f.error(key, format!("`{key}` must be a list"));
        return vec![];
    };
    let mut out = vec![];
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Value::Object(m) => {
                let mut sub = Fields::new(m, at);
                let mut prefix = f.key_path(key);
                prefix.push(i.to_string());
                sub.set_prefix(prefix);
                out.push((i, sub));
            }
            _ => {
                let idx = i.to_string();
                let d = at.diag(
                    Severity::Error,
                    &[key, &idx],
                    format!("item {} of `{key}` must be a map", i + 1),
                );
                f.diags.push(d);
            }
        }
    }
    out
}

/// A vocabulary: a list of `{id, label}`.
fn terms<'a>(
    v: Value,
    key: &str,
    at: &'a Located<'a>,
    f: &mut Fields<'a>,
    default: &str,
) -> Vec<Term> {
    let mut out: Vec<Term> = vec![];
    for (_, mut t) in list_items(v, key, at, f) {
        let id = t.require_str(
            "id",
            "each entry needs `id:` (used in front matter) and `label:` (shown to readers)",
        );
        // `label: Kurs`, or one per language: `label: {nb: Kurs, en: Course}`.
        let mut labels: Vec<(String, String)> = vec![];
        let label = if t.peek("label").is_some_and(Value::is_object) {
            let mut m = t.take_map("label");
            let mut in_default = None;
            if let Some(m) = m.as_mut() {
                for code in m.keys() {
                    if let Some(l) = m.take_str(&code) {
                        if code == default {
                            in_default = Some(l.clone());
                        }
                        labels.push((code, l));
                    }
                }
            }
            if let Some(m) = m {
                t.absorb(m);
            }
            if in_default.is_none() {
                t.error(
                    "label",
                    "the label is missing in the site's default language",
                )
                .hint = Some(format!("give it as `{default}: ...` in `label:`"));
            }
            in_default
        } else {
            t.require_str("label", "each entry needs `label:`, the text readers see")
        };
        if let (Some(id), Some(label)) = (id, label) {
            if !slug::is_valid_slug(&id) {
                t.error("id", format!("`{id}` is not a valid id")).hint = Some(format!(
                    "use a-z, 0-9 and `-`, e.g. `{}`",
                    slug::slugify(&id)
                ));
            } else if out.iter().any(|o| o.id == id) {
                t.error("id", format!("`{id}` is listed twice"));
            } else {
                out.push(Term { id, label, labels });
            }
        }
        f.diags.extend(t.finish(&["id", "label"], Severity::Error));
    }
    out
}

pub(super) fn taxonomies<'a>(v: Value, at: &'a Located<'a>, f: &mut Fields<'a>) -> Vec<Taxonomy> {
    let mut out: Vec<Taxonomy> = vec![];
    for (_, mut t) in list_items(v, "taxonomies", at, f) {
        let name = t.require_str(
            "name",
            "each taxonomy needs `name:` (the front-matter key, e.g. `tags`)",
        );
        let title = t.take_str("title");
        let slug_v = t.take_str("slug").filter(|s| match slug::check_segment(s) {
            Ok(()) => true,
            Err(why) => {
                t.error("slug", format!("`{s}` is not a usable URL segment: {why}"))
                    .hint = Some("for example `slug: emner`".into());
                false
            }
        });
        let paginate_by = t.take_count("paginate_by");
        if let Some(name) = name {
            let slug = slug_v.unwrap_or_else(|| slug::slugify(&name));
            if out.iter().any(|o| o.name == name) {
                t.error("name", format!("taxonomy `{name}` is declared twice"));
            }
            out.push(Taxonomy {
                title: title.unwrap_or_else(|| name.clone()),
                name,
                slug,
                paginate_by,
            });
        }
        f.diags
            .extend(t.finish(&["name", "title", "slug", "paginate_by"], Severity::Error));
    }
    out
}

/// `cms:`: `sveltia` or `decap` (both give Sveltia CMS, which reads Decap's configuration),
/// or a map with `name`, `backend`, `repo` and `branch`.
pub(super) fn cms<'a>(v: Value, at: &'a Located<'a>, f: &mut Fields<'a>) -> Option<Cms> {
    let name_ok = |n: &str| matches!(n, "sveltia" | "decap");
    let bad_name = |f: &mut Fields<'a>, n: &str| {
        f.error("cms", format!("`{n}` is not a web editor varde has"))
            .hint = Some("write `cms: sveltia` (Decap's `cms: decap` gives the same)".into());
    };
    match v {
        Value::String(n) => {
            if !name_ok(&n) {
                bad_name(f, &n);
                return None;
            }
            f.error("cms", "the editor needs to know the site's repository")
                .hint = Some(
                "write `cms: {name: sveltia, backend: github, repo: eier/nettsted, branch: main}`"
                    .into(),
            );
            None
        }
        Value::Object(map) => {
            let mut c = Fields::new(map, at);
            c.set_prefix(vec!["cms".into()]);
            let name = c.take_str("name").unwrap_or_else(|| "sveltia".into());
            if !name_ok(&name) {
                c.error("name", format!("`{name}` is not a web editor varde has"))
                    .hint = Some("write `name: sveltia` (or `decap`)".into());
            }
            let backend = c.take_str("backend").unwrap_or_else(|| "github".into());
            if !matches!(backend.as_str(), "github" | "gitlab" | "git-gateway") {
                c.error(
                    "backend",
                    format!("`{backend}` is not a backend the editor knows"),
                )
                .hint = Some("use `github`, `gitlab` or `git-gateway`".into());
            }
            let repo = c.take_str("repo");
            if repo.is_none() && backend != "git-gateway" {
                c.error("repo", "`cms.repo` is required").hint =
                    Some("the repository the site lives in: `repo: eier/nettsted`".into());
            }
            let branch = c.take_str("branch").unwrap_or_else(|| "main".into());
            f.diags
                .extend(c.finish(&["name", "backend", "repo", "branch"], Severity::Error));
            Some(Cms {
                backend,
                repo,
                branch,
            })
        }
        _ => {
            f.error("cms", "`cms` is a name or a map").hint =
                Some("write `cms: {name: sveltia, backend: github, repo: eier/nettsted}`".into());
            None
        }
    }
}

/// `permalinks:`: a map from a section's folder to the pattern of its pages' paths.
pub(super) fn permalinks<'a>(mut p: Fields<'a>, f: &mut Fields<'a>) -> Vec<Permalink> {
    let mut out = vec![];
    for key in p.keys() {
        let Some(pattern) = p.take_str(&key) else {
            continue;
        };
        let section = key.trim_matches('/').to_string();
        if let Err(why) = check_pattern(&pattern) {
            p.error(
                &key,
                format!("`{pattern}` is not a usable permalink: {why}"),
            )
            .hint = Some(format!(
                "write a site path with tokens, e.g. `/:year/:month/:slug/`; the tokens are :{}",
                PERMALINK_TOKENS.join(", :")
            ));
            continue;
        }
        out.push(Permalink { section, pattern });
    }
    f.absorb(p);
    out
}

/// A pattern is a site path once its tokens are filled in.
fn check_pattern(pattern: &str) -> Result<(), String> {
    if !pattern.starts_with('/') {
        return Err("it must start with `/`".into());
    }
    let filled = Permalink::fill(pattern, |token| {
        Ok(if token == "output_ext" { ".html" } else { "x" }.to_string())
    })?;
    if !pattern.contains(":slug") && !pattern.contains(":title") && !pattern.contains(":filename") {
        return Err(
            "it needs `:slug`, `:title` or `:filename`, or every page would get the same path"
                .into(),
        );
    }
    slug::check_path(&filled).map(|_| ())
}

pub(super) fn menu<'a>(v: Value, at: &'a Located<'a>, f: &mut Fields<'a>) -> Vec<MenuItem> {
    let mut out = vec![];
    for (i, mut m) in list_items(v, "menu", at, f) {
        let title = m.require_str("title", "each menu item needs `title:` and `url:`");
        let url = m.require_str(
            "url",
            "each menu item needs `url:` (a site path such as `/smil/`)",
        );
        let weight = m.take_int("weight").unwrap_or(i as i64);
        let mut key_path = f.key_path("menu");
        key_path.extend([i.to_string(), "url".to_string()]);
        let key_path: Vec<&str> = key_path.iter().map(String::as_str).collect();
        let line = yaml::locate(at.text, &key_path).map_or(0, |(l, _)| l);
        let url = url.filter(|u| match crate::safe_url::check(u, false) {
            Ok(()) => true,
            Err(why) => {
                m.error("url", format!("unsafe menu address: {why}")).hint =
                    Some(crate::safe_url::HINT.into());
                false
            }
        });
        if let (Some(title), Some(url)) = (title, url) {
            out.push(MenuItem {
                title,
                url,
                weight,
                line,
            });
        }
        f.diags
            .extend(m.finish(&["title", "url", "weight"], Severity::Error));
    }
    out.sort_by_key(|m| m.weight);
    out
}
