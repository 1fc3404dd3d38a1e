//! HTTP details of the preview server: turning a request path into a key of the in-memory
//! site (never a file-system path, so nothing outside the site can be read), content types,
//! and ETags.

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not valid percent-encoding or not UTF-8.
    Encoding,
    /// `..`, `.`, a backslash, a NUL or an encoded slash: never needed by a real page.
    Suspicious,
}

/// The site path a request asks for (`/nas/?x=1` -> `/nas/`), checked. Encoded slashes and
/// dots are refused rather than decoded into path structure.
pub fn request_path(url: &str) -> Result<String, BadPath> {
    let raw = url.split(['?', '#']).next().unwrap_or("/");
    if !raw.starts_with('/') {
        return Err(BadPath::Suspicious);
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || lower.contains("%2e")
    {
        return Err(BadPath::Suspicious);
    }
    let path = crate::slug::percent_decode(raw).ok_or(BadPath::Encoding)?;
    if path.contains(['\\', '\0']) || path.starts_with("//") {
        return Err(BadPath::Suspicious);
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(BadPath::Suspicious);
    }
    Ok(path)
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "avif" => "image/avif",
        _ if path.ends_with("/atom.xml") => "application/atom+xml; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether a request's `Host` header names this preview. A web page on another site can
/// make a browser send requests here (DNS rebinding: its own name, re-pointed at
/// 127.0.0.1), but not with a `Host` of ours, so answering only these keeps drafts and the
/// preview away from other sites. Accepted: `localhost`, `127.0.0.1`, `[::1]` and the bound
/// address, with this port or none. When the preview is shared on the network
/// (`--bind 0.0.0.0`), any IP address is accepted too: rebinding needs a domain name.
pub fn host_allowed(host: Option<&str>, bind: &str, port: u16) -> bool {
    let Some(host) = host.map(str::trim) else {
        return false;
    };
    let (name, given_port) = match host.rsplit_once(':') {
        // `[::1]:1111`, `localhost:1111`; a bare IPv6 address has colons but no brackets.
        Some((name, p)) if !name.is_empty() && (!name.contains(':') || name.ends_with(']')) => {
            (name, Some(p))
        }
        _ => (host, None),
    };
    if given_port.is_some_and(|p| p != port.to_string()) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    let bare = name.trim_start_matches('[').trim_end_matches(']');
    let bind = bind.trim_start_matches('[').trim_end_matches(']');
    if matches!(bare, "localhost" | "127.0.0.1" | "::1") || bare == bind {
        return true;
    }
    let shared = matches!(bind, "0.0.0.0" | "::");
    shared && bare.parse::<std::net::IpAddr>().is_ok()
}

/// Headers every preview response carries: no guessing of content types, and no referrer
/// sent to other sites from a preview page (its URLs may name drafts).
pub const SAFETY_HEADERS: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_host_names_are_answered() {
        // (Host header, bind address, allowed?)
        let table: &[(Option<&str>, &str, bool)] = &[
            (Some("127.0.0.1:1111"), "127.0.0.1", true),
            (Some("localhost:1111"), "127.0.0.1", true),
            (Some("LOCALHOST:1111"), "127.0.0.1", true),
            (Some("[::1]:1111"), "127.0.0.1", true),
            (Some("localhost"), "127.0.0.1", true),
            (Some("127.0.0.2:1111"), "127.0.0.2", true),
            (Some("localhost:2222"), "127.0.0.1", false),
            (Some("evil.example:1111"), "127.0.0.1", false),
            (Some("127.0.0.1.evil.example:1111"), "127.0.0.1", false),
            (Some("localhost.evil.example:1111"), "127.0.0.1", false),
            (Some(""), "127.0.0.1", false),
            (None, "127.0.0.1", false),
            (Some("192.168.1.20:1111"), "127.0.0.1", false),
            (Some("192.168.1.20:1111"), "0.0.0.0", true),
            (Some("[fe80::1]:1111"), "::", true),
            (Some("evil.example:1111"), "0.0.0.0", false),
        ];
        for &(host, bind, ok) in table {
            assert_eq!(host_allowed(host, bind, 1111), ok, "{host:?} on {bind}");
        }
    }

    #[test]
    fn traversal_in_every_spelling_is_refused() {
        for bad in [
            "/../etc/passwd",
            "/nas/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/nas%2f..%2f..%2fsecret",
            "/..%5c..%5cwindows",
            "/a\\..\\b",
            "/a%00.html",
            "//etc/passwd",
            "etc/passwd",
            "/./nas/",
        ] {
            assert!(request_path(bad).is_err(), "{bad}");
        }
        assert_eq!(request_path("/%ZZ"), Err(BadPath::Encoding));
        assert_eq!(request_path("/%ff"), Err(BadPath::Encoding));
    }

    #[test]
    fn ordinary_paths() {
        assert_eq!(request_path("/nas/?utm=x").unwrap(), "/nas/");
        assert_eq!(request_path("/st%C3%B8tte/").unwrap(), "/støtte/");
        assert_eq!(crate::preview::file_key("/nas/"), "/nas/index.html");
        assert_eq!(crate::preview::file_key("/css/varde.css"), "/css/varde.css");
    }

    #[test]
    fn content_types_have_charsets() {
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("/x.wasm"), "application/wasm");
        assert_eq!(content_type("/a.JPG"), "image/jpeg");
        assert_eq!(content_type("/x.unknown"), "application/octet-stream");
    }
}
