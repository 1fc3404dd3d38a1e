//! What the preview adds to pages: the live-reload script (only in serve mode) and the
//! error overlay. Both are files on the site's own origin, so the theme's CSP still holds.

pub const SCRIPT_PATH: &str = "/__varde/live.js";
pub const STYLE_PATH: &str = "/__varde/overlay.css";
pub const EVENTS_PATH: &str = "/__varde/events";

/// Listens for rebuilds. `reload` reloads the page, keeping the scroll position; `css` swaps
/// the stylesheets without a reload; the connection re-opens by itself after a restart.
pub const SCRIPT: &str = r#"(function () {
  "use strict";
  var key = "varde-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, Number(saved));
  }
  // The page's own path: after a template edit the preview renders the open pages first.
  var events = new EventSource("/__varde/events?page=" + location.pathname);
  events.addEventListener("reload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  });
  events.addEventListener("css", function () {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      url.searchParams.set("varde", String(Date.now()));
      link.href = url.toString();
    });
  });
})();
"#;

pub const STYLE: &str = r#"#varde-overlay { position: fixed; inset: 0 0 auto 0; z-index: 2147483647; max-height: 70vh; overflow: auto;
  background: #1a1a1a; color: #fff; border-bottom: 4px solid #d4351c; padding: 1rem 1.25rem; font: 16px/1.5 system-ui, sans-serif; }
#varde-overlay h2 { margin: 0 0 0.5rem; font-size: 1.25rem; color: #fff; }
#varde-overlay pre { white-space: pre-wrap; font: 14px/1.45 ui-monospace, monospace; margin: 0; color: #fff; }
#varde-overlay p { margin: 0.5rem 0 0; }
"#;

/// Adds the live-reload script, and the overlay when the last rebuild failed, to a page.
pub fn inject(html: &[u8], errors: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let mut head_extra = format!(r#"<script src="{SCRIPT_PATH}" defer></script>"#);
    let mut body_extra = String::new();
    if let Some(errors) = errors {
        head_extra.push_str(&format!(r#"<link rel="stylesheet" href="{STYLE_PATH}">"#));
        body_extra = format!(
            r#"<div id="varde-overlay" role="alert"><h2>The last change did not build</h2><pre>{}</pre><p>The page below is the last version that built. Fix the file and save: this page reloads by itself.</p></div>"#,
            crate::html::escape(errors)
        );
    }
    let mut out = text.into_owned();
    match out.find("</head>") {
        Some(i) => out.insert_str(i, &head_extra),
        None => out.insert_str(0, &head_extra),
    }
    if !body_extra.is_empty() {
        let at = out
            .find("<body")
            .and_then(|i| out[i..].find('>').map(|j| i + j + 1))
            .unwrap_or(out.len());
        out.insert_str(at, &body_extra);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_script_and_escaped_overlay() {
        let html =
            b"<html><head><title>x</title></head><body class=\"a\"><main>hei</main></body></html>";
        let out = String::from_utf8(inject(html, None)).unwrap();
        assert!(out.contains(r#"<script src="/__varde/live.js" defer></script></head>"#));
        assert!(!out.contains("varde-overlay"));
        let out =
            String::from_utf8(inject(html, Some("error: <script>x</script> a.md:3:7"))).unwrap();
        assert!(
            out.contains(r#"<body class="a"><div id="varde-overlay" role="alert">"#),
            "{out}"
        );
        assert!(out.contains("&lt;script&gt;x&lt;/script&gt; a.md:3:7"));
        assert!(
            out.contains("<main>hei</main>"),
            "the last good page stays underneath"
        );
    }
}
