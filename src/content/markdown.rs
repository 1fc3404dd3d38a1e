//! Markdown to HTML with pulldown-cmark, plus what the site needs around it: stable heading
//! anchors, a table of contents, a summary, a word count, links to source files rewritten to
//! output URLs, and raw HTML escaped unless the site allows it.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::links::Ctx;
pub use super::links::{join, resolve};
use super::raw_html::{html_ids, RawHtml};
use super::source::SourceFile;
use super::words::count_words;
use crate::diagnostics::Diagnostic;

#[derive(Debug, Clone, Default, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// HTML of the part before `<!-- more -->`, or of the first paragraph.
    pub summary: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Every heading id on the page, for checking `#anchor` links.
    pub anchors: HashSet<String>,
    /// Links with an anchor, checked once every page is rendered.
    pub anchor_links: Vec<AnchorLink>,
    /// Links to site paths that are not source files (`/nas/`, `bilder/kart.png`), checked
    /// once every output is known (static files and generated lists included).
    pub site_links: Vec<SiteLink>,
    /// Facts for `varde check` (alt texts, headings, link texts, sentences).
    pub audit: super::audit::Audit,
    /// Every content key a link looked up, and what it found: the rendering stays valid
    /// while these still resolve the same (the preview's cache relies on it).
    pub link_targets: Vec<(String, Option<String>)>,
    /// The shortcode calls whose marks `html` and `summary` carry, in order; the render
    /// stage replaces the marks (`render::shortcodes`).
    pub shortcodes: Vec<super::shortcodes::Call>,
    /// A hash of `html` and `summary`.
    pub hash: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteLink {
    /// The site path a browser would ask for (`/nas/tegn/bilde.png`), without the base path,
    /// query or fragment.
    pub path: String,
    /// Byte offset of the link's destination in the linking file, and its length.
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub struct AnchorLink {
    /// Content key of the page linked to (`nas/tegn.md`).
    pub target: String,
    pub anchor: String,
    /// Byte offset of the link in the linking file, for the diagnostic.
    pub offset: usize,
}

/// What rendering needs to know about the rest of the site.
pub struct Links<'a> {
    /// Content key -> site path, for pages, sections and assets.
    pub paths: &'a HashMap<String, String>,
    /// Prefix for root-relative URLs (`/smil/`).
    pub base_path: &'a str,
    pub raw_html: bool,
    /// Content keys of draft pages left out of this build, for a clearer error.
    /// How heading ids are made (`anchors:` in site.yaml).
    pub anchors: crate::slug::Anchors,
    /// Pages left out of this build, for a clearer error than "missing".
    pub unpublished: &'a HashMap<String, super::Unpublished>,
    /// Collect the facts `varde check` reads (`Rendered::audit`); a build skips that work.
    pub audit: bool,
    /// The site's languages: a link from `side.en.md` to `tegn.md` leads to `tegn.en.md`
    /// when there is one.
    pub languages: &'a [crate::config::Language],
}

fn options() -> Options {
    // Definition lists (`term` then `: definition`) as Hugo renders them by default.
    Options::ENABLE_TABLES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// The text of the body's first level-1 heading, if it has one: the title of a page whose
/// front matter gives none. Parses only as far as that heading.
pub fn first_heading(body: &str) -> Option<String> {
    let mut parser = Parser::new_ext(body, options());
    parser.find(|e| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    })?;
    let mut text = String::new();
    for e in parser {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Renders the body of `file`. With `title_heading`, the first `# heading` is the page's
/// title (see `first_heading`) and is left out, so the theme does not show it twice.
pub fn render(
    file: &SourceFile,
    links: &Links<'_>,
    title_heading: bool,
) -> (Rendered, Vec<Diagnostic>) {
    let mut early = Vec::new();
    let prepared = super::shortcodes::prepare(file, &mut early);
    let body = prepared.as_ref().map_or(file.body(), |p| p.text.as_str());
    let calls = prepared.as_ref().map_or(&[][..], |p| p.calls.as_slice());
    let mut marked = vec![false; calls.len()];
    let base = file.body_start;
    let mut ctx = Ctx {
        file,
        links,
        diags: early,
        anchor_links: Vec::new(),
        site_links: Vec::new(),
        link_targets: Vec::new(),
    };
    // About one event per 25 bytes of Markdown on the benchmark corpus: sized up front, the
    // list is not copied as it grows (0.4 % of a build's instructions, callgrind, 1k corpus).
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 24 + 16);
    let mut out = Rendered::default();
    let mut headings = HeadingIds {
        style: links.anchors,
        used: HashMap::new(),
    };
    let mut heading_at: Option<usize> = None;
    let mut observer = links.audit.then(super::audit::Observer::default);
    let mut heading_text = String::new();
    let mut flat_toc: Vec<TocEntry> = Vec::new();
    let mut more_at: Option<usize> = None;
    // An image being read: where it starts, and its alt text so far. `varde check` reports
    // a missing alt text as an error of its own (the audit); a build warns.
    let mut image: Option<(usize, String)> = None;
    let mut raw = RawHtml {
        allowed: links.raw_html,
        open_lang: Vec::new(),
    };

    // 0: the title heading is yet to come; 1: inside it; 2: done (or there is none).
    let mut title_state = if title_heading { 0 } else { 2 };
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if title_state < 2 {
            match &event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }) if title_state == 0 => title_state = 1,
                Event::End(TagEnd::Heading(HeadingLevel::H1)) if title_state == 1 => {
                    title_state = 2;
                    continue;
                }
                _ => {}
            }
            if title_state == 1 {
                continue;
            }
        }
        let start = base + range.start;
        let mut offset = start;
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &event {
            // Point diagnostics at the destination, not at the `[` that opens the link.
            if let Some(i) = body
                .get(range.clone())
                .and_then(|t| t.rfind(dest_url.as_ref()))
            {
                offset += i;
            }
        }
        if let Some(o) = observer.as_mut() {
            o.observe(&event, start);
        }
        let event = match event {
            Event::Start(Tag::Heading { .. }) => {
                heading_at = Some(events.len());
                heading_text.clear();
                event
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(i) = heading_at.take() {
                    let id = headings.name(&mut events[i], &heading_text);
                    out.anchors.insert(id.clone());
                    if level >= HeadingLevel::H2 {
                        flat_toc.push(TocEntry {
                            level: level as u8,
                            id,
                            title: heading_text.trim().to_string(),
                            children: vec![],
                        });
                    }
                }
                event
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.word_count += count_words(t);
                if heading_at.is_some() {
                    heading_text.push_str(t);
                }
                if let Some((_, alt)) = image.as_mut() {
                    alt.push_str(t);
                }
                event
            }
            Event::End(TagEnd::Image) => {
                if let Some((at, alt)) = image.take() {
                    if alt.trim().is_empty() && !links.audit {
                        ctx.diags.push(
                            Diagnostic::warning("image without alt text")
                                .in_file(&file.rel)
                                .at_offset(&file.text, at, 2)
                                .hint("describe what the image shows: ![En mor som holder et spedbarn](bilde.jpg); a purely decorative image belongs in the theme, not the text"),
                        );
                    }
                }
                event
            }
            Event::Start(mut tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                let is_image = matches!(tag, Tag::Image { .. });
                if is_image {
                    image = Some((start, String::new()));
                }
                if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
                    ctx.destination(dest_url, is_image, offset);
                }
                Event::Start(tag)
            }
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if super::shortcodes::placeholder_of(calls, h, start..base + range.end)
                    .is_some() =>
            {
                // A shortcode's placeholder: its mark, once (a call on several lines is
                // several events of one HTML block).
                let n = super::shortcodes::placeholder_of(calls, h, start..base + range.end)
                    .unwrap_or(0);
                if std::mem::replace(&mut marked[n], true) {
                    continue;
                }
                let mark = CowStr::from(super::shortcodes::mark(n));
                match event {
                    Event::InlineHtml(_) => Event::InlineHtml(mark),
                    _ => Event::Html(mark),
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if html.trim() == "<!-- more -->" {
                    more_at = Some(events.len());
                    continue;
                }
                if raw.allowed {
                    // `#anchor` links may point at an id written in raw HTML.
                    out.anchors.extend(html_ids(&html));
                }
                match raw.event(html, offset, &mut ctx) {
                    Some(e) => e,
                    None => continue,
                }
            }
            other => other,
        };
        events.push(event);
    }

    raw.close_open(&mut events);
    let summary_events: &[Event<'_>] = match more_at {
        Some(i) => &events[..i],
        None => first_paragraph(&events),
    };
    pulldown_cmark::html::push_html(&mut out.summary, summary_events.iter().cloned());
    out.html.reserve(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out.toc = nest(flat_toc);
    out.anchor_links = ctx.anchor_links;
    out.site_links = ctx.site_links;
    out.link_targets = ctx.link_targets;
    if let Some(p) = prepared {
        out.shortcodes = p.calls;
    }
    out.hash =
        super::source::hash_str(&out.html) ^ super::source::hash_str(&out.summary).rotate_left(1);
    out.audit = observer.map(|o| o.finish()).unwrap_or_default();
    (out, ctx.diags)
}

/// Heading ids: the one given (`{#id}`) or made from the text, unique on the page.
struct HeadingIds {
    style: crate::slug::Anchors,
    used: HashMap<String, usize>,
}

impl HeadingIds {
    /// Gives the heading that `start` opens its id, and returns it.
    fn name(&mut self, start: &mut Event<'_>, text: &str) -> String {
        let Event::Start(Tag::Heading { id, .. }) = start else {
            return String::new();
        };
        let wanted = match id {
            Some(given) => given.to_string(),
            None => self.style.id(text),
        };
        let unique = unique_id(&mut self.used, wanted);
        *id = Some(CowStr::from(unique.clone()));
        unique
    }
}

fn unique_id(used: &mut HashMap<String, usize>, wanted: String) -> String {
    let n = used.entry(wanted.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        wanted
    } else {
        let id = format!("{wanted}-{}", *n - 1);
        used.insert(id.clone(), 1);
        id
    }
}

fn first_paragraph<'e>(events: &'e [Event<'e>]) -> &'e [Event<'e>] {
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return &[];
    };
    let end = events[start..]
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |i| start + i + 1);
    &events[start..end]
}

/// Turns a flat list of headings into a tree: each heading holds the deeper ones after it.
fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for entry in flat {
        insert(&mut root, entry);
    }
    root
}

fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if entry.level > last.level => insert(&mut last.children, entry),
        _ => list.push(entry),
    }
}

/// Plain text of rendered HTML, for descriptions made from summaries.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::source;

    fn md(key: &str, text: &str, raw_html: bool) -> (Rendered, Vec<Diagnostic>) {
        let file = source::read(
            format!("content/{key}").into(),
            key.into(),
            text.as_bytes().to_vec(),
        )
        .unwrap();
        let mut paths = HashMap::new();
        paths.insert(
            "nas/symptomer.md".to_string(),
            "/nas/symptomer/".to_string(),
        );
        paths.insert("nas/_index.md".to_string(), "/nas/".to_string());
        let unpublished = HashMap::new();
        let links = Links {
            paths: &paths,
            base_path: "/smil/",
            raw_html,
            unpublished: &unpublished,
            anchors: crate::slug::Anchors::Ascii,
            audit: true,
            languages: &[],
        };
        render(&file, &links, false)
    }

    #[test]
    fn heading_anchors_are_stable_and_unique() {
        let (r, _) = md(
            "a.md",
            "## Hva er NAS?\n\n## Støtte i svangerskapet\n\n## Hva er NAS?\n\n## Eget {#mitt-id}\n",
            false,
        );
        assert!(r.html.contains(r#"<h2 id="hva-er-nas">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="stotte-i-svangerskapet">"#));
        assert!(r.html.contains(r#"<h2 id="hva-er-nas-1">"#));
        assert!(r.html.contains(r#"<h2 id="mitt-id">"#));
        assert_eq!(r.toc.len(), 4);
    }

    #[test]
    fn toc_nests_deeper_headings() {
        let (r, _) = md("a.md", "## A\n\n### A1\n\n### A2\n\n## B\n", false);
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children.len(), 2);
    }

    #[test]
    fn links_to_source_files_become_urls() {
        let (r, d) = md(
            "smil/kurs.md",
            "Se [tegn](../nas/symptomer.md#tegn) og [NAS](../nas/).\n",
            false,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(
            r.html.contains(r#"href="/smil/nas/symptomer/#tegn""#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"href="/smil/nas/""#), "{}", r.html);
        assert_eq!(r.anchor_links.len(), 1);
        assert_eq!(r.anchor_links[0].target, "nas/symptomer.md");
    }

    #[test]
    fn missing_link_target_is_an_error_with_line() {
        let (_, d) = md(
            "smil/kurs.md",
            "---\ntitle: x\n---\n\nSe [tegn](../nas/symptomr.md).\n",
            false,
        );
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (5, 11));
        assert!(
            d[0].hint
                .as_deref()
                .unwrap()
                .contains("../nas/symptomer.md"),
            "{:?}",
            d[0].hint
        );
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        let (r, d) = md("a.md", "Hei <script>alert(1)</script>\n", false);
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        // One warning per tag: the opening and the closing one.
        assert_eq!(d.len(), 2);
        let (r, _) = md("a.md", "Hei <b>du</b>\n", true);
        assert!(r.html.contains("<b>du</b>"));
    }

    #[test]
    fn stray_closing_tags_are_text_and_every_one_is_reported() {
        // (Markdown, must not contain, must contain, warnings)
        let table: &[(&str, &str, &str, usize)] = &[
            ("tekst </div> mer\n", "</div>", "&lt;/div&gt;", 1),
            (
                "</div>\n\n</div>\n\ntekst </span>\n",
                "</div>",
                "&lt;/span&gt;",
                3,
            ),
            (
                "<span lang=\"en\">hi</span></span>\n",
                "</span></span>",
                "<span lang=\"en\">hi</span>&lt;/span&gt;",
                1,
            ),
            (
                "<div lang=\"se\">\n\nBures.\n\n</span>\n\n</div>\n\n</div>\n",
                "</div>\n</div>",
                "&lt;/span&gt;",
                2,
            ),
            ("<b>a</b> og <i>b</i>\n", "<b>", "&lt;i&gt;", 4),
        ];
        for &(text, never, always, warnings) in table {
            let (r, d) = md("a.md", text, false);
            assert!(!r.html.contains(never), "{text:?}: {}", r.html);
            assert!(r.html.contains(always), "{text:?}: {}", r.html);
            assert_eq!(d.len(), warnings, "{text:?}: {d:?}");
        }
        // A passage left open is closed at the end of the page, not by the theme's tags.
        let (r, _) = md("a.md", "<div lang=\"se\">\n\nBures.\n", false);
        assert!(r.html.trim_end().ends_with("</div>"), "{}", r.html);
    }

    #[test]
    fn anchors_may_point_at_ids_in_raw_html() {
        let (r, _) = md(
            "a.md",
            "<a id=\"tegn\"></a>\n\nTekst <span id='kort' data-id=\"nei\">x</span>\n",
            true,
        );
        assert!(
            r.anchors.contains("tegn") && r.anchors.contains("kort"),
            "{:?}",
            r.anchors
        );
        assert!(!r.anchors.contains("nei"), "{:?}", r.anchors);
        // Without raw HTML the tags are text, and their ids are not anchors.
        let (r, _) = md("a.md", "<a id=\"tegn\"></a>\n", false);
        assert!(!r.anchors.contains("tegn"), "{:?}", r.anchors);
    }

    #[test]
    fn language_passages_are_allowed_without_raw_html() {
        let (r, d) = md("a.md", "Hun sa <span lang=\"en\">thank you</span>.\n\n<div lang=\"se\">\n\nBures boahtin.\n\n</div>\n", false);
        assert!(d.is_empty(), "{d:?}");
        assert!(
            r.html.contains("<span lang=\"en\">thank you</span>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<div lang=\"se\">"), "{}", r.html);
        let (r, d) = md(
            "a.md",
            "<span lang=\"en\" onclick=\"x()\">hi</span>\n",
            false,
        );
        assert!(r.html.contains("&lt;span lang"), "{}", r.html);
        // The refused opening tag, and the end tag that then closes nothing.
        assert!(r.html.contains("&lt;/span&gt;"), "{}", r.html);
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn summary_word_count_and_extensions() {
        let (r, _) = md("a.md", "Første avsnitt her.\n\nAndre.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] ferdig\n\n~~borte~~ \"sitat\"[^1]\n\n[^1]: Fotnote.\n", false);
        assert_eq!(r.summary.trim(), "<p>Første avsnitt her.</p>");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("<del>"));
        assert!(r.html.contains("“sitat”"));
        assert!(r.html.contains("footnote"));
        assert!(r.word_count >= 8);
        let (r, _) = md(
            "a.md",
            "Intro en.\n\nIntro to.\n\n<!-- more -->\n\nResten.\n",
            false,
        );
        assert!(r.summary.contains("Intro to."));
        assert!(!r.summary.contains("Resten"));
        assert!(!r.html.contains("more"));
    }
}
