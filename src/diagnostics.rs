//! Diagnostics: every problem the pipeline finds, with where it is and how to fix it.
//!
//! Stages never stop at the first problem: they push into a [`Diagnostics`] list and carry on
//! with a sensible default, so an editor sees every mistake in one run. The list is printed
//! once, sorted by file and line, and decides the exit code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One line of source shown under a diagnostic, already cut to a readable width.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    pub text: String,
    /// Byte range within `text` to underline.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the editor knows it, relative to the site root (e.g. `content/nas/tegn.md`).
    pub file: Option<PathBuf>,
    /// 1-based; 0 when unknown.
    pub line: usize,
    /// 1-based, counted in characters; 0 when unknown.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    #[serde(skip)]
    pub source: Option<Box<SourceLine>>,
    /// The disk failed (full, read-only, gone), not the content: a build exits with its
    /// own code for it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub io: bool,
    /// Messages with the same key are one finding for the whole site (a peer's front-matter
    /// field varde ignores, on every page of a site moved over): the terminal shows the
    /// first in full and the others as places. `--all` and JSON keep each one.
    #[serde(skip)]
    pub once: Option<Box<str>>,
}

/// Lines longer than this are shown as a window around the column, so a 5 MB line
/// does not flood the terminal.
const MAX_SNIPPET_CHARS: usize = 120;

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source: None,
            io: false,
            once: None,
        }
    }

    /// An error of the disk rather than of the content (see `io`).
    pub fn io_error(message: impl Into<String>) -> Self {
        let mut d = Self::error(message);
        d.io = true;
        d
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Points at a byte offset of `text` (the whole file) and underlines `len` bytes.
    pub fn at_offset(mut self, text: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        self.line = text[..line_start].matches('\n').count() + 1;
        self.column = text[line_start..offset].chars().count() + 1;
        let line = &text[line_start..line_end];
        let col_byte = offset - line_start;
        let end_byte = floor_char_boundary(line, (col_byte + len.max(1)).min(line.len()));
        self.source = Some(Box::new(window(line, col_byte, end_byte.max(col_byte))));
        self
    }

    /// Points at a 1-based line and column of `text`.
    pub fn at_line_col(self, text: &str, line: usize, column: usize, len: usize) -> Self {
        let offset = offset_of(text, line, column);
        self.at_offset(text, offset, len)
    }

    /// Points at a line without a snippet (e.g. when the source is not at hand).
    pub fn at_line(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Shown once for the whole site under `key` (see `once`).
    pub fn once_per_site(mut self, key: impl Into<String>) -> Self {
        self.once = Some(key.into().into_boxed_str());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// What kind of message this is, for grouping many of one kind: the severity and the
    /// message with what is quoted (`...`) and every number left out.
    pub fn kind(&self) -> String {
        if let Some(key) = &self.once {
            return key.to_string();
        }
        let mut out = String::from(match self.severity {
            Severity::Error => "error: ",
            Severity::Warning => "warning: ",
        });
        let mut quoted = false;
        let mut last_digit = false;
        for c in self.message.chars() {
            if c == '`' {
                if !quoted {
                    out.push_str("`…`");
                }
                quoted = !quoted;
                continue;
            }
            if quoted {
                continue;
            }
            if c.is_ascii_digit() {
                if !last_digit {
                    out.push('#');
                }
                last_digit = true;
                continue;
            }
            last_digit = false;
            out.push(c);
        }
        out
    }

    /// `content/nas/tegn.md:3:7`, or as much of it as is known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut s = file.display().to_string();
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.column > 0 {
                let _ = write!(s, ":{}", self.column);
            }
        }
        Some(s)
    }

    /// The header line followed by the snippet and the hint, as the terminal shows it.
    pub fn render(&self, color: bool) -> String {
        let title = match self.location() {
            Some(loc) => format!("{loc}: {}", self.message),
            None => self.message.clone(),
        };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(level.primary_title(title.as_str()));
        if let Some(src) = &self.source {
            group = group.element(
                Snippet::source(src.text.as_str())
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(src.start..src.end)),
            );
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Cuts a long line to a window around the underlined range.
fn window(line: &str, start: usize, end: usize) -> SourceLine {
    if line.chars().count() <= MAX_SNIPPET_CHARS {
        return SourceLine {
            text: line.to_string(),
            start,
            end,
        };
    }
    let from = floor_char_boundary(line, start.saturating_sub(40));
    let to = ceil_char_boundary(line, (from + MAX_SNIPPET_CHARS * 4).min(line.len()));
    let mut piece: String = line[from..to].chars().take(MAX_SNIPPET_CHARS).collect();
    let prefix = if from > 0 { "…" } else { "" };
    piece.push('…');
    let text = format!("{prefix}{piece}");
    let shift = prefix.len();
    let s = (start - from + shift).min(text.len());
    let e = (end.min(from + piece.len()) - from + shift).clamp(s, text.len());
    SourceLine {
        text,
        start: s,
        end: e,
    }
}

/// Byte offset of a 1-based line and (character) column.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
}

/// A kind of message that comes more often than this is shown grouped (`render`).
const GROUP_FROM: usize = 5;
/// How many of a grouped kind are shown in full.
const SHOWN_PER_KIND: usize = 3;

/// The site's settings file (`config::FILE`). Named here, at the bottom of the module
/// graph, because its diagnostics are shown first.
pub const SETTINGS_FILE: &str = "site.yaml";

/// All diagnostics of one run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Whether the disk failed (see `Diagnostic::io`).
    pub fn has_io_error(&self) -> bool {
        self.items.iter().any(|d| d.io)
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Stable order: file-less ones first, then `site.yaml` (a wrong setting explains
    /// errors further down), then by file, line and column.
    pub fn sort(&mut self) {
        let settings_last = |d: &Diagnostic| {
            d.file
                .as_deref()
                .is_some_and(|f| f != Path::new(SETTINGS_FILE))
        };
        self.items.sort_by(|a, b| {
            (
                settings_last(a),
                &a.file,
                a.line,
                a.column,
                a.severity,
                &a.message,
            )
                .cmp(&(
                    settings_last(b),
                    &b.file,
                    b.line,
                    b.column,
                    b.severity,
                    &b.message,
                ))
        });
        self.items.dedup_by(|a, b| {
            a.file == b.file && a.line == b.line && a.column == b.column && a.message == b.message
        });
    }

    /// Everything as the terminal shows it, with a closing count. A kind of message that
    /// comes more than `GROUP_FROM` times (a site moved over can give thousands of one
    /// kind) shows its first `SHOWN_PER_KIND` in full, then one line with the count and
    /// where the next few are; `render_all` shows every one.
    pub fn render(&self, color: bool) -> String {
        self.render_limited(color, true)
    }

    /// Every diagnostic in full (`--all`).
    pub fn render_all(&self, color: bool) -> String {
        self.render_limited(color, false)
    }

    fn render_limited(&self, color: bool, group: bool) -> String {
        let mut out = String::new();
        let mut counts: std::collections::HashMap<String, usize> = Default::default();
        for d in &self.items {
            *counts.entry(d.kind()).or_default() += 1;
        }
        // Kind -> (how many shown, the locations of the rest), in order of first appearance.
        let mut held: Vec<(String, usize, Vec<String>)> = vec![];
        for d in &self.items {
            let kind = d.kind();
            let (from, shown) = match d.once {
                Some(_) => (1, 1),
                None => (GROUP_FROM, SHOWN_PER_KIND),
            };
            if group && counts[&kind] > from {
                let i = match held.iter().position(|(k, _, _)| *k == kind) {
                    Some(i) => i,
                    None => {
                        held.push((kind.clone(), 0, vec![]));
                        held.len() - 1
                    }
                };
                if held[i].1 >= shown {
                    held[i].2.push(d.location().unwrap_or_default());
                    continue;
                }
                held[i].1 += 1;
            }
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        for (kind, _, rest) in &held {
            let total = counts[kind];
            let first: Vec<&str> = rest.iter().take(3).map(String::as_str).collect();
            let more = rest.len().saturating_sub(first.len());
            let places = if more > 0 {
                format!("{} and {more} other places", first.join(", "))
            } else {
                first.join(", ")
            };
            let _ = writeln!(
                out,
                "{total} × {kind}: {} more at {places}; `varde check --all` (or `varde build --all`) lists every one\n",
                rest.len(),
            );
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e + w > 0 {
            let _ = writeln!(
                out,
                "{e} error{}, {w} warning{}",
                if e == 1 { "" } else { "s" },
                if w == 1 { "" } else { "s" }
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_to_line_and_column_counts_characters() {
        let text = "---\ntitle: Støtte\ndate: 2019-02-30\n---\n";
        let off = text.find("2019").unwrap();
        let d = Diagnostic::error("no such date").at_offset(text, off, 10);
        assert_eq!((d.line, d.column), (3, 7));
        let src = d.source.unwrap();
        assert_eq!(&src.text[src.start..src.end], "2019-02-30");
    }

    #[test]
    fn long_lines_are_windowed() {
        let line = "x".repeat(5_000_000);
        let d = Diagnostic::error("long").at_offset(&line, 2_000_000, 1);
        let src = d.source.clone().unwrap();
        assert!(src.text.len() < 1000);
        assert_eq!(d.column, 2_000_001);
        assert!(d.render(false).contains("long"));
    }

    #[test]
    fn rendered_header_names_file_line_and_column() {
        let text = "a\nbc\n";
        let d = Diagnostic::error("bad")
            .in_file("content/x.md")
            .at_line_col(text, 2, 2, 1)
            .hint("fix it");
        let out = d.render(false);
        assert!(out.starts_with("error: content/x.md:2:2: bad"), "{out}");
        assert!(out.contains("fix it"), "{out}");
    }
}
