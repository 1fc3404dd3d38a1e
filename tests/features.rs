//! Features of the build pipeline, each on a small site made for it.

mod common;
use common::*;

use std::fs;

const HOME: &str = "---\ntitle: Forside\n---\nHei.\n";

fn built(files: &[(&str, &str)], extra: &[&str]) -> (tempfile::TempDir, Run) {
    let dir = site(files);
    let r = build(dir.path(), &dir.path().join("public"), extra);
    (dir, r)
}

/// Builds a site whose `nyheter/` section has `n` pages; `extra` is more (path, text) files.
fn news_site(
    section: &str,
    n: usize,
    page: impl Fn(usize) -> String,
    extra: &[(&str, &str)],
) -> (tempfile::TempDir, Run) {
    let mut files: Vec<(String, String)> = vec![
        ("content/_index.md".into(), HOME.into()),
        ("content/nyheter/_index.md".into(), section.into()),
    ];
    files.extend(extra.iter().map(|(a, b)| (a.to_string(), b.to_string())));
    files.extend((1..=n).map(|i| (format!("content/nyheter/n{i:02}.md"), page(i))));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    built(&refs, &[])
}

fn read(dir: &tempfile::TempDir, path: &str) -> String {
    fs::read_to_string(dir.path().join("public").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn front_matter_is_escaped_everywhere() {
    let (dir, r) = built(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: \"<script>alert(1)</script> & \\\"sitat\\\"\"\ndescription: \"<img src=x onerror=alert(2)>\"\ntags: [\"<b>fet</b>\"]\n---\nTekst.\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(&dir, "a/index.html");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(!html.contains("<b>fet</b>"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;sitat&quot;"),
        "{html}"
    );
    let sitemap = read(&dir, "sitemap.xml");
    assert!(!sitemap.contains("<script>"));
    let tags = read(&dir, "emner/index.html");
    assert!(tags.contains("&lt;b&gt;fet&lt;/b&gt;"), "{tags}");
}

#[test]
fn raw_html_is_escaped_unless_enabled() {
    let files = [
        ("content/_index.md", HOME),
        (
            "content/a.md",
            "---\ntitle: A\n---\nHei <span class=\"x\">du</span>\n",
        ),
    ];
    let (dir, r) = built(&files, &[]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("content/a.md:4:5: raw HTML is shown as text"),
        "{}",
        r.stderr
    );
    assert!(read(&dir, "a/index.html").contains("&lt;span class=&quot;x&quot;&gt;du"));
    let mut with = files.to_vec();
    with.push(("site.yaml", "raw_html: true\n"));
    let (dir, r) = built(&with, &[]);
    assert_eq!(r.code, 0);
    assert!(!r.stderr.contains("raw HTML"));
    assert!(read(&dir, "a/index.html").contains("<span class=\"x\">du</span>"));
}

#[test]
fn lang_no_stays_norwegian() {
    let (dir, r) = built(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\nlang: no\n---\nTekst.\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(&dir, "a/index.html");
    assert!(html.contains("<html lang=\"no\" dir=\"ltr\">"), "{html}");
}

#[test]
fn page_bundle_assets_are_copied_next_to_the_page() {
    let (dir, r) = built(
        &[
            ("content/_index.md", HOME),
            (
                "content/smil/_index.md",
                "---\ntitle: SMIL\n---\n[Skjemaet](pamelding/skjema.pdf)\n",
            ),
            (
                "content/smil/pamelding/index.md",
                "---\ntitle: Påmelding\n---\nLast ned [skjemaet](skjema.pdf).\n",
            ),
            ("content/smil/pamelding/skjema.pdf", "%PDF-1.4 eksempel"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read(&dir, "smil/pamelding/skjema.pdf"), "%PDF-1.4 eksempel");
    assert!(read(&dir, "smil/pamelding/index.html").contains("href=\"/smil/pamelding/skjema.pdf\""));
    assert!(read(&dir, "smil/index.html").contains("href=\"/smil/pamelding/skjema.pdf\""));
}

#[test]
fn aliases_redirect_to_the_page() {
    let (dir, r) = built(
        &[
            ("content/_index.md", HOME),
            (
                "content/nas/a.md",
                "---\ntitle: A\naliases: [/gammel/adresse/, eldre]\n---\n",
            ),
        ],
        &["--base-url", "https://example.org/smil/"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    for p in ["gammel/adresse/index.html", "eldre/index.html"] {
        let html = read(&dir, p);
        assert!(html.contains("url=/smil/nas/a/"), "{html}");
        assert!(
            html.contains("href=\"https://example.org/smil/nas/a/\""),
            "{html}"
        );
    }
}

#[test]
fn listings_are_paginated_and_each_pager_gets_only_its_pages() {
    let (dir, r) = news_site(
        "---\ntitle: Nyheter\nsort_by: date\npaginate_by: 2\n---\n",
        5,
        |i| format!("---\ntitle: Sak {i}\ndate: 2019-01-0{i}\ntags: [felles]\n---\nTekst {i}.\n"),
        &[("site.yaml", "paginate_by: 3\n")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p1 = read(&dir, "nyheter/index.html");
    let p2 = read(&dir, "nyheter/side/2/index.html");
    let p3 = read(&dir, "nyheter/side/3/index.html");
    assert!(
        p1.contains("Sak 5") && p1.contains("Sak 4") && !p1.contains("Sak 3"),
        "newest first, two per page"
    );
    assert!(p2.contains("Sak 3") && p2.contains("Sak 2") && !p2.contains("Sak 4"));
    assert!(p3.contains("Sak 1") && !p3.contains("Sak 2"));
    assert!(
        p2.contains("href=\"/nyheter/\"") && p2.contains("href=\"/nyheter/side/3/\""),
        "pager links"
    );
    assert!(!dir.path().join("public/nyheter/side/4").exists());
    // Tag pages follow the site-wide paginate_by (3).
    let t1 = read(&dir, "emner/felles/index.html");
    let t2 = read(&dir, "emner/felles/side/2/index.html");
    assert_eq!(count(&t1, "<h3>"), 3);
    assert_eq!(count(&t2, "<h3>"), 2);
}

#[test]
fn a_long_listing_links_only_nearby_pages() {
    let (dir, r) = news_site(
        "---\ntitle: Nyheter\npaginate_by: 1\n---\n",
        30,
        |i| format!("---\ntitle: Sak {i}\n---\nTekst {i}.\n"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p15 = read(&dir, "nyheter/side/15/index.html");
    let pager = &p15[p15.find("class=\"pagination\"").expect("a pager")..];
    for n in [14, 16, 30] {
        assert!(
            pager.contains(&format!("href=\"/nyheter/side/{n}/\"")),
            "link to {n}"
        );
    }
    assert!(
        pager.contains("href=\"/nyheter/\""),
        "link to the first page"
    );
    assert!(pager.contains("aria-current=\"page\">Side 15<"));
    assert!(!pager.contains("/side/13/") && !pager.contains("/side/17/"));
    assert_eq!(count(pager, "class=\"gap\""), 2);
}

#[test]
fn site_templates_override_the_theme_and_get_the_documented_context() {
    let (dir, r) = built(
        &[
            ("content/_index.md", HOME),
            ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
            ("content/nas/a.md", "---\ntitle: A\ndate: 2019-04-01\ntags: [x]\nextra:\n  farge: blå\n---\n## Del\n\nTo ord.\n"),
            ("site.yaml", "title: Testsiden\nmenu:\n  - title: NAS\n    url: /nas/\n"),
            ("templates/page.html", "EGEN|{{ page.title }}|{{ page.date_display }}|{{ page.extra.farge }}|{{ page.word_count }}|{{ page.reading_time }}|{{ page.toc[0].id }}|{{ section.title }}|{{ site.title }}|{{ site.menu[0].url }}|{{ page.taxonomies.tags[0].url }}|{{ page.ancestors | length }}|{{ current_path }}"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        read(&dir, "nas/a/index.html"),
        "EGEN|A|1. april 2019|blå|3|1|del|NAS|Testsiden|/nas/|/emner/x/|2|/nas/a/"
    );
    // Other templates still come from the theme.
    assert!(read(&dir, "nas/index.html").contains("<h1>NAS</h1>"));
}

#[test]
fn template_errors_name_the_template_and_line() {
    let (_dir, r) = built(
        &[
            ("content/_index.md", HOME),
            ("templates/page.html", "<p>\n{% if %}\n</p>\n"),
            ("content/a.md", "---\ntitle: A\n---\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("templates/page.html:2:"), "{}", r.stderr);
    let (_dir, r) = built(
        &[
            ("content/_index.md", HOME),
            (
                "templates/page.html",
                "<p>\n\n{{ page.finnes_ikke }}\n</p>\n",
            ),
            ("content/a.md", "---\ntitle: A\n---\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Tera points at the missing field itself.
    assert!(r.stderr.contains("templates/page.html:3:9"), "{}", r.stderr);
    assert!(
        r.stderr.contains("content/a.md"),
        "the page being rendered is named: {}",
        r.stderr
    );
    let (_dir, r) = built(
        &[
            ("content/_index.md", HOME),
            (
                "content/a.md",
                "---\ntitle: A\ntemplate: finnes.html\n---\n",
            ),
        ],
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("content/a.md:3:1: the template `finnes.html` does not exist"),
        "{}",
        r.stderr
    );
}

#[test]
fn unknown_fields_warn_but_build() {
    let (_dir, r) = built(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\ndescripton: x\n---\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("warning: content/a.md:3:1: unknown field `descripton`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `description`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn drafts_only_with_the_flag() {
    let files = [
        ("content/_index.md", HOME),
        (
            "content/utkast.md",
            "---\ntitle: Utkast\ndraft: true\n---\n",
        ),
    ];
    let (dir, r) = built(&files, &[]);
    assert_eq!(r.code, 0);
    assert!(!dir.path().join("public/utkast").exists());
    let (dir, r) = built(&files, &["--drafts"]);
    assert_eq!(r.code, 0);
    assert!(dir.path().join("public/utkast/index.html").is_file());
}

#[test]
fn new_page_and_service_write_commented_front_matter_that_builds() {
    let dir = site(&[("content/_index.md", HOME)]);
    let r = run(varde()
        .args(["new", "page", "nas/ny-side.md", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(dir.path().join("content/nas/ny-side.md")).unwrap();
    assert!(
        text.contains("title: \"Ny side\"") && text.contains("# Required."),
        "{text}"
    );
    let r = run(varde()
        .args(["new", "page", "nas/ny-side.md", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 1, "must refuse to overwrite");
    assert!(r.stderr.contains("already exists"));
    let r = build(dir.path(), &dir.path().join("public"), &["--drafts"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("public/nas/ny-side/index.html").is_file());
    let r = run(varde()
        .args(["new", "service", "tjenester/helsestasjon", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = fs::read_to_string(dir.path().join("content/tjenester/helsestasjon.md")).unwrap();
    assert!(
        text.contains("last_reviewed:") && text.contains("organisation:"),
        "{text}"
    );
    let r = run(varde()
        .args(["new", "page", "../utenfor.md", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 1);
}

#[test]
fn help_shows_examples() {
    let r = run(varde().arg("--help"));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("Examples:") && r.stdout.contains("varde build"),
        "{}",
        r.stdout
    );
    let r = run(varde().args(["build", "--help"]));
    assert!(r.stdout.contains("--drafts") && r.stdout.contains("Examples:"));
}

#[test]
fn a_site_with_only_content_uses_the_built_in_theme() {
    let (dir, r) = built(&[("content/_index.md", HOME)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(read(&dir, "index.html").contains("<h1>Forside</h1>"));
    assert!(dir.path().join("public/css/varde.css").is_file());
}

#[test]
fn a_large_site_gets_one_a_to_z_page_per_letter() {
    let mut files: Vec<(String, String)> = vec![("content/_index.md".into(), HOME.into())];
    for i in 0..501 {
        let title = ["Alfa", "Beta", "Ørn", "Åker"][i % 4];
        files.push((
            format!("content/s/p{i}.md"),
            format!("---\ntitle: {title} {i}\n---\nTekst.\n"),
        ));
    }
    files.push(("content/s/_index.md".into(), "---\ntitle: S\n---\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (dir, r) = built(&refs, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let search = read(&dir, "sok/index.html");
    assert!(
        search.len() < 20_000,
        "the search page lists letters, not 500 pages: {} bytes",
        search.len()
    );
    for (id, letter) in [("a", "A"), ("b", "B"), ("oe", "Ø"), ("aa", "Å")] {
        assert!(
            search.contains(&format!("href=\"/sok/{id}/\">{letter}</a>")),
            "{id}"
        );
        let page = read(&dir, &format!("sok/{id}/index.html"));
        assert!(
            page.contains(&format!("<h2 id=\"a-aa\">Sider på {letter}</h2>")),
            "{page}"
        );
    }
    let oe = read(&dir, "sok/oe/index.html");
    assert!(oe.contains("Ørn 2") && !oe.contains("Åker 3") && !oe.contains("Alfa 0"));
    // Norwegian order: Ø before Å, both after the Latin letters.
    assert!(search.find("/sok/b/").unwrap() < search.find("/sok/oe/").unwrap());
    assert!(search.find("/sok/oe/").unwrap() < search.find("/sok/aa/").unwrap());
}
