//! URL pieces: slugs and heading anchors (lower-case ASCII letters, digits and single
//! hyphens), and percent-decoding.
//! Norwegian letters fold the way readers type them without a Norwegian keyboard
//! (ø -> o, æ -> ae, å -> a), which is also what deunicode does for them.

/// One character at a time, folding only what is not ASCII, with no string in between:
/// every heading, page and tag is slugified, and folding and lower-casing whole copies
/// first was 1.5 % of a build's instructions. The result is what
/// `deunicode(text).to_lowercase()` filtered this way gives (a test checks every character).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    let mut push = |ch: char| {
        if ch.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(ch.to_ascii_lowercase());
        } else {
            dash = true;
        }
    };
    for c in text.chars() {
        // deunicode passes these through unchanged (its own fast path stops before U+007F).
        if (c as u32) < 0x7F {
            push(c);
        } else {
            // A character it cannot fold becomes "[?]" in `deunicode`: a separator here too.
            match deunicode::deunicode_char(c) {
                Some(folded) => folded.chars().for_each(&mut push),
                None => push('?'),
            }
        }
    }
    out
}

/// Decodes `%xx` sequences. `None` for a malformed sequence or a result that is not UTF-8:
/// callers decide whether that is an error (a request path) or text to keep as written (a link).
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A slug that is safe as one path segment: what `slugify` produces, plus `_` and `.`
/// in the middle (but never `..`).
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.contains("..")
        && !s.starts_with(['.', '-'])
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// The one rule for a path segment that becomes a file or folder name (an alias, a slug, a
/// taxonomy's slug, `paginate_path`): letters and digits of any script, and `-`, `_`, `.`,
/// `~`, `+`; not empty, not hidden (no leading `.`, so `.htaccess` or varde's own marker
/// file cannot be written), and never `..`. Quotes, `<`, `>`, `%`, `?`, `#`, `\`, spaces and
/// control characters would make a file name that breaks a page or escapes its folder.
pub fn check_segment(seg: &str) -> Result<(), String> {
    if seg.is_empty() {
        return Err("it has an empty part (`//`)".into());
    }
    if seg.starts_with('.') {
        return Err(format!("`{seg}` starts with `.` (a hidden file, or `..`)"));
    }
    if let Some(c) = seg
        .chars()
        .find(|&c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+')))
    {
        let shown = if c.is_control() || !c.is_alphanumeric() && c as u32 > 0x7f {
            c.escape_unicode().to_string()
        } else {
            c.to_string()
        };
        return Err(format!("`{shown}` is not allowed in a URL path here"));
    }
    Ok(())
}

/// A site path made from front matter (`aliases`), checked with `check_segment` segment by
/// segment and written with a leading `/`; a trailing `/` is added unless the last segment
/// names an `.html` file (`/gammel.html` stays a file, as Hugo writes such aliases).
pub fn check_path(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Err("it is empty".into());
    }
    for seg in trimmed.split('/') {
        check_segment(seg)?;
    }
    if trimmed.ends_with(".html") || trimmed.ends_with(".htm") {
        Ok(format!("/{trimmed}"))
    } else {
        Ok(format!("/{trimmed}/"))
    }
}

/// How heading ids are made, so a site moved over keeps its old `#anchors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Anchors {
    /// varde's and Zola's: letters folded to ASCII (`Støtte` -> `stotte`), `-` between words.
    #[default]
    Ascii,
    /// Hugo's and GitHub's: letters of any script kept and lower-cased, spaces and `-` as
    /// `-`, `_` kept, everything else dropped (`Støtte i svangerskapet!` ->
    /// `støtte-i-svangerskapet`).
    Unicode,
}

impl Anchors {
    /// `varde`, `zola`, `hugo`, `github`: the generator whose ids a site keeps.
    pub fn named(name: &str) -> Option<Anchors> {
        match name {
            "varde" | "zola" => Some(Anchors::Ascii),
            "hugo" | "github" => Some(Anchors::Unicode),
            _ => None,
        }
    }

    /// The id of a heading with this text (before making it unique on the page).
    pub fn id(self, text: &str) -> String {
        match self {
            Anchors::Ascii => match slugify(text) {
                s if s.is_empty() => "avsnitt".to_string(),
                s => s,
            },
            Anchors::Unicode => {
                let mut out = String::with_capacity(text.len());
                for c in text.trim().chars() {
                    if c == '-' || c == ' ' {
                        out.push('-');
                    } else if c == '_' || c.is_alphanumeric() {
                        out.extend(c.to_lowercase());
                    }
                }
                if out.is_empty() {
                    "heading".to_string()
                } else {
                    out
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_in_each_generators_way() {
        // (heading, varde and Zola, Hugo and GitHub)
        let table: &[(&str, &str, &str)] = &[
            (
                "Støtte i svangerskapet",
                "stotte-i-svangerskapet",
                "støtte-i-svangerskapet",
            ),
            ("Hva er NAS?", "hva-er-nas", "hva-er-nas"),
            ("SMIL: kurs 2019", "smil-kurs-2019", "smil-kurs-2019"),
            (
                "snake_case og  to mellomrom",
                "snake-case-og-to-mellomrom",
                "snake_case-og--to-mellomrom",
            ),
            (
                "«Sitat» – tankestrek",
                "sitat-tankestrek",
                "sitat--tankestrek",
            ),
            ("???", "avsnitt", "heading"),
        ];
        for &(text, ascii, unicode) in table {
            assert_eq!(Anchors::Ascii.id(text), ascii, "{text}");
            assert_eq!(Anchors::Unicode.id(text), unicode, "{text}");
        }
    }

    #[test]
    fn one_rule_for_paths_that_become_file_names() {
        // (written, what comes out or None for an error)
        let table: &[(&str, Option<&str>)] = &[
            ("/gammel/adresse/", Some("/gammel/adresse/")),
            ("gammel", Some("/gammel/")),
            ("/støtte/Om-Oss", Some("/støtte/Om-Oss/")),
            ("/2019/01/15/tittel.html", Some("/2019/01/15/tittel.html")),
            ("/a_b/c~d/e+f/v1.2/", Some("/a_b/c~d/e+f/v1.2/")),
            ("\"><script>alert(1)</script>", None),
            ("/a\"b/", None),
            ("/<b>/", None),
            ("/a b/", None),
            ("/a%2fb/", None),
            ("/a?b", None),
            ("/a#b", None),
            ("/a\\b", None),
            ("/../etc/", None),
            ("/a/../b/", None),
            ("/./a/", None),
            ("/.varde-manifest", None),
            ("/a//b/", None),
            ("/a\u{0}b/", None),
            ("/a\u{202e}b/", None),
            ("", None),
            ("/", None),
        ];
        for &(raw, want) in table {
            assert_eq!(check_path(raw).ok().as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn norwegian_headings() {
        assert_eq!(slugify("Hva er NAS?"), "hva-er-nas");
        assert_eq!(slugify("Støtte i svangerskapet"), "stotte-i-svangerskapet");
        assert_eq!(slugify("Ærlig på Åsen"), "aerlig-pa-asen");
        assert_eq!(slugify("  --SMIL: kurs 2019--  "), "smil-kurs-2019");
        assert_eq!(slugify("???"), "");
    }

    #[test]
    fn slugs_fold_as_deunicode_does() {
        let reference = |text: &str| -> String {
            let ascii = deunicode::deunicode(text).to_lowercase();
            let mut out = String::new();
            let mut dash = false;
            for ch in ascii.chars() {
                if ch.is_ascii_alphanumeric() {
                    if dash && !out.is_empty() {
                        out.push('-');
                    }
                    dash = false;
                    out.push(ch);
                } else {
                    dash = true;
                }
            }
            out
        };
        for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("{c}"), format!("Ø{c} {c}x")] {
                assert_eq!(slugify(&text), reference(&text), "U+{:04X}", c as u32);
            }
        }
        for text in [
            "北京 市",
            "Ærlig på Åsen",
            "ŒUVRE — “sitat” 2019",
            "x\u{7f}y",
            "🐶 hund",
            "𝔘𝔫𝔦 kode",
        ] {
            assert_eq!(slugify(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("min%20fil.md").as_deref(),
            Some("min fil.md")
        );
        assert_eq!(percent_decode("st%C3%B8tte").as_deref(), Some("støtte"));
        assert_eq!(percent_decode("%ZZ"), None);
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("slutt%2"), None);
    }

    #[test]
    fn slug_validation_rejects_traversal() {
        assert!(is_valid_slug("smil-2019"));
        assert!(!is_valid_slug("../../x"));
        assert!(!is_valid_slug("a/b"));
        assert!(!is_valid_slug("Store"));
        assert!(!is_valid_slug(""));
    }
}
