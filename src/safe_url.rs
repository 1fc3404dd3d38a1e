//! Which URLs may reach a page or a feed: an allow-list of schemes.
//!
//! A link destination is read the way a browser reads it before deciding its scheme:
//! tabs and line breaks anywhere are dropped, leading spaces and control characters are
//! skipped, and the scheme is compared without regard to case. Character references
//! (`&#106;avascript:`) are already decoded by the Markdown parser, and percent-encoding
//! cannot form a scheme (`java%73cript:` is a relative path to a browser too). A feed reader
//! has no Content-Security-Policy, so this is the only guard a feed has.

/// Schemes a link may use. Everything else (`javascript:`, `vbscript:`, `data:`, `file:`,
/// unknown ones) is refused.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Image types a `data:` URL may carry in an image. SVG is left out: it can hold script
/// when opened on its own.
const DATA_IMAGES: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/jpg",
    "data:image/gif",
    "data:image/webp",
    "data:image/avif",
];

/// What a browser takes as the scheme of `url`, lower-cased; `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let head = &cleaned[..colon];
    // A `/`, `?` or `#` before the colon makes it a path, query or fragment.
    let is_scheme = head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| head.to_ascii_lowercase())
}

/// `Ok` when `url` may be written into `href` (or, with `image`, into `src`); otherwise a
/// short reason for the diagnostic.
pub fn check(url: &str, image: bool) -> Result<(), String> {
    if url
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("the address holds control characters".into());
    }
    let Some(scheme) = scheme(url) else {
        return Ok(());
    };
    if LINK_SCHEMES.contains(&scheme.as_str()) {
        return Ok(());
    }
    if image && scheme == "data" {
        let lower: String = url
            .trim_start()
            .chars()
            .take(20)
            .collect::<String>()
            .to_ascii_lowercase();
        if DATA_IMAGES.iter().any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|r| r.starts_with([';', ',']))
        }) {
            return Ok(());
        }
        return Err("only PNG, JPEG, GIF, WebP and AVIF images may be written as `data:`".into());
    }
    Err(format!("`{scheme}:` links are not allowed"))
}

/// The hint that goes with a refused URL.
pub const HINT: &str =
    "link with https:, http:, mailto: or tel:, a path on this site, or a #fragment";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_schemes_pass() {
        // (url, as an image?, allowed?)
        let table: &[(&str, bool, bool)] = &[
            ("https://helsenorge.no/", false, true),
            ("http://example.org", false, true),
            ("mailto:post@example.org", false, true),
            ("tel:+4712345678", false, true),
            ("TEL:+4712345678", false, true),
            ("../nas/tegn.md", false, true),
            ("/smil/", false, true),
            ("#hjelp", false, true),
            ("?side=2", false, true),
            ("side:2/", false, false),
            ("./a:b", false, true),
            ("java%73cript:alert(1)", false, true),
            ("javascript:alert(1)", false, false),
            ("JAVASCRIPT:alert(1)", false, false),
            ("  javascript:alert(1)", false, false),
            ("\u{1}javascript:alert(1)", false, false),
            ("java\tscript:alert(1)", false, false),
            ("java\nscript:alert(1)", false, false),
            ("vbscript:msgbox(1)", false, false),
            ("data:text/html,<script>alert(1)</script>", false, false),
            ("data:text/html;base64,PHNjcmlwdD4=", true, false),
            ("data:image/png;base64,iVBORw0KGgo=", true, true),
            ("DATA:IMAGE/PNG;base64,iVBORw0KGgo=", true, true),
            ("data:image/png;base64,iVBORw0KGgo=", false, false),
            ("data:image/svg+xml,<svg onload=alert(1)>", true, false),
            ("data:image/pngx,abc", true, false),
            ("file:///etc/passwd", false, false),
            ("javascript://%0Aalert(1)", false, false),
        ];
        for &(url, image, ok) in table {
            assert_eq!(check(url, image).is_ok(), ok, "{url:?} image={image}");
        }
    }
}
