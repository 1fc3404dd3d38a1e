//! The data templates see. Each page and section is turned into JSON once; listings get the
//! light summary (no body), so a pager never carries every page's content.

use serde_json::{json, Map, Value};

use crate::content::{Page, Section, Site};

/// `site` in every template of language `lang`: the site's title, menu and taxonomies in
/// that language, and every language's home (for a list of languages).
/// `build_time` is `None` when no template names it (see `write_site_cached`).
pub fn site(site: &Site, build_time: Option<&str>, lang: usize) -> Value {
    let c = &site.config;
    let language = &c.languages[lang];
    let menu: Vec<Value> = language
        .menu
        .as_ref()
        .unwrap_or(&c.menu)
        .iter()
        .map(|m| {
            let external = m.is_external();
            let path = m.path();
            json!({
                "title": m.title,
                "url": if external { m.url.clone() } else { c.url(&path) },
                "path": path,
                "external": external,
            })
        })
        .collect();
    let taxonomies: Vec<Value> = c
        .taxonomies
        .iter()
        .zip(site.taxonomies_of(lang))
        .map(|(t, terms)| {
            json!({"name": t.name, "title": taxonomy_title(site, t, lang), "url": c.url(&terms.path)})
        })
        .collect();
    let languages: Vec<Value> = c
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({"code": l.code, "name": l.name, "url": c.url(&c.in_lang(i, "/")),
                   "dir": crate::html::direction(&l.code), "current": i == lang})
        })
        .collect();
    let mut quick_exit = serde_json::to_value(&c.quick_exit).unwrap_or_default();
    if lang > 0 {
        // site.yaml's label is in the default language.
        quick_exit["label"] = site.i18n.word(lang, "quick_exit").into();
    }
    let home = c.in_lang(lang, "/");
    let mut value = json!({
        "title": language.title.as_ref().unwrap_or(&c.title),
        "description": language.description.as_ref().unwrap_or(&c.description),
        "base_url": c.base_url,
        "base_path": c.base_path,
        "home_path": home,
        "home_url": c.url(&home),
        "search_url": c.url(&c.in_lang(lang, crate::content::SEARCH_PATH)),
        "language": language.code,
        "default_language": c.language,
        "languages": languages,
        "menu": menu,
        "taxonomies": taxonomies,
        "extra": c.extra,
        "quick_exit": quick_exit,
        "search": c.search,
        "cms": c.cms.is_some(),
        "accessibility": c.accessibility,
        "build_time": build_time,
        "data": site.data,
    });
    if let (None, Some(map)) = (build_time, value.as_object_mut()) {
        map.remove("build_time");
    }
    value
}

/// A taxonomy's title in language `lang`: the language's own (`languages:` in site.yaml);
/// for `tags` and `categories` in another language than the default, the theme's word;
/// else the one in `taxonomies:`.
pub fn taxonomy_title(site: &Site, t: &crate::config::Taxonomy, lang: usize) -> String {
    let own = site.config.languages[lang]
        .taxonomy_titles
        .iter()
        .find(|(name, _)| *name == t.name);
    match own {
        Some((_, title)) => title.clone(),
        None if lang > 0 && matches!(t.name.as_str(), "tags" | "categories") => {
            site.i18n.word(lang, &t.name)
        }
        None => t.title.clone(),
    }
}

/// The same page in each language it is written in, for the language switcher and the
/// `hreflang` links: `translations` in page and section templates (`current` marks this one).
pub fn translations(site: &Site, list: &[(usize, &str)], current: usize) -> Value {
    let c = &site.config;
    let out: Vec<Value> = list
        .iter()
        .map(|&(lang, path)| {
            let l = &c.languages[lang];
            json!({"code": l.code, "name": l.name, "url": c.url(path), "permalink": c.permalink(path),
                   "dir": crate::html::direction(&l.code), "current": lang == current, "default": lang == 0})
        })
        .collect();
    Value::Array(out)
}

fn link(site: &Site, title: &str, path: &str) -> Value {
    json!({"title": title, "url": site.config.url(path), "path": path})
}

fn terms_of(site: &Site, page: &Page) -> Value {
    let mut out = Map::new();
    for (t, tax) in site
        .config
        .taxonomies
        .iter()
        .zip(site.taxonomies_of(page.lang))
    {
        let list: Vec<Value> = page
            .meta
            .taxonomies
            .get(&t.name)
            .into_iter()
            .flatten()
            .map(|name| {
                let slug = crate::slug::slugify(name);
                let url = site.config.url(&tax.term_path(&slug));
                json!({"name": name, "slug": slug, "url": url})
            })
            .collect();
        out.insert(t.name.clone(), Value::Array(list));
    }
    Value::Object(out)
}

/// A page's description: from its front matter, or its summary as plain text.
pub fn description(page: &Page) -> String {
    page.meta
        .description
        .clone()
        .unwrap_or_else(|| crate::content::markdown::strip_tags(&page.content.summary))
}

/// What a listing shows of a page: everything but the body.
pub fn page_summary(site: &Site, page: &Page) -> Value {
    let c = &site.config;
    let description = description(page);
    let date = |d: Option<crate::date::Date>| d.map(|d| site.i18n.date(page.lang, &d));
    json!({
        "title": page.meta.title,
        "description": description,
        "path": page.path,
        "url": c.url(&page.path),
        "permalink": c.permalink(&page.path),
        "date": page.meta.date.map(|d| d.iso()),
        "date_display": date(page.meta.date),
        "updated": page.meta.updated.map(|d| d.iso()),
        "updated_display": date(page.meta.updated),
        "summary": page.content.summary,
        "word_count": page.content.word_count,
        "reading_time": reading_time(page.content.word_count),
        "taxonomies": terms_of(site, page),
        "weight": page.meta.weight,
        "keywords": page.meta.keywords,
        "lang": page.meta.lang,
        "extra": page.meta.extra,
        "section": site.sections[page.section].path,
    })
}

/// Minutes at a calm reading pace of 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

fn ancestors(site: &Site, of_section: usize, include_self: bool) -> Vec<Value> {
    let mut list = site.ancestors(of_section);
    if include_self {
        list.push(of_section);
    }
    list.iter()
        .map(|&s| link(site, &site.sections[s].meta.title, &site.sections[s].path))
        .collect()
}

/// `page` in page templates: the summary plus the body and its table of contents. Built
/// on the summary's template value (`listed`), whose fields are shared, not copied.
pub fn page_full(site: &Site, page: &Page, listed: &tera::Value) -> tera::Value {
    let mut m: tera::Map = listed.as_map().cloned().unwrap_or_default();
    m.insert("content".into(), page.content.html.as_str().into());
    m.insert(
        "toc".into(),
        tera::Value::from_serializable(&page.content.toc),
    );
    m.insert(
        "ancestors".into(),
        tera::Value::from_serializable(&ancestors(site, page.section, true)),
    );
    let assets: Vec<String> = page
        .assets
        .iter()
        .map(|a| site.config.url(&a.path))
        .collect();
    m.insert("assets".into(), assets.into());
    tera::Value::from(m)
}

/// `section` in section templates.
pub fn section(site: &Site, idx: usize) -> Value {
    let s: &Section = &site.sections[idx];
    let c = &site.config;
    let default = &c.languages[0];
    let untranslated: Vec<Value> = site
        .untranslated(idx)
        .into_iter()
        .map(|p| {
            let page = &site.pages[p];
            json!({"title": page.meta.title, "url": c.url(&page.path), "lang": default.code,
                   "dir": crate::html::direction(&default.code)})
        })
        .collect();
    let subsections: Vec<Value> = s
        .children
        .iter()
        .map(|&k| {
            let sub = &site.sections[k];
            json!({
                "title": sub.meta.title,
                "description": sub.meta.description,
                "url": c.url(&sub.path),
                "path": sub.path,
                "page_count": sub.pages.len(),
                "extra": sub.meta.extra,
            })
        })
        .collect();
    json!({
        "title": s.meta.title,
        "description": s.meta.description,
        "path": s.path,
        "url": c.url(&s.path),
        "permalink": c.permalink(&s.path),
        "content": s.content.html,
        "toc": s.content.toc,
        "summary": s.content.summary,
        "keywords": s.meta.keywords,
        "lang": s.meta.lang,
        "extra": s.meta.extra,
        "subsections": subsections,
        "page_count": s.pages.len(),
        "ancestors": ancestors(site, idx, false),
        "feed_url": if s.meta.feed { Value::String(c.url(&s.feed_path())) } else { Value::Null },
        "untranslated": untranslated,
        "is_home": s.parent.is_none(),
    })
}

/// `paginator`: where this listing page stands among its siblings.
pub fn paginator(
    site: &Site,
    base: &str,
    current: usize,
    total: usize,
    count: usize,
    per: usize,
) -> Value {
    let url = |n: usize| site.config.url(&site.pager_path(base, n));
    let numbers: Vec<Value> = pager_window(current, total)
        .into_iter()
        .map(|n| match n {
            Some(n) => json!({"number": n, "url": url(n), "current": n == current}),
            None => json!({"gap": true}),
        })
        .collect();
    json!({
        "current": current,
        "total": total,
        "count": count,
        "per_page": per,
        "first": url(1),
        "last": url(total),
        "previous": if current > 1 { Value::String(url(current - 1)) } else { Value::Null },
        "next": if current < total { Value::String(url(current + 1)) } else { Value::Null },
        "pages": numbers,
    })
}

/// The page numbers a pager links to: the first, the last, and the current one with its
/// neighbours; `None` where numbers are left out (GOV.UK's pattern). Listing every number
/// gave a 200-page tag 200 links on each of its 200 pages: long to tab through, and
/// quadratic to build.
pub fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let mut shown: Vec<usize> = [1, current.saturating_sub(1), current, current + 1, total]
        .into_iter()
        .filter(|&n| n >= 1 && n <= total)
        .collect();
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() * 2);
    for (i, &n) in shown.iter().enumerate() {
        if i > 0 && n > shown[i - 1] + 1 {
            out.push(None);
        }
        out.push(Some(n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    #[test]
    fn a_pager_links_first_last_and_neighbours() {
        assert_eq!(pager_window(1, 1), [Some(1)]);
        assert_eq!(pager_window(2, 3), [Some(1), Some(2), Some(3)]);
        assert_eq!(pager_window(1, 200), [Some(1), Some(2), None, Some(200)]);
        assert_eq!(
            pager_window(100, 200),
            [
                Some(1),
                None,
                Some(99),
                Some(100),
                Some(101),
                None,
                Some(200)
            ]
        );
        assert_eq!(
            pager_window(3, 5),
            [Some(1), Some(2), Some(3), Some(4), Some(5)]
        );
        assert_eq!(
            pager_window(200, 200),
            [Some(1), None, Some(199), Some(200)]
        );
    }
}
