//! The example site in content/ is the largest real fixture: build it as CI would and check
//! properties a reader relies on.

mod common;
use common::*;

use std::fs;
use std::path::Path;

fn check_links(out: &Path, base_path: &str) {
    let pages = html_files(out);
    assert!(pages.len() > 10, "too few pages: {}", pages.len());
    let mut checked = 0;
    for (file, html) in &pages {
        for attr in ["href", "src"] {
            for url in attr_values(html, attr) {
                if url.starts_with('#')
                    || url.contains("://")
                    || url.starts_with("mailto:")
                    || url.starts_with("tel:")
                {
                    continue;
                }
                assert!(
                    url.starts_with(base_path),
                    "{file}: link {url} does not start with the base path {base_path}"
                );
                let target = file_for_url(out, base_path, &url).unwrap();
                assert!(
                    target.is_file(),
                    "{file}: link {url} leads to {} which was not written",
                    target.display()
                );
                if let Some(anchor) = url.split_once('#').map(|(_, a)| a) {
                    let text = fs::read_to_string(&target).unwrap();
                    assert!(
                        text.contains(&format!("id=\"{anchor}\"")),
                        "{file}: link {url}: no id {anchor}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn example_site_builds_without_warnings_and_every_link_resolves() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    let r = build(&repo(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("warning"),
        "the example site must build without warnings:\n{}",
        r.stderr
    );
    check_links(&out, "/");

    for (file, html) in html_files(&out) {
        if file.ends_with("index.html") && html.contains("http-equiv=\"refresh\"") {
            continue; // alias redirects
        }
        assert_eq!(count(&html, "<h1"), 1, "{file} must have exactly one <h1>");
        assert_eq!(count(&html, "<title>"), 1, "{file} must have a <title>");
        // The example's translations live under their language's code.
        let html_tag = match file.split('/').next() {
            Some("nn") => "<html lang=\"nn\" dir=\"ltr\">",
            Some("en") => "<html lang=\"en\" dir=\"ltr\">",
            Some("ar") => "<html lang=\"ar\" dir=\"rtl\">",
            _ => "<html lang=\"nb\" dir=\"ltr\">",
        };
        assert!(html.contains(html_tag), "{file} lacks lang and dir");
        assert!(html.contains("<main"), "{file} lacks <main>");
    }
    for f in [
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "nyheter/atom.xml",
        "emner/index.html",
        "emner/nas/index.html",
        "css/varde.css",
    ] {
        assert!(out.join(f).is_file(), "{f} was not written");
    }
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://smil.example.org/nas/hva-er-nas/</loc>"),
        "{sitemap}"
    );
    let robots = fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://smil.example.org/sitemap.xml"));
    let feed = fs::read_to_string(out.join("nyheter/atom.xml")).unwrap();
    assert_eq!(count(&feed, "<entry>"), 2, "{feed}");
    // Newest first.
    assert!(feed.find("Veilederen").unwrap() < feed.find("Nytt SMIL-kurs").unwrap());
}

#[test]
fn example_site_under_a_sub_path() {
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("public");
    let r = build(
        &repo(),
        &out,
        &["--base-url", "http://127.0.0.1:8080/smil/"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    check_links(&out, "/smil/");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>http://127.0.0.1:8080/smil/nas/</loc>"));
    let nas = fs::read_to_string(out.join("nyheter/veileder-pa-horing/index.html")).unwrap();
    assert!(
        nas.contains("href=\"/smil/nas/\""),
        "a link written as ../nas/_index.md must follow the sub-path"
    );
}

#[test]
fn source_links_and_anchors_resolve_to_output_urls() {
    let out = tempfile::tempdir().unwrap();
    let r = build(&repo(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = fs::read_to_string(out.path().join("nas/kunnskap/index.html")).unwrap();
    assert!(
        html.contains(r#"href="/smil/hva-er-smil/#kunnskap-om-nas""#),
        "{html}"
    );
    let smil = fs::read_to_string(out.path().join("smil/hva-er-smil/index.html")).unwrap();
    assert!(smil.contains(r#"<h2 id="kunnskap-om-nas">"#));
    assert!(
        smil.contains(r#"<h2 id="hvorfor-et-kurs-for-modre">"#),
        "Norwegian letters fold in anchors"
    );
}

/// The search index: every indexed page must reach it, two builds must give the same
/// bundle, and nothing but the output and its build cache may be left beside it (the index
/// is built in memory; it once went through a scratch folder there).
#[test]
fn search_index_is_complete_reproducible_and_leaves_no_scratch() {
    let bundles: Vec<_> = (0..2)
        .map(|_| {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("public");
            let r = build(&repo(), &out, &[]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let mut left: Vec<_> = walkdir::WalkDir::new(dir.path())
                .min_depth(1)
                .into_iter()
                .map(|e| {
                    e.unwrap()
                        .path()
                        .strip_prefix(dir.path())
                        .unwrap()
                        .to_owned()
                })
                .filter(|p| !p.starts_with("public"))
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            left.sort();
            let cache = [
                ".varde-cache",
                ".varde-cache/build",
                ".varde-cache/build/public",
                ".varde-cache/build/public/outputs",
                ".varde-cache/build/public/search-gzipped",
                ".varde-cache/build/public/search-pages",
                ".varde-cache/build/public/search-prints",
            ];
            assert_eq!(
                left, cache,
                "only the output and its cache may remain beside it"
            );
            let indexed = html_files(&out)
                .iter()
                .filter(|(_, html)| html.contains("data-pagefind-body"))
                .count();
            let bundle = search_bundle(&out);
            let fragments: usize = bundle.languages.values().map(|l| l.fragments.len()).sum();
            assert!(indexed > 20, "{indexed}");
            assert_eq!(fragments, indexed, "one fragment per indexed page");
            (snapshot(&out.join("pagefind")), dir)
        })
        .collect();
    assert!(
        bundles[0].0 == bundles[1].0,
        "two builds of the same site must give the same search bundle"
    );
}
