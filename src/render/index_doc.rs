//! What the render stage hands the index stage: each content page's site path and the part
//! of its HTML that the search index reads.

/// One page to index: its site path (`/nas/tegn/`, without the base path) and its HTML.
pub struct Doc {
    pub url: String,
    pub html: Html,
    /// The output's fingerprint, when the build cache is on and the theme is timeless: the
    /// same fingerprint means the same HTML (`reuse`), so the search index's cache can find
    /// the page by it without its HTML.
    pub print: Option<u64>,
}

/// A page's indexable HTML, or the last build's file of it (linked into this build
/// unchanged), read only if the search index's cache does not have the page.
pub enum Html {
    Text(String),
    File {
        path: std::path::PathBuf,
        /// Whether the cut keeps the page's `<html lang>` (see `indexable`).
        lang: bool,
    },
}

impl Html {
    /// The indexable HTML (`indexable`), reading the file if need be.
    pub fn text(self) -> std::io::Result<String> {
        match self {
            Html::Text(s) => Ok(s),
            Html::File { path, lang } => std::fs::read(&path)
                .map(|bytes| indexable(&String::from_utf8_lossy(&bytes), lang))
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        }
    }
}

/// The part of a page Pagefind reads: its `<main>` element (where the theme marks the body,
/// the metadata and the filters), without the head, menu and footer it would parse and
/// ignore. A page without `<main>` is passed whole. `lang` keeps the page's `<html lang>`,
/// by which Pagefind gives each language an index of its own (a site in one language
/// names its language once, for every page).
pub fn indexable(html: &str, lang: bool) -> String {
    let start = html.find("<main");
    let end = html.rfind("</main>").map(|i| i + "</main>".len());
    match (start, end) {
        (Some(s), Some(e)) if s < e => {
            let open = match lang.then(|| html_lang(html)).flatten() {
                Some(code) => format!("<html lang=\"{code}\">"),
                None => "<html>".to_string(),
            };
            format!("<!doctype html>{open}<body>{}</body></html>", &html[s..e])
        }
        _ => html.to_string(),
    }
}

/// The `lang` of a page's `<html>` element, as the theme wrote it.
fn html_lang(html: &str) -> Option<&str> {
    let head = &html[html.find("<html")?..];
    let tag = &head[..head.find('>')?];
    let value = &tag[tag.find(" lang=\"")? + " lang=\"".len()..];
    Some(&value[..value.find('"')?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_main_is_indexed() {
        let page = r#"<html lang="nb"><head><title>T</title></head><body><nav>Meny</nav><main id="innhold" data-pagefind-body><h1>Tittel</h1><p>Tekst</p></main><footer>Bunn</footer></body></html>"#;
        let out = indexable(page, false);
        assert!(out.contains(
            "<main id=\"innhold\" data-pagefind-body><h1>Tittel</h1><p>Tekst</p></main>"
        ));
        assert!(!out.contains("Meny") && !out.contains("Bunn") && !out.contains("<title>"));
        assert_eq!(indexable("<p>uten main</p>", false), "<p>uten main</p>");
        assert!(indexable(page, true).starts_with("<!doctype html><html lang=\"nb\"><body><main"));
        let rtl = r#"<!doctype html><html lang="ar" dir="rtl"><body><main>م</main></body></html>"#;
        assert!(indexable(rtl, true).contains("<html lang=\"ar\">"));
    }
}
