//! One function per kind of output, each rendering its file into bytes from the model and
//! the template data shared by every output (`Shared`).

use serde_json::{json, Value};

use super::a_to_z::{a_to_z, a_to_z_letters, a_to_z_split};
use super::jobs::pager_count;
use super::{base_context, context, directory, pager_slice, Shared, Theme};
use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// What every output's function gets: the model, the theme, the output's site path, the
/// template that renders it, and the shared template data.
#[derive(Clone, Copy)]
pub(super) struct Out<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub path: &'a str,
    pub template: &'a str,
    pub data: &'a Shared<'a>,
}

/// A directory's front page (`filter: None`) or one of its filter pages.
pub(super) fn directory(
    o: &Out<'_>,
    d: usize,
    filter: Option<usize>,
) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let dir = &site.directories[d];
    let sec = &site.sections[dir.section];
    let mut ctx = base_context(data, site, path, sec.lang, sec.meta.lang.as_deref());
    // The same page of the directory in its other languages: their filters are built in
    // the same order from the same services, so filter `f` is the same filter in each.
    let own = |d: &crate::content::listing::Directory| -> Option<String> {
        let base = &site.sections[d.section].path;
        let at = filter.map_or(Some(base.as_str()), |f| {
            d.filters.get(f).map(|x| x.path.as_str())
        })?;
        Some(at.strip_prefix(base.as_str())?.to_string())
    };
    let here = own(dir);
    let list: Vec<(usize, String)> = site
        .directories
        .iter()
        .filter(|o| sec.translations.contains(&o.section))
        .filter(|o| own(o) == here)
        .map(|o| {
            let at = [
                &site.sections[o.section].path,
                here.as_deref().unwrap_or(""),
            ]
            .concat();
            (site.sections[o.section].lang, at)
        })
        .collect();
    if list.len() > 1 {
        let list: Vec<(usize, &str)> = list.iter().map(|(l, p)| (*l, p.as_str())).collect();
        ctx.set("translations", context::translations(site, &list, sec.lang));
    }
    let f = filter.map(|f| &dir.filters[f]);
    ctx.put("section", data.sections[dir.section].clone());
    ctx.set(
        "directory",
        directory::directory_context(site, dir, f, &data.services[d]),
    );
    let what = sec.file.as_ref().map_or_else(
        || format!("the directory {}", sec.path),
        |f| f.rel.display().to_string(),
    );
    theme.render_vars(template, ctx, &what)
}

/// A directory's services as HSDS 3.0 JSON.
pub(super) fn hsds(o: &Out<'_>, d: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out { site, path, .. } = *o;
    let c = &site.config;
    let dir = &site.directories[d];
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

/// A directory's services as CSV, for spreadsheets.
pub(super) fn csv(o: &Out<'_>, d: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out { site, .. } = *o;
    let c = &site.config;
    let dir = &site.directories[d];
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
                page.file.body(),
            ));
            out.push_str("\r\n");
        }
    }
    Ok(out.into_bytes())
}

/// A page.
pub(super) fn page(o: &Out<'_>, p: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let page = &site.pages[p];
    let mut ctx = base_context(data, site, path, page.lang, page.meta.lang.as_deref());
    ctx.put("page", context::page_full(site, page, &data.listed[p]));
    if page.translations.len() > 1 {
        let list: Vec<(usize, &str)> = page
            .translations
            .iter()
            .map(|&t| (site.pages[t].lang, site.pages[t].path.as_str()))
            .collect();
        ctx.set(
            "translations",
            context::translations(site, &list, page.lang),
        );
    }
    ctx.put("section", data.sections[page.section].clone());
    if page.service.is_some() {
        if let Some(dir) = site.directories.iter().find(|d| d.section == page.section) {
            ctx.set("service", directory::service_full(site, dir, p));
        }
    }
    theme.render_vars(template, ctx, &page.file.rel.display().to_string())
}

/// Page `n` of a section's list.
pub(super) fn section(o: &Out<'_>, s: usize, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let sec = &site.sections[s];
    let per = site.paginate_by(s);
    let mut ctx = base_context(data, site, path, sec.lang, sec.meta.lang.as_deref());
    if sec.translations.len() > 1 && n == 1 {
        let list: Vec<(usize, &str)> = sec
            .translations
            .iter()
            .map(|&t| (site.sections[t].lang, site.sections[t].path.as_str()))
            .collect();
        ctx.set("translations", context::translations(site, &list, sec.lang));
    }
    let slice = pager_slice(&sec.pages, n, per, data.listed);
    ctx.put("section", data.sections[s].clone());
    ctx.put("pages", slice);
    ctx.set(
        "paginator",
        context::paginator(
            site,
            &sec.path,
            n,
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

/// A section's Atom feed: its newest pages, with their bodies.
pub(super) fn feed(o: &Out<'_>, s: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let sec = &site.sections[s];
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
    let mut ctx = base_context(data, site, path, sec.lang, sec.meta.lang.as_deref());
    ctx.put("section", data.sections[s].clone());
    ctx.set("entries", entries);
    ctx.put("feed_permalink", c.permalink(path));
    ctx.put("updated", updated);
    theme.render_vars(template, ctx, &format!("the feed {path}"))
}

/// A taxonomy's list of terms.
pub(super) fn taxonomy_list(o: &Out<'_>, t: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let lang = site.taxonomies[t].lang;
    let tax = &c.taxonomies[site.taxonomies[t].taxonomy];
    let title = context::taxonomy_title(site, tax, lang);
    let terms: Vec<Value> = site.taxonomies[t]
        .terms
        .iter()
        .map(|term| {
            json!({"name": term.name, "slug": term.slug, "count": term.pages.len(),
                       "url": c.url(&term.path)})
        })
        .collect();
    let mut ctx = base_context(data, site, path, lang, None);
    ctx.set(
        "taxonomy",
        json!({"name": tax.name, "title": title, "url": c.url(path)}),
    );
    ctx.set("terms", terms);
    theme.render_vars(template, ctx, &format!("the list {path}"))
}

/// Page `n` of a term's list of pages.
pub(super) fn term(o: &Out<'_>, t: usize, term: usize, n: usize) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let terms = &site.taxonomies[t];
    let tax = &c.taxonomies[terms.taxonomy];
    let title = context::taxonomy_title(site, tax, terms.lang);
    let tm = &terms.terms[term];
    let per = terms.paginate_by;
    let base = &tm.path;
    let slice = pager_slice(&tm.pages, n, per, data.listed);
    let mut ctx = base_context(data, site, path, terms.lang, None);
    ctx.set(
        "taxonomy",
        json!({"name": tax.name, "title": title, "url": c.url(&terms.path)}),
    );
    ctx.set(
        "term",
        json!({"name": tm.name, "slug": tm.slug, "count": tm.pages.len(), "url": c.url(base)}),
    );
    ctx.put("pages", slice);
    ctx.set(
        "paginator",
        context::paginator(
            site,
            base,
            n,
            pager_count(tm.pages.len(), per),
            tm.pages.len(),
            per,
        ),
    );
    theme.render_vars(template, ctx, &format!("the list {path}"))
}

/// An old address that sends the reader on to page `p`.
pub(super) fn alias(
    o: &Out<'_>,
    target: &str,
    title: &str,
    lang: usize,
) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let mut ctx = base_context(data, site, path, lang, None);
    ctx.put("target_url", c.url(target));
    ctx.put("target_permalink", c.permalink(target));
    ctx.put("title", title);
    theme.render_vars(template, ctx, &format!("the alias {path}"))
}

/// The page a static host shows for a missing address.
pub(super) fn not_found(o: &Out<'_>) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let ctx = base_context(data, site, path, 0, None);
    theme.render_vars(template, ctx, "404.html")
}

/// `robots.txt`, naming the sitemap.
pub(super) fn robots(o: &Out<'_>) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let mut ctx = base_context(data, site, path, 0, None);
    ctx.put(
        "sitemap_permalink",
        c.permalink(crate::content::SITEMAP_PATH),
    );
    theme.render_vars(template, ctx, "robots.txt")
}

/// The search page, or one letter's page of its A–Z list.
pub(super) fn search(
    o: &Out<'_>,
    lang: usize,
    letter: Option<usize>,
) -> Result<Vec<u8>, Diagnostic> {
    let Out {
        site,
        theme,
        path,
        template,
        data,
    } = *o;
    let c = &site.config;
    let mut ctx = base_context(data, site, path, lang, None);
    ctx.set("a_to_z", a_to_z(site, lang, letter));
    ctx.put("a_to_z_split", a_to_z_split(site, lang));
    ctx.put(
        "letter",
        letter.map(|i| a_to_z_letters(site, lang)[i].clone()),
    );
    let searches: Vec<(usize, String)> = (0..c.languages.len())
        .map(|l| (l, c.in_lang(l, crate::content::SEARCH_PATH)))
        .collect();
    if letter.is_none() && searches.len() > 1 {
        let list: Vec<(usize, &str)> = searches.iter().map(|(l, p)| (*l, p.as_str())).collect();
        ctx.set("translations", context::translations(site, &list, lang));
    }
    ctx.put("bundle_url", c.url(crate::content::SEARCH_BUNDLE));
    theme.render_vars(template, ctx, "the search page")
}

/// `sitemap.xml`, written directly: it is a fixed format with one entry per page, where a
/// template loop would cost more than everything else the sitemap needs. A page or section
/// with translations lists every version of itself as an `xhtml:link` alternate (itself
/// included), as Google reads them.
pub(super) fn sitemap(site: &Site) -> String {
    use std::fmt::Write as _;
    let c = &site.config;
    let multilingual = c.languages.len() > 1;
    let mut out = String::with_capacity(120 * (site.pages.len() + site.sections.len()) + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if multilingual {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    let mut entry = |path: &str, lastmod: Option<String>, alternates: &[(usize, &str)]| {
        let _ = write!(
            out,
            "  <url><loc>{}</loc>",
            crate::html::escape(&c.permalink(path))
        );
        if let Some(d) = lastmod {
            let _ = write!(out, "<lastmod>{d}</lastmod>");
        }
        if alternates.len() > 1 {
            for &(lang, alt) in alternates {
                let _ = write!(
                    out,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    crate::html::escape(&c.languages[lang].code),
                    crate::html::escape(&c.permalink(alt))
                );
            }
        }
        out.push_str("</url>\n");
    };
    for sec in &site.sections {
        let alternates: Vec<(usize, &str)> = sec
            .translations
            .iter()
            .map(|&t| (site.sections[t].lang, site.sections[t].path.as_str()))
            .collect();
        entry(&sec.path, None, &alternates);
    }
    for page in &site.pages {
        let alternates: Vec<(usize, &str)> = page
            .translations
            .iter()
            .map(|&t| (site.pages[t].lang, site.pages[t].path.as_str()))
            .collect();
        entry(
            &page.path,
            page.meta
                .updated
                .or(page.meta.date)
                .map(|d| d.day.to_string()),
            &alternates,
        );
    }
    for tax in &site.taxonomies {
        if tax.terms.is_empty() {
            continue;
        }
        entry(&tax.path, None, &[]);
        for term in &tax.terms {
            entry(&term.path, None, &[]);
        }
    }
    out.push_str("</urlset>\n");
    out
}
