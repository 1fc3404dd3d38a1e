//! What varde promises about hostile input (README, "Security"): nothing outside the site
//! folder is read or published, only safe URL schemes reach a page or a feed, file names
//! made from front matter follow one rule, and no raw HTML reaches a page unless allowed.

mod common;
use common::*;

const HOME: &str = "---\ntitle: Forside\n---\nHei.\n";
/// Stands for a file on the machine that must never show up anywhere.
const SECRET: &str = "root:x:0:0:hemmelig-linje:/root:/bin/bash\n";

#[cfg(unix)]
#[test]
fn symlinks_that_leave_the_site_are_errors_and_nothing_of_them_is_read() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "passwd", SECRET.as_bytes());
    write(outside.path(), "etc/shadow", SECRET.as_bytes());
    write(
        outside.path(),
        "side.md",
        format!("---\ntitle: Ute\n---\n{SECRET}").as_bytes(),
    );
    let dir = site(&[("content/_index.md", HOME), ("static/ok.txt", "ok")]);
    let root = dir.path();
    // One link of each kind the issue found: a static file, a folder, a page, a theme file.
    symlink(outside.path().join("passwd"), root.join("static/leak")).unwrap();
    symlink(outside.path().join("etc"), root.join("static/etc")).unwrap();
    symlink(outside.path().join("side.md"), root.join("content/ute.md")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    symlink(
        outside.path().join("passwd"),
        root.join("templates/page.html"),
    )
    .unwrap();
    // A loop inside the site, which once quoted the file it reached.
    symlink(root.join("content"), root.join("content/loop")).unwrap();
    let out = root.join("public");
    let r = build(root, &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!out.exists(), "nothing may be written");
    for link in [
        "static/leak",
        "static/etc",
        "content/ute.md",
        "templates/page.html",
    ] {
        assert!(
            r.stderr
                .contains(&format!("error: {link}: this symbolic link leads outside")),
            "{link} not named:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("symbolic link loop"), "{}", r.stderr);
    assert!(!r.stderr.contains("hemmelig"), "{}", r.stderr);
    assert!(
        !r.stderr.contains(&outside.path().display().to_string()),
        "the target's path is not shown: {}",
        r.stderr
    );

    // With the links that leave removed, links inside the site are followed.
    for link in [
        "static/leak",
        "static/etc",
        "content/ute.md",
        "templates/page.html",
        "content/loop",
    ] {
        std::fs::remove_file(root.join(link)).unwrap();
    }
    write(root, "filer/skjema.txt", b"skjema");
    symlink(root.join("filer"), root.join("static/filer")).unwrap();
    let r = build(root, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(out.join("filer/skjema.txt")).unwrap(),
        "skjema"
    );
    assert!(snapshot(&out)
        .values()
        .all(|b| !String::from_utf8_lossy(b).contains("hemmelig")));
}

#[test]
fn dangerous_url_schemes_are_errors_in_every_link_form() {
    // (Markdown, what the diagnostic names): inline, reference, autolink, image, encoded.
    let cases: &[(&str, &str)] = &[
        ("[a](javascript:alert(1))", "javascript:"),
        ("[a](JAVASCRIPT:alert(1))", "javascript:"),
        ("[a](&#106;avascript:alert(1))", "javascript:"),
        ("[a](&#x6A;avascript&colon;alert(1))", "javascript:"),
        ("[a][ref]\n\n[ref]: vbscript:msgbox(1)", "vbscript:"),
        ("<javascript:alert(1)>", "javascript:"),
        ("[a](data:text/html,<b>x</b>)", "data:"),
        ("![bilde](data:text/html;base64,PGI+)", "data:"),
        ("![bilde](javascript:alert(1))", "javascript:"),
        ("[a](<java\tscript:alert(1)>)", "javascript:"),
    ];
    for (md, scheme) in cases {
        let dir = site(&[
            ("site.yaml", "title: T\nbase_url: https://example.org/\n"),
            ("content/_index.md", HOME),
            (
                "content/nytt/_index.md",
                "---\ntitle: Nytt\nfeed: true\n---\n",
            ),
            (
                "content/nytt/a.md",
                &format!("---\ntitle: A\ndate: 2024-01-01\n---\nFør.\n\n{md}\n"),
            ),
        ]);
        let out = dir.path().join("public");
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{md}: {}", r.stderr);
        // The line of the link is named, and the scheme that was refused.
        let loc = r
            .stderr
            .lines()
            .find(|l| l.starts_with("error: content/nytt/a.md:"))
            .unwrap_or_else(|| panic!("{md}: {}", r.stderr));
        assert!(
            loc.starts_with("error: content/nytt/a.md:7:"),
            "{md}: {loc}"
        );
        assert!(
            loc.contains("unsafe") && loc.contains(scheme),
            "{md}: {loc}"
        );
        assert!(!out.exists());
    }
    // What is allowed still builds, and reaches the page and the feed unchanged.
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\n"),
        ("content/_index.md", HOME),
        ("content/nytt/_index.md", "---\ntitle: Nytt\nfeed: true\n---\n"),
        (
            "content/nytt/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\n## X\n\n[w](https://helsenorge.no/) [m](mailto:a@b.no) [t](tel:+4712345678) [f](#x) ![p](data:image/png;base64,iVBORw0KGgo=)\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("nytt/a/index.html")).unwrap();
    for href in ["https://helsenorge.no/", "mailto:a@b.no", "tel:+4712345678"] {
        assert!(
            attr_values(&page, "href").contains(&href.to_string()),
            "{href}"
        );
    }
    let feed = std::fs::read_to_string(out.join("nytt/atom.xml")).unwrap();
    assert!(feed.contains("tel:+4712345678"), "{feed}");
}

#[test]
fn a_menu_item_with_a_dangerous_scheme_is_an_error() {
    let dir = site(&[
        (
            "site.yaml",
            "title: T\nmenu:\n  - title: Hjem\n    url: javascript://%0Aalert(1)\n",
        ),
        ("content/_index.md", HOME),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: site.yaml:4:10: unsafe menu address: `javascript:` links"),
        "{}",
        r.stderr
    );
}

#[test]
fn paths_that_become_file_names_follow_one_rule() {
    // (front matter or site.yaml, file, line:column of the error)
    let cases: &[(&str, &str, &str)] = &[
        (
            "aliases:\n  - /ok/\n  - '\"><script>alert(1)</script>'\n",
            "content/a.md",
            "content/a.md:5:5",
        ),
        (
            "aliases: [/a/../../b/]\n",
            "content/a.md",
            "content/a.md:3:1",
        ),
        (
            "aliases:\n  - /.varde-manifest\n",
            "content/a.md",
            "content/a.md:4:5",
        ),
        ("slug: '<b>'\n", "content/a.md", "content/a.md:3:7"),
        ("slug: 'a/b'\n", "content/a.md", "content/a.md:3:7"),
    ];
    for (fm, file, at) in cases {
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/a.md", &format!("---\ntitle: A\n{fm}---\nTekst.\n")),
        ]);
        let out = dir.path().join("public");
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{fm}: {}", r.stderr);
        assert!(
            r.stderr.contains(&format!("error: {at}: ")),
            "{fm} should point at {at} in {file}:\n{}",
            r.stderr
        );
        assert!(!out.exists());
    }
    let dir = site(&[
        (
            "site.yaml",
            "title: T\ntaxonomies:\n  - name: tags\n    slug: '../x'\n",
        ),
        ("content/_index.md", HOME),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: site.yaml:4:11: `../x` is not a usable URL segment"),
        "{}",
        r.stderr
    );
    // An old `.html` address stays a file of that name.
    let dir = site(&[
        ("content/_index.md", HOME),
        (
            "content/a.md",
            "---\ntitle: A\naliases: [/gammel/side.html, /Støtte/]\n---\nx\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("gammel/side.html").is_file());
    assert!(out.join("Støtte/index.html").is_file());
}

#[test]
fn a_stray_closing_tag_never_closes_the_theme_wrapper() {
    let build_page = |body: &str| {
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/a.md", &format!("---\ntitle: A\n---\n{body}")),
        ]);
        let out = dir.path().join("public");
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let html = std::fs::read_to_string(out.join("a/index.html")).unwrap();
        (html, r.stderr)
    };
    let (plain, _) = build_page("tekst  mer\n");
    let (stray, stderr) = build_page("tekst </div> mer </main></span>\n");
    for tag in ["</div>", "</main>", "</span>"] {
        assert_eq!(count(&stray, tag), count(&plain, tag), "{tag}");
    }
    assert!(stray.contains("&lt;/div&gt;"), "{stray}");
    // Each tag is reported, not only the first.
    assert_eq!(count(&stderr, "raw HTML is shown as text"), 3, "{stderr}");
}
