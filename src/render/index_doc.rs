//! What the render stage hands the index stage: each content page's site path and the part
//! of its HTML that the search index reads.

/// One page to index: its site path (`/nas/tegn/`, without the base path) and its HTML.
pub struct Doc {
    pub url: String,
    pub html: String,
}

/// The part of a page Pagefind reads: its `<main>` element (where the theme marks the body,
/// the metadata and the filters), without the head, menu and footer it would parse and
/// ignore. A page without `<main>` is passed whole.
pub fn indexable(html: &str) -> String {
    let start = html.find("<main");
    let end = html.rfind("</main>").map(|i| i + "</main>".len());
    match (start, end) {
        (Some(s), Some(e)) if s < e => {
            format!("<!doctype html><html><body>{}</body></html>", &html[s..e])
        }
        _ => html.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_main_is_indexed() {
        let page = r#"<html lang="nb"><head><title>T</title></head><body><nav>Meny</nav><main id="innhold" data-pagefind-body><h1>Tittel</h1><p>Tekst</p></main><footer>Bunn</footer></body></html>"#;
        let out = indexable(page);
        assert!(out.contains(
            "<main id=\"innhold\" data-pagefind-body><h1>Tittel</h1><p>Tekst</p></main>"
        ));
        assert!(!out.contains("Meny") && !out.contains("Bunn") && !out.contains("<title>"));
        assert_eq!(indexable("<p>uten main</p>"), "<p>uten main</p>");
    }
}
