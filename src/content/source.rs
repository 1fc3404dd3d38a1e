//! Reading one Markdown file: bytes to text (UTF-8 checked, BOM and CRLF normalised) and
//! the split between front matter (YAML between `---` lines, or TOML between `+++` lines
//! as Hugo and Zola write it) and Markdown body.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// One content file as text, with the byte ranges of its two parts.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, as the editor sees it (`content/nas/tegn.md`).
    pub rel: PathBuf,
    /// Relative to `content/`, with `/` separators (`nas/tegn.md`); the key links use.
    pub key: String,
    /// The file's text with the BOM removed and CRLF turned into LF (lines keep their numbers).
    pub text: String,
    /// The front matter between the fences (empty range when there is none).
    pub yaml: Range<usize>,
    /// The front matter is TOML (`+++` fences) rather than YAML.
    pub toml: bool,
    /// 1-based line on which the front matter starts.
    pub yaml_line: usize,
    /// Where the Markdown body starts.
    pub body_start: usize,
    /// A hash of `text`, for telling a changed file from an unchanged one.
    pub hash: u64,
}

impl SourceFile {
    pub fn yaml(&self) -> &str {
        &self.text[self.yaml.clone()]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    pub fn has_front_matter(&self) -> bool {
        self.body_start > 0
    }

    /// The 1-based line and column in `text` of the front-matter key at `path`.
    pub fn locate(&self, path: &[&str]) -> Option<(usize, usize)> {
        let found = if self.toml {
            crate::toml_text::locate(self.yaml(), path)
        } else {
            crate::yaml::locate(self.yaml(), path)
        };
        found.map(|(line, col)| (self.yaml_line + line - 1, col))
    }
}

/// Turns raw bytes into a [`SourceFile`], or a diagnostic that says what is wrong.
pub fn read(rel: PathBuf, key: String, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Diagnostic::error("the file is not valid UTF-8 text")
                .in_file(&rel)
                .at_line(line, column)
                .hint(
                    "save the file as UTF-8 (most editors offer this under \"Save with encoding\")",
                ));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    };
    split(rel, key, text)
}

/// The fence a front matter opens with: `---` for YAML, `+++` for TOML.
fn fence(line: &str) -> Option<&'static str> {
    match line.trim_end() {
        "---" => Some("---"),
        "+++" => Some("+++"),
        _ => None,
    }
}

/// A hash of a text, for telling whether it changed between two builds of one process (the
/// preview's caches).
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

/// A hash of bytes, compared only within one process (caches, ETags). Every source file,
/// every page's HTML and, in the preview, every output goes through it, so it is aHash,
/// several times faster than the std hasher on long input; fixed seeds keep it stable for
/// as long as it is compared.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    ahash::RandomState::with_seeds(0x7661, 0x7264, 0x6520, 0x6861).hash_one(bytes)
}

fn split(rel: PathBuf, key: String, text: String) -> Result<SourceFile, Diagnostic> {
    let hash = hash_str(&text);
    // Zola and Hugo accept blank lines before the opening fence (files copied from a
    // theme's README often start with one).
    let lead = text.len() - text.trim_start_matches(['\n', ' ', '\t']).len();
    let lead = text[..lead].rfind('\n').map_or(0, |i| i + 1);
    let first_end = text[lead..].find('\n').map_or(text.len(), |i| lead + i);
    let Some(open) = fence(&text[lead..first_end]) else {
        return Ok(SourceFile {
            rel,
            key,
            yaml: 0..0,
            toml: false,
            yaml_line: 1,
            body_start: 0,
            hash,
            text,
        });
    };
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if fence(&text[pos..end]) == Some(open) {
            let body_start = (end + 1).min(text.len());
            return Ok(SourceFile {
                rel,
                key,
                yaml: yaml_start..pos,
                toml: open == "+++",
                yaml_line: text[..yaml_start].matches('\n').count() + 1,
                body_start,
                hash,
                text,
            });
        }
        pos = end + 1;
    }
    Err(Diagnostic::error(format!(
        "the front matter opened on line {} is never closed",
        text[..lead].matches('\n').count() + 1
    ))
    .in_file(&rel)
    .at_offset(&text, lead, 3)
    .hint(format!(
        "end the front matter with a line that holds only `{open}`"
    )))
}

/// `content/nas/tegn.md` for a file under the site root.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &[u8]) -> Result<SourceFile, Diagnostic> {
        read("content/x.md".into(), "x.md".into(), s.to_vec())
    }

    #[test]
    fn splits_front_matter() {
        let f = read_str(b"---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(f.yaml(), "title: A\n");
        assert_eq!(f.body(), "# Body\n");
    }

    #[test]
    fn toml_front_matter_between_plus_lines() {
        let f = read_str(b"+++\ntitle = \"A\"\n+++\n# Body\n").unwrap();
        assert!(f.toml);
        assert_eq!(f.yaml(), "title = \"A\"\n");
        assert_eq!(f.body(), "# Body\n");
        assert_eq!(f.locate(&["title"]), Some((2, 1)));
    }

    #[test]
    fn blank_lines_before_the_front_matter() {
        let f = read_str(b"\n\n+++\ntitle = \"A\"\n+++\nBody\n").unwrap();
        assert_eq!(f.yaml(), "title = \"A\"\n");
        assert_eq!(f.yaml_line, 4);
        assert_eq!(f.locate(&["title"]), Some((4, 1)));
        assert_eq!(f.body(), "Body\n");
        let e = read_str(b"\n---\ntitle: A\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
    }

    #[test]
    fn no_front_matter() {
        let f = read_str(b"# Just text\n").unwrap();
        assert!(!f.has_front_matter());
        assert_eq!(f.body(), "# Just text\n");
    }

    #[test]
    fn bom_and_crlf() {
        let f = read_str(b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(f.yaml(), "title: A\n");
        assert_eq!(f.body(), "Body\n");
    }

    #[test]
    fn unclosed_front_matter() {
        let e = read_str(b"---\ntitle: A\nBody\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        assert!(e.message.contains("never closed"));
    }

    #[test]
    fn invalid_utf8_names_line() {
        let e = read_str(b"---\ntitle: A\n---\nok\nbad \xff here\n").unwrap_err();
        assert_eq!((e.line, e.column), (5, 5));
    }
}
