//! Raw HTML in Markdown: with `raw_html: true` it passes as written (and its `id`s count as
//! anchors); otherwise it is shown as text with a warning for each tag. Language tags
//! (`<span lang="en">`) are the one exception, and only as balanced pairs, so a stray
//! `</div>` can never close the theme's own markup.

use pulldown_cmark::{CowStr, Event};

use super::links::Ctx;
use crate::diagnostics::Diagnostic;

/// Raw HTML in Markdown: passed through with `raw_html: true`; otherwise shown as text
/// with a warning for each tag, except comments (dropped) and language tags.
pub(super) struct RawHtml {
    pub allowed: bool,
    /// Language tags (`<div lang="se">`) open and not yet closed, innermost last.
    pub open_lang: Vec<&'static str>,
}

impl RawHtml {
    /// What a piece of raw HTML becomes; `None` drops it.
    pub(super) fn event<'e>(
        &mut self,
        html: CowStr<'e>,
        offset: usize,
        ctx: &mut Ctx<'_>,
    ) -> Option<Event<'e>> {
        let trimmed = html.trim();
        // A language tag is let through only as a balanced pair: a stray `</div>` would
        // close the theme's own wrapper early.
        let lang_tag = match lang_tag(trimmed) {
            Some(LangTag::Open(t)) => {
                self.open_lang.push(t);
                true
            }
            Some(LangTag::Close(t)) if self.open_lang.last() == Some(&t) => {
                self.open_lang.pop();
                true
            }
            _ => false,
        };
        if lang_tag {
            // A passage in a language written right to left (`<div lang="ar">`) gets its
            // direction too, so it is laid out and read aloud the right way round.
            if let Some(code) = trimmed
                .strip_suffix("\">")
                .and_then(|t| t.split_once(" lang=\""))
                .map(|(_, c)| c)
                .filter(|c| crate::html::direction(c) == "rtl")
            {
                let tag = if trimmed.starts_with("<span") {
                    "span"
                } else {
                    "div"
                };
                let with_dir = format!("<{tag} lang=\"{code}\" dir=\"rtl\">");
                let rest = &html[html.find('>').map_or(html.len(), |i| i + 1)..];
                return Some(Event::Html(CowStr::from(format!("{with_dir}{rest}"))));
            }
            return Some(Event::Html(html));
        }
        if self.allowed {
            return Some(Event::Html(html));
        }
        if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            // Comments are notes to other editors: drop them rather than show them.
            return None;
        }
        ctx.diags.push(
            Diagnostic::warning("raw HTML is shown as text on this page")
                .in_file(&ctx.file.rel)
                .at_offset(&ctx.file.text, offset, trimmed.len().min(40))
                .hint("write it in Markdown, or set `raw_html: true` in site.yaml if you trust every editor"),
        );
        Some(Event::Text(html))
    }

    /// A language passage left open is closed where the page ends, inside the page.
    pub(super) fn close_open(self, events: &mut Vec<Event<'_>>) {
        for tag in self.open_lang.into_iter().rev() {
            events.push(Event::Html(CowStr::from(if tag == "div" {
                "</div>\n"
            } else {
                "</span>"
            })));
        }
    }
}

/// The `id` attributes in a piece of raw HTML (`<a id="tegn">`, `id='x'`).
pub(super) fn html_ids(html: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find("id=") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + 3..];
        // ` id=`, not `data-id=` or `grid=`.
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            out.push(rest[1..1 + end].to_string());
            rest = &rest[1 + end..];
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum LangTag {
    Open(&'static str),
    Close(&'static str),
}

/// `<span lang="en">`, `<div lang="se">` and their end tags: the one piece of HTML allowed
/// without `raw_html`, so editors can mark a passage in another language (WCAG 3.1.2). The
/// language code is checked, so nothing else can ride along; the caller lets an end tag
/// through only when it closes an open one.
fn lang_tag(html: &str) -> Option<LangTag> {
    match html {
        "</span>" => return Some(LangTag::Close("span")),
        "</div>" => return Some(LangTag::Close("div")),
        _ => {}
    }
    let (tag, rest) = if let Some(r) = html.strip_prefix("<span lang=\"") {
        ("span", r)
    } else {
        ("div", html.strip_prefix("<div lang=\"")?)
    };
    let code = rest.strip_suffix("\">")?;
    ((2..=12).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && code.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
    .then_some(LangTag::Open(tag))
}
