//! Shortcodes in Markdown, Zola's way: `{{ name(arg="x") }}` for an inline block of the
//! theme, `{% name(arg="x") %}` … `{% end %}` around Markdown that becomes its `body`.
//! `{{/* name() */}}` writes the call as text. Hugo's `{{< … >}}`, Liquid's `{% … %}` and
//! `{{ page.title }}` are errors naming what to write instead, so none of them reaches a
//! page as text.
//!
//! The load stage only finds the calls. Each call's bytes in the body are replaced by a
//! placeholder of the same length, so every offset (and so every diagnostic) stays where it
//! was: an HTML comment when the call stands on lines of its own (an HTML block, which
//! closes a paragraph as a `<div>` would), otherwise a marker in the text. Rendering turns
//! either into `MARK` + the call's number + `END`, and the render stage, which has the
//! templates and the whole site, puts each call's HTML there (`render::shortcodes`).

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Map, Value};

use super::shortcode_syntax::{scan, Scanned};
use super::source::SourceFile;
use crate::diagnostics::Diagnostic;

/// Opens a call's mark in rendered HTML; the call's number and `END` follow.
pub const MARK: char = '\u{E000}';
pub const END: char = '\u{E001}';

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `{{ name(...) }}`: replaced by its template's output.
    Inline,
    /// `{% name(...) %}`: its template's output up to `body`.
    Open,
    /// `{% end %}` of the call numbered `open`: the rest of that output.
    Close { open: usize },
    /// `{{/* … */}}`: this text, as text.
    Literal(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Map<String, Value>,
    /// Byte offset of the call in the file's text, and its length.
    pub offset: usize,
    pub len: usize,
    pub kind: Kind,
    /// The call stands on lines of its own, so its HTML is a block of the page, not a
    /// part of a paragraph.
    pub own_line: bool,
}

/// The body with every call replaced by its placeholder, and the calls in order.
pub struct Prepared {
    pub text: String,
    pub calls: Vec<Call>,
}

/// Finds the calls in a body. `None` when there is nothing to do (no `{{` or `{%` outside
/// code), which is the case for nearly every page and costs one scan.
pub fn prepare(file: &SourceFile, diags: &mut Vec<Diagnostic>) -> Option<Prepared> {
    let body = file.body();
    if !body.contains("{{") && !body.contains("{%") {
        return None;
    }
    let code = code_ranges(body);
    let mut calls: Vec<Call> = vec![];
    let mut spans: Vec<Range<usize>> = vec![];
    let mut open: Vec<usize> = vec![];
    let mut at = 0;
    while let Some(i) = find_open(body, at) {
        if let Some(r) = code.iter().find(|r| r.contains(&i)) {
            at = r.end;
            continue;
        }
        let err = |msg: String, hint: String, len: usize| {
            Diagnostic::error(msg)
                .in_file(&file.rel)
                .at_offset(&file.text, file.body_start + i, len)
                .hint(hint)
        };
        match scan(&body[i..]) {
            Scanned::Call {
                len,
                name,
                args,
                block,
            } => {
                let kind = if block { Kind::Open } else { Kind::Inline };
                if block {
                    open.push(calls.len());
                }
                calls.push(call(file, i, len, name, args, kind));
                spans.push(i..i + len);
                at = i + len;
            }
            Scanned::End { len } => {
                match open.pop() {
                    Some(o) => {
                        calls.push(call(file, i, len, "end".into(), Map::new(), Kind::Close { open: o }));
                        spans.push(i..i + len);
                    }
                    None => diags.push(err(
                        "`{% end %}` closes no shortcode".into(),
                        "remove it, or open a shortcode with a body before it: `{% detaljer(tittel=\"...\") %}`".into(),
                        len,
                    )),
                }
                at = i + len;
            }
            Scanned::Literal { len, text } => {
                calls.push(call(
                    file,
                    i,
                    len,
                    String::new(),
                    Map::new(),
                    Kind::Literal(text),
                ));
                spans.push(i..i + len);
                at = i + len;
            }
            Scanned::Foreign { len, message, hint } => {
                diags.push(err(message, hint, len.min(60)));
                // Left as it is: the build stops on the error, so it is never published.
                at = i + len;
            }
            Scanned::Bad {
                len,
                message,
                at: col,
            } => {
                diags.push(
                    Diagnostic::error(message)
                        .in_file(&file.rel)
                        .at_offset(&file.text, file.body_start + i + col, 1)
                        .hint("a shortcode is written `{{ name(key=\"text\", n=3, yes=true) }}`, or `{% name(...) %}` … `{% end %}` around text"),
                );
                at = i + len.max(2);
            }
        }
    }
    for o in open {
        let c = &calls[o];
        diags.push(
            Diagnostic::error(format!("the shortcode `{}` is never closed", c.name))
                .in_file(&file.rel)
                .at_offset(&file.text, c.offset, c.len)
                .hint("end its text with `{% end %}` on a line of its own"),
        );
    }
    if calls.is_empty() {
        return None;
    }
    let mut text = body.to_string();
    for (n, span) in spans.iter().enumerate() {
        // A mark carries the call's number; a call written very short (`{{a()}}`) on a
        // page of many calls has no room for it.
        let Some((placeholder, own_line)) = placeholder(body, span.clone(), n) else {
            diags.push(
                Diagnostic::error("this shortcode is written too short to be placed")
                    .in_file(&file.rel)
                    .at_offset(&file.text, file.body_start + span.start, span.len())
                    .hint("write it with spaces, as `{{ name() }}`"),
            );
            continue;
        };
        calls[n].own_line = own_line;
        text.replace_range(span.clone(), &placeholder);
    }
    Some(Prepared { text, calls })
}

fn call(
    file: &SourceFile,
    i: usize,
    len: usize,
    name: String,
    args: Map<String, Value>,
    kind: Kind,
) -> Call {
    Call {
        name,
        args,
        offset: file.body_start + i,
        len,
        kind,
        own_line: false,
    }
}

/// The call whose placeholder raw HTML is (a line of), if it is one: a comment of spaces
/// only, overlapping the call's bytes (`range`, offsets in the file).
pub fn placeholder_of(calls: &[Call], html: &str, range: Range<usize>) -> Option<usize> {
    let blank = html
        .trim()
        .trim_start_matches("<!--")
        .trim_end_matches("-->")
        .trim()
        .is_empty();
    if calls.is_empty() || !blank {
        return None;
    }
    let i = calls.partition_point(|c| c.offset + c.len <= range.start);
    (i < calls.len() && calls[i].offset < range.end).then_some(i)
}

/// The mark rendered HTML carries for call `n`.
pub fn mark(n: usize) -> String {
    format!("{MARK}{n}{END}")
}

/// Same length in bytes as `span`, newlines kept. On lines of its own (then `true`): an
/// HTML comment (an HTML block); elsewhere: `MARK` n, filler, `END` in the text.
fn placeholder(body: &str, span: Range<usize>, n: usize) -> Option<(String, bool)> {
    let line_start = body[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = body[span.end..]
        .find('\n')
        .map_or(body.len(), |i| span.end + i);
    // An HTML block may be indented by three spaces at most (more is code).
    let before = &body[line_start..span.start];
    let alone =
        before.len() <= 3 && before.trim().is_empty() && body[span.end..line_end].trim().is_empty();
    // Bytes, not characters: a name may hold any letter, and the filler keeps only the
    // newlines, each at its byte.
    let original = body[span.clone()].as_bytes();
    let fill = |s: &mut String, bytes: &[u8]| {
        for &c in bytes {
            s.push(if c == b'\n' { '\n' } else { ' ' });
        }
    };
    let mut out = String::with_capacity(original.len());
    if alone {
        // Every call is at least 7 bytes (`{{a()}}`), as `<!---->` is.
        let inner = original.get(4..original.len().checked_sub(3)?)?;
        out.push_str("<!--");
        fill(&mut out, inner);
        out.push_str("-->");
    } else {
        let head = format!("{MARK}{n}");
        let rest = original.len().checked_sub(head.len() + END.len_utf8())?;
        out.push_str(&head);
        for _ in 0..rest {
            out.push('x');
        }
        out.push(END);
    }
    (out.len() == original.len()).then_some((out, alone))
}

/// Where the next `{{` or `{%` starts, from `at`.
fn find_open(body: &str, at: usize) -> Option<usize> {
    let b = body.as_bytes();
    let mut i = at;
    while i + 1 < b.len() {
        if b[i] == b'{' && (b[i + 1] == b'{' || b[i + 1] == b'%') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Byte ranges of code spans and code blocks, where nothing is a shortcode.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut out = vec![];
    let mut block: Option<usize> = None;
    for (e, r) in Parser::new(body).into_offset_iter() {
        match e {
            Event::Code(_) => out.push(r),
            Event::Start(Tag::CodeBlock(_)) => block = Some(r.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(s) = block.take() {
                    out.push(s..r.end);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(body: &str) -> (Option<Prepared>, Vec<Diagnostic>) {
        let file = super::super::source::read(
            "content/a.md".into(),
            "a.md".into(),
            body.as_bytes().to_vec(),
        )
        .unwrap();
        let mut diags = vec![];
        (prepare(&file, &mut diags), diags)
    }

    #[test]
    fn calls_are_read_with_their_arguments() {
        let (p, d) = calls(
            "Ring {{ tjeneste(sti=\"tjenester/a\", n=3, x=1.5, ja=true, l=['a', `b`]) }} nå.\n",
        );
        assert!(d.is_empty(), "{d:?}");
        let p = p.unwrap();
        assert_eq!(p.calls.len(), 1);
        let c = &p.calls[0];
        assert_eq!(c.name, "tjeneste");
        assert_eq!(c.kind, Kind::Inline);
        assert_eq!(c.args["sti"], "tjenester/a");
        assert_eq!(c.args["n"], 3);
        assert_eq!(c.args["x"], 1.5);
        assert_eq!(c.args["ja"], true);
        assert_eq!(c.args["l"], serde_json::json!(["a", "b"]));
        assert_eq!(
            p.text.len(),
            "Ring {{ tjeneste(sti=\"tjenester/a\", n=3, x=1.5, ja=true, l=['a', `b`]) }} nå.\n"
                .len()
        );
        assert!(p.text.starts_with(&format!("Ring {MARK}0x")));
    }

    #[test]
    fn blocks_nest_and_stand_on_their_own_lines() {
        let body = "{% viktig() %}\nRing 113.\n{% detaljer(tittel=\"Mer\") %}\nTekst.\n{% end %}\n{% end %}\n";
        let (p, d) = calls(body);
        assert!(d.is_empty(), "{d:?}");
        let p = p.unwrap();
        let kinds: Vec<&Kind> = p.calls.iter().map(|c| &c.kind).collect();
        assert_eq!(
            kinds,
            [
                &Kind::Open,
                &Kind::Open,
                &Kind::Close { open: 1 },
                &Kind::Close { open: 0 }
            ]
        );
        assert!(
            p.text.starts_with("<!--       -->\nRing 113.\n<!--"),
            "{:?}",
            p.text
        );
        assert_eq!(p.text.len(), body.len());
    }

    #[test]
    fn code_is_left_alone_and_literals_are_text() {
        let (p, d) = calls("`{{ a() }}`\n\n```\n{% b() %}\n```\n\n{{/* c(x=1) */}}\n");
        assert!(d.is_empty(), "{d:?}");
        let p = p.unwrap();
        assert_eq!(p.calls.len(), 1);
        assert_eq!(p.calls[0].kind, Kind::Literal("{{ c(x=1) }}".into()));
    }

    #[test]
    fn hostile_bodies_never_panic_and_keep_their_length() {
        // Fragments that break naive scanners: multi-byte letters where byte offsets are cut,
        // unclosed calls and strings, nesting, code, and marks of our own in the text.
        let parts = [
            "{{ ø() }}",
            "{{ø()}}",
            "{%ø()%}",
            "{% end %}",
            "{{a()}}",
            "{{ a(x=\"}}\") }}",
            "{{",
            "{%",
            "}}",
            "%}",
            "`{{ a() }}`",
            "\n```\n{% b() %}\n```\n",
            "{{/* ø */}}",
            "{{< ø >}}",
            "{{% x %}}",
            "{{ page.ø }}",
            "\u{E000}1\u{E001}",
            "\n",
            "  ",
            "æøå ",
            "{{ a(l=[1,[2]]) }}",
            "{{ a(x='ø) }}",
            "<!--",
            "-->",
        ];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in ["", "\n\n", " tekst "] {
                    let body = format!("{a}{c}{b}{c}{a}\n");
                    let (p, _) = calls(&body);
                    if let Some(p) = p {
                        assert_eq!(p.text.len(), body.len(), "{body:?}");
                    }
                    n += 1;
                }
            }
        }
        // Many calls on one page, each as short as can be: the ones without room for their
        // number are an error, never a shifted page.
        let many = "{{a()}} ".repeat(15);
        let (p, d) = calls(&many);
        assert_eq!(p.unwrap().text.len(), many.len());
        assert!(d.iter().any(|d| d.message.contains("too short")), "{d:?}");
        assert!(n > 1000);
    }

    #[test]
    fn other_generators_and_mistakes_are_errors_at_their_place() {
        // (body, what the message says, line, column)
        let table: &[(&str, &str, usize, usize)] = &[
            (
                "Se {{< figure src=\"a.jpg\" >}}\n",
                "Hugo's shortcode `figure`",
                1,
                4,
            ),
            (
                "{{% notice info %}}\nx\n{{% /notice %}}\n",
                "Hugo's shortcode `notice`",
                1,
                1,
            ),
            (
                "Hei\n{% include footer.html %}\n",
                "Liquid's tag `{% include %}`",
                2,
                1,
            ),
            (
                "Av {{ page.author }}\n",
                "`{{ page.author }}` is template code",
                1,
                4,
            ),
            (
                "{{ a(x=) }}\n",
                "in the shortcode `a`: a value is missing",
                1,
                8,
            ),
            ("{{ a(x=ja) }}\n", "`ja` is not a value", 1, 8),
            ("{{ a(x=\"1\" }}\n", "expected `,` or `)`", 1, 12),
            (
                "{% a() %}\ntekst\n",
                "the shortcode `a` is never closed",
                1,
                1,
            ),
            (
                "tekst\n{% end %}\n",
                "`{% end %}` closes no shortcode",
                2,
                1,
            ),
        ];
        for (body, says, line, col) in table {
            let (_, d) = calls(body);
            let first = d.first().unwrap_or_else(|| panic!("no error for {body:?}"));
            assert!(first.message.contains(says), "{body:?}: {}", first.message);
            assert_eq!(
                (first.line, first.column),
                (*line, *col),
                "{body:?}: {}",
                first.message
            );
        }
        let (p, d) = calls("Ingen {kode} her, {ikke} {{heller}}.\n");
        assert!(p.is_none());
        assert_eq!(d.len(), 1, "{{heller}} is Liquid: {d:?}");
    }
}
