//! Escaping text for HTML and XML: the five characters they need, and nothing else.

/// HTML/XML escaping for template values. Tera's default also escapes `/`, which is safe
/// but turns every URL into `&#x2F;` soup; these five are what HTML and XML need.
pub fn escape_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Writes the runs between special characters whole: every value a template prints
    // passes through here (a char-by-char loop was 3 % of a build's instructions).
    let mut done = 0;
    for (i, b) in input.bytes().enumerate() {
        if let Some(entity) = entity(b) {
            // The five are ASCII, so `i` is always a character boundary.
            out.write_all(&input.as_bytes()[done..i])?;
            out.write_all(entity.as_bytes())?;
            done = i + 1;
        }
    }
    out.write_all(&input.as_bytes()[done..])
}

fn entity(b: u8) -> Option<&'static str> {
    Some(match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&#39;",
        _ => return None,
    })
}

/// `escape_to`, as a string.
pub fn escape(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len() + input.len() / 8);
    // Writing to a Vec cannot fail, and ASCII entities in place of ASCII characters keep
    // the text valid UTF-8: neither fallback is ever taken.
    let _ = escape_to(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Whether a language tag is Norwegian: bokmål, nynorsk or plain `no` (`nb-NO` too).
pub fn is_norwegian(lang: &str) -> bool {
    matches!(
        lang.split(['-', '_']).next().unwrap_or(""),
        "nb" | "nn" | "no"
    )
}

/// The writing direction of a language (a BCP 47 tag, `ar` or `ar-EG`): `rtl` for the
/// scripts written right to left that families here read (Arabic, Persian, Urdu, Hebrew,
/// Pashto, Sorani Kurdish), `ltr` for every other.
pub fn direction(lang: &str) -> &'static str {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(
        primary.as_str(),
        "ar" | "fa" | "ur" | "he" | "ps" | "ckb" | "yi" | "dv" | "sd"
    ) {
        "rtl"
    } else {
        "ltr"
    }
}

/// An attribute value as a browser reads it: character references decoded (the five
/// `escape` writes, numeric ones, and the named ones that can hide a URL scheme:
/// `&Tab;`, `&NewLine;`, `&colon;`). Used to check the URLs a template wrote.
pub fn unescape(input: &str) -> String {
    if !input.contains('&') {
        return input.to_string();
    }
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "Tab" => '\t',
                "NewLine" => '\n',
                "colon" => ':',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_languages() {
        for (lang, dir) in [
            ("ar", "rtl"),
            ("ar-EG", "rtl"),
            ("fa", "rtl"),
            ("ckb", "rtl"),
            ("he", "rtl"),
            ("nb", "ltr"),
            ("so", "ltr"),
            ("ti", "ltr"),
            ("", "ltr"),
        ] {
            assert_eq!(direction(lang), dir, "{lang}");
        }
    }

    #[test]
    fn unescaping_reads_references_as_a_browser_does() {
        let table = [
            ("a &amp; b", "a & b"),
            ("&#106;avascript&colon;x", "javascript:x"),
            ("java&Tab;script:&#x61;", "java\tscript:a"),
            ("&nope; & &#xZZ;", "&nope; & &#xZZ;"),
        ];
        for (input, want) in table {
            assert_eq!(unescape(input), want, "{input}");
        }
    }

    #[test]
    fn escaping_replaces_the_five_and_keeps_the_rest() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("søk på «nær» deg"), "søk på «nær» deg");
        assert_eq!(
            escape(r#"<a href="x">B&B's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;B&amp;B&#39;s&lt;/a&gt;"
        );
        assert_eq!(escape("æ&ø<å>"), "æ&amp;ø&lt;å&gt;");
        assert_eq!(escape("&&"), "&amp;&amp;");
    }
}
