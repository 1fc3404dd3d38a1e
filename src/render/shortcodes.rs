//! Shortcodes rendered: each call the load stage found (`content::shortcodes`) goes through
//! its template, `templates/shortcodes/<name>.html` (the site's, or the theme's), with its
//! arguments as variables, and its HTML replaces the call's mark in the page. A call with a
//! body renders once with `body` standing for the Markdown between it and `{% end %}`; the
//! part before goes where the call is and the part after where `{% end %}` is, so the body
//! is rendered, checked and counted with the rest of the page.
//!
//! Runs on the model before any output renders, so every listing, feed and the search see
//! the same HTML; a page's hash is taken again, so the preview's fingerprints follow a
//! change to a shortcode's template or to a service a card shows.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use super::{directory, tv, Theme};
use crate::content::markdown::{Rendered, SiteLink};
use crate::content::shortcodes::{Call, Kind, END, MARK};
use crate::content::source::{hash_str, SourceFile};
use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// Stands for the body in a block shortcode's template (`{{ body | safe }}`).
const BODY: &str = "\u{E002}";

/// `tjenester/oslohjelpa`, `tjenester/oslohjelpa.md`, `/tjenester/oslohjelpa/` and a
/// bundle's `tjenester/oslohjelpa/index.md` are one service.
pub(super) fn service_key(path: &str) -> String {
    let p = path.trim().trim_matches('/');
    let p = p.strip_suffix(".md").unwrap_or(p);
    let p = p.strip_suffix("/index").unwrap_or(p);
    p.trim_end_matches('/').to_string()
}

/// Renders every shortcode of the site into its pages and sections.
pub fn expand(site: &mut Site, theme: &Theme) -> Vec<Diagnostic> {
    let has_calls = |r: &Rendered| !r.shortcodes.is_empty();
    if !site.pages.iter().any(|p| has_calls(&p.content))
        && !site.sections.iter().any(|s| has_calls(&s.content))
    {
        return vec![];
    }
    fill_services(site, theme);
    let site_ref: &Site = site;
    let pages: Vec<(usize, Result<Rendered, Vec<Diagnostic>>)> = (0..site_ref.pages.len())
        .into_par_iter()
        .filter(|&p| has_calls(&site_ref.pages[p].content))
        .map(|p| {
            let page = &site_ref.pages[p];
            (
                p,
                expand_one(
                    site_ref,
                    theme,
                    (&page.file, page.lang),
                    &page.path,
                    &page.content,
                ),
            )
        })
        .collect();
    let sections: Vec<(usize, Result<Rendered, Vec<Diagnostic>>)> = (0..site_ref.sections.len())
        .filter(|&s| has_calls(&site_ref.sections[s].content))
        .filter_map(|s| {
            let sec = &site_ref.sections[s];
            let file = sec.file.as_ref()?;
            Some((
                s,
                expand_one(site_ref, theme, (file, sec.lang), &sec.path, &sec.content),
            ))
        })
        .collect();
    let mut diags = vec![];
    for (p, r) in pages {
        match r {
            Ok(r) => site.pages[p].content = Arc::new(r),
            Err(d) => diags.extend(d),
        }
    }
    for (s, r) in sections {
        match r {
            Ok(r) => site.sections[s].content = Arc::new(r),
            Err(d) => diags.extend(d),
        }
    }
    diags
}

/// What `get_service` finds: every service, by each name an editor may give it.
fn fill_services(site: &Site, theme: &Theme) {
    let mut map: HashMap<String, tera::Value> = HashMap::new();
    // The default language's directories: the services are written in it.
    for dir in site
        .directories
        .iter()
        .filter(|d| site.sections[d.section].lang == 0)
    {
        for &p in &dir.services {
            let v = tv(&directory::service_summary(site, dir, p));
            let page = &site.pages[p];
            map.insert(service_key(&page.file.key), v.clone());
            map.insert(service_key(&page.path), v);
        }
    }
    if let Ok(mut m) = theme.services.write() {
        *m = map;
    }
}

/// One page's HTML with its shortcodes rendered in.
fn expand_one(
    site: &Site,
    theme: &Theme,
    (file, lang): (&SourceFile, usize),
    path: &str,
    content: &Rendered,
) -> Result<Rendered, Vec<Diagnostic>> {
    let calls = &content.shortcodes;
    let mut pieces: Vec<String> = vec![String::new(); calls.len()];
    let mut diags = vec![];
    for (n, call) in calls.iter().enumerate() {
        match &call.kind {
            Kind::Literal(text) => pieces[n] = crate::html::escape(text),
            Kind::Close { .. } => {}
            Kind::Inline | Kind::Open => match render_call(site, theme, (file, lang), call) {
                Ok(html) => pieces[n] = html,
                Err(d) => diags.push(d),
            },
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    // A body's template output is split at `body`: before it where the call is, after it
    // where `{% end %}` is.
    for (n, call) in calls.iter().enumerate() {
        if let Kind::Close { open } = call.kind {
            let whole = std::mem::take(&mut pieces[open]);
            match whole.split_once(BODY) {
                Some((before, after)) => {
                    pieces[open] = before.to_string();
                    pieces[n] = after.to_string();
                }
                None => {
                    pieces[open] = whole;
                    diags.push(
                        at_call(file, &calls[open], format!("the shortcode `{}` has a body, but its template does not show it", calls[open].name))
                            .hint(format!("write `{{{{ body | safe }}}}` in templates/shortcodes/{}.html where the text goes", calls[open].name)),
                    );
                }
            }
        }
    }
    let mut out = content.clone();
    for (n, call) in calls.iter().enumerate() {
        if matches!(call.kind, Kind::Inline | Kind::Open) {
            links_in(
                site,
                file,
                path,
                call,
                &pieces[n],
                &mut out.site_links,
                &mut diags,
            );
        }
        // A block inside a paragraph is HTML a browser takes apart (`<p>Ring <aside>`).
        if !call.own_line && !matches!(call.kind, Kind::Literal(_)) && makes_block(&pieces[n]) {
            diags.push(
                at_call(file, call, format!("the shortcode `{}` makes a block of the page, so it cannot stand inside a paragraph", call.name))
                    .hint("put it on a line of its own"),
            );
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    out.html = put(&content.html, &pieces, calls, false);
    out.summary = put(&content.summary, &pieces, calls, true);
    out.hash = hash_str(&out.html) ^ hash_str(&out.summary).rotate_left(1);
    Ok(out)
}

/// Whether HTML holds an element that may not stand inside a paragraph.
fn makes_block(html: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "<aside",
        "<div",
        "<figure",
        "<details",
        "<p>",
        "<p ",
        "<ul",
        "<ol",
        "<section",
        "<table",
        "<h1",
        "<h2",
        "<h3",
        "<h4",
        "<h5",
        "<h6",
        "<blockquote",
        "<pre",
        "<dl",
    ];
    BLOCKS.iter().any(|b| html.contains(b))
}

fn at_call(file: &SourceFile, call: &Call, message: String) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(&file.rel)
        .at_offset(&file.text, call.offset, call.len)
}

/// One call through its template.
fn render_call(
    site: &Site,
    theme: &Theme,
    (file, lang): (&SourceFile, usize),
    call: &Call,
) -> Result<String, Diagnostic> {
    let name = format!("shortcodes/{}.html", call.name);
    if !theme.has(&name) {
        let mut known: Vec<&str> = theme
            .sources
            .keys()
            .filter_map(|k| k.strip_prefix("shortcodes/")?.strip_suffix(".html"))
            .collect();
        known.sort();
        let hint = match crate::fields::nearest(&call.name, &known) {
            Some(k) => format!(
                "did you mean `{k}`? Or add templates/shortcodes/{}.html",
                call.name
            ),
            None => format!(
                "add templates/shortcodes/{}.html, or use one of: {}",
                call.name,
                known.join(", ")
            ),
        };
        return Err(
            at_call(file, call, format!("there is no shortcode `{}`", call.name)).hint(hint),
        );
    }
    let mut ctx = Context::new();
    for (k, v) in &call.args {
        ctx.insert_value(k.clone(), tv(v));
    }
    if call.kind == Kind::Open {
        ctx.insert("body", BODY);
    }
    ctx.insert("lang", &site.config.languages[lang].code);
    if let Some(words) = site.i18n.merged.get(lang) {
        ctx.insert("t", words);
    }
    theme.tera.render(&name, &ctx).map_err(|e| {
        // Our own functions' messages (a missing service) are what the editor needs.
        let mut msg = e.to_string();
        let mut cur = std::error::Error::source(&e);
        while let Some(s) = cur {
            msg = s.to_string();
            cur = s.source();
        }
        let msg = msg.lines().next().unwrap_or("");
        let msg = msg.strip_prefix("error: ").unwrap_or(msg);
        at_call(
            file,
            call,
            format!("the shortcode `{}` failed: {msg}", call.name),
        )
        .hint(format!(
            "check its arguments against templates/shortcodes/{}.html",
            call.name
        ))
    })
}

/// Links and images a shortcode wrote: only allowed schemes, and site paths kept for the
/// check against every output, as Markdown links are.
fn links_in(
    site: &Site,
    file: &SourceFile,
    page_path: &str,
    call: &Call,
    html: &str,
    site_links: &mut Vec<SiteLink>,
    diags: &mut Vec<Diagnostic>,
) {
    let base = &site.config.base_path;
    for (attr, image) in [("href=\"", false), ("src=\"", true)] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let url = crate::html::unescape(&rest[..end]);
            rest = &rest[end..];
            if let Err(why) = crate::safe_url::check(&url, image) {
                diags.push(
                    at_call(
                        file,
                        call,
                        format!(
                            "the shortcode `{}` writes the address `{url}`: {why}",
                            call.name
                        ),
                    )
                    .hint("use an http(s), mailto or tel address, or a path on this site"),
                );
                continue;
            }
            if url.contains(':') || url.starts_with("//") || url.starts_with('#') || url.is_empty()
            {
                continue;
            }
            let path = url.split(['#', '?']).next().unwrap_or("");
            let site_path = match path.strip_prefix(base.as_str()) {
                Some(rest) if path.starts_with('/') => format!("/{rest}"),
                _ if path.starts_with('/') => path.to_string(),
                _ => match crate::content::join_path(page_path, path) {
                    Some(p) => format!("/{p}"),
                    None => continue,
                },
            };
            site_links.push(SiteLink {
                path: site_path,
                offset: call.offset,
                len: call.len,
            });
        }
    }
}

/// `html` with each mark replaced by its call's piece. In a summary a body's opening and
/// closing parts are left out (the summary may hold one without the other).
fn put(html: &str, pieces: &[String], calls: &[Call], summary: bool) -> String {
    if !html.contains(MARK) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + pieces.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        let after = &rest[i + MARK.len_utf8()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let Some(end) = after.find(END) else {
            out.push_str(&rest[i..]);
            return out;
        };
        let n: Option<usize> = after[..digits].parse().ok();
        match n.and_then(|n| Some((n, calls.get(n)?))) {
            Some((n, call)) => {
                let block = matches!(call.kind, Kind::Open | Kind::Close { .. });
                if !(summary && block) {
                    out.push_str(&pieces[n]);
                }
            }
            None => out.push_str(&rest[i..i + MARK.len_utf8() + end + END.len_utf8()]),
        }
        rest = &after[end + END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_paths_in_every_spelling_are_one_key() {
        for p in [
            "tjenester/oslohjelpa",
            "tjenester/oslohjelpa.md",
            "/tjenester/oslohjelpa/",
            "tjenester/oslohjelpa/index.md",
        ] {
            assert_eq!(service_key(p), "tjenester/oslohjelpa", "{p}");
        }
    }
}
