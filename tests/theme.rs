//! The default theme on the built example site: privacy (CSP, no inline or third-party script),
//! structure (quick exit first, skip link, landmarks), and weight (HTML + CSS + JS per page).

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;

fn built() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let r = build(&repo(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    out
}

fn pages(out: &std::path::Path) -> Vec<(String, String)> {
    html_files(out)
        .into_iter()
        .filter(|(_, h)| !h.contains("http-equiv=\"refresh\""))
        .collect()
}

#[test]
fn every_page_is_private_by_construction() {
    let out = built();
    for (file, html) in pages(out.path()) {
        assert!(
            html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; style-src 'self';"#),
            "{file}: CSP"
        );
        assert!(
            html.contains(r#"<meta name="referrer" content="no-referrer">"#),
            "{file}"
        );
        let mut rest = html.as_str();
        while let Some(i) = rest.find("<script") {
            let tag_end = rest[i..].find('>').unwrap() + i;
            let tag = &rest[i..=tag_end];
            if tag.contains("application/ld+json") {
                // Data for search engines; never executed, so CSP does not apply to it.
            } else {
                assert!(
                    tag.contains(" src=\"/"),
                    "{file}: inline or third-party script {tag}"
                );
                assert!(
                    tag.contains(" defer")
                        || tag.contains(" async")
                        || tag.contains("type=\"module\""),
                    "{file}: render-blocking {tag}"
                );
            }
            rest = &rest[tag_end..];
        }
        for attr in ["src", "href"] {
            for url in attr_values(&html, attr) {
                let external = url.starts_with("http") || url.starts_with("//");
                if external {
                    // Links may lead elsewhere; nothing may be loaded from elsewhere.
                    assert_eq!(attr, "href", "{file}: loads {url}");
                }
            }
        }
        assert!(!html.contains("rel=\"stylesheet\" href=\"http"), "{file}");
    }
}

#[test]
fn quick_exit_skip_link_and_landmarks_on_every_page() {
    let out = built();
    for (file, html) in pages(out.path()) {
        let body = &html[html.find("<body>").unwrap()..];
        let first_link = body.find("<a ").unwrap();
        assert!(
            body[first_link..]
                .starts_with(r#"<a class="quick-exit" id="quick-exit" href="https://www.yr.no/""#),
            "{file}: quick exit must be the first link"
        );
        assert!(
            body.contains(r##"<a class="skip-link" href="#innhold">"##),
            "{file}"
        );
        assert!(body.contains(r#"<main id="innhold""#), "{file}");
        for landmark in ["<header", "<nav", "<footer"] {
            assert!(body.contains(landmark), "{file}: {landmark}");
        }
        assert!(html.contains("/js/quick-exit.js\" defer"), "{file}");
    }
    let about = fs::read_to_string(out.path().join("om-nettstedet/index.html")).unwrap();
    assert!(
        about.contains("slette historikken"),
        "Om nettstedet explains clearing the history"
    );
    let a11y = fs::read_to_string(out.path().join("tilgjengelighet/index.html")).unwrap();
    assert!(a11y.contains("<h1>Tilgjengelighetserklæring</h1>"));
    assert!(
        a11y.contains("WCAG 2.2, nivå AA") && a11y.contains("uutilsynet.no"),
        "filled from site.yaml"
    );
}

#[test]
fn quick_exit_can_be_configured_or_turned_off() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "site.yaml",
            "quick_exit:\n  label: Gå herfra\n  url: https://www.nrk.no/\n",
        ),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(
        html.contains(r#"href="https://www.nrk.no/" rel="noreferrer">Gå herfra</a>"#),
        "{html}"
    );
    fs::write(
        dir.path().join("site.yaml"),
        "quick_exit:\n  enabled: false\n",
    )
    .unwrap();
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 0);
    let html = fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(!html.contains("quick-exit"));
    fs::write(
        dir.path().join("site.yaml"),
        "quick_exit:\n  url: javascript:alert(1)\n",
    )
    .unwrap();
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("site.yaml:2:8: `javascript:alert(1)` is not an https:// address"),
        "{}",
        r.stderr
    );
}

/// Page weight: the HTML plus every stylesheet and script it loads, uncompressed (an upper
/// bound on what is transferred). Budgets: 50 KB per page, CSS under 20 KB.
#[test]
fn pages_are_light() {
    let out = built();
    let mut per_page: BTreeMap<String, usize> = BTreeMap::new();
    for (file, html) in pages(out.path()) {
        let mut total = html.len();
        let mut assets: Vec<String> = attr_values(&html, "src")
            .into_iter()
            .filter(|u| u.ends_with(".js"))
            .collect();
        for (i, _) in html.match_indices("rel=\"stylesheet\"") {
            let tag_end = html[i..].find('>').unwrap() + i;
            let tag_start = html[..i].rfind('<').unwrap();
            assets.extend(attr_values(&html[tag_start..tag_end], "href"));
        }
        for a in &assets {
            total += fs::metadata(file_for_url(out.path(), "/", a).unwrap())
                .map(|m| m.len() as usize)
                .unwrap_or_else(|_| panic!("{file}: {a} missing"));
        }
        assert!(
            total <= 50 * 1024,
            "{file}: {total} bytes of HTML + CSS + JS"
        );
        per_page.insert(file, total);
    }
    let css = fs::metadata(out.path().join("css/varde.css"))
        .unwrap()
        .len();
    assert!(css < 20 * 1024, "CSS is {css} bytes");
    let max = per_page.values().max().unwrap();
    let (heaviest, _) = per_page.iter().max_by_key(|(_, v)| **v).unwrap();
    eprintln!(
        "page weight: CSS {css} B; heaviest page {heaviest} {max} B; mean {} B over {} pages",
        per_page.values().sum::<usize>() / per_page.len(),
        per_page.len()
    );
}

#[test]
fn the_theme_mirrors_for_right_to_left_languages() {
    // Logical properties only, so an Arabic page mirrors: no physical left or right.
    let css = std::fs::read_to_string(repo().join("themes/default/static/css/varde.css")).unwrap();
    for physical in [
        "left:",
        "right:",
        "-left",
        "-right",
        "text-align: left",
        "text-align: right",
        "float:",
    ] {
        assert!(!css.contains(physical), "varde.css uses `{physical}`");
    }
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Hjem\n---\nTekst på norsk.\n\n<div lang=\"ar\">\n\nنص قصير.\n\n</div>\n",
        ),
        ("content/ar.md", "---\ntitle: صفحة\nlang: ar\n---\nنص.\n"),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("<html lang=\"nb\" dir=\"ltr\">"), "{home}");
    assert!(home.contains("<div lang=\"ar\" dir=\"rtl\">"), "{home}");
    let ar = std::fs::read_to_string(out.join("ar/index.html")).unwrap();
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
}
