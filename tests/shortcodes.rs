//! Shortcodes: the default theme's four, a site's own, and every way to get one wrong,
//! reported in one pass at the call's line and column, in `build` and in `check`.

mod common;
use common::*;

const SERVICE: &str = "---\ntitle: Oslohjelpa\norganisation: Oslo kommune\nsummary: Hjelp for familier.\ncategories: [lavterskel]\naudience: [gravide]\nservice_area: [Oslo]\ncontact:\n  phones:\n    - number: \"22 33 44 55\"\nreferral:\n  required: false\ncost:\n  free: true\nlast_reviewed: 2026-11-01\n---\nOm tjenesten.\n";

const SITE: &str = "title: S\ndirectory:\n  categories:\n    - id: lavterskel\n      label: Lavterskel\n  audience:\n    - id: gravide\n      label: Gravide\n";

fn with_page(body: &str) -> tempfile::TempDir {
    site(&[
        ("site.yaml", SITE),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "content/tjenester/_index.md",
            "---\ntitle: Tjenester\ndirectory: true\n---\n",
        ),
        ("content/tjenester/oslohjelpa.md", SERVICE),
        ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
        ("content/nas/tegn/index.md", body),
        ("content/nas/tegn/kart.png", "png"),
    ])
}

#[test]
fn the_default_shortcodes_render_into_the_page() {
    let dir = with_page(
        "---\ntitle: Tegn\n---\nFørst.\n\n{{ tjeneste(sti=\"tjenester/oslohjelpa\") }}\n\n{% viktig(tittel=\"Trenger du hjelp nå?\") %}\nRing **113**. Les [om NAS](../_index.md).\n{% end %}\n\n{% detaljer(tittel=\"Mer\") %}\n## Under\n\nTekst.\n{% end %}\n\n{{ figur(src=\"kart.png\", alt=\"Kart over Oslo\", tekst=\"Her er vi\") }}\n\nSkriv {{/* tjeneste(sti=\"...\") */}} og `{{ ikke() }}`.\n",
    );
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("nas/tegn/index.html")).unwrap();
    for want in [
        // The card: name, link to the service, phone as a tap, badges.
        "<div class=\"contact-card service-inline\">",
        "<a href=\"/tjenester/oslohjelpa/\">Oslohjelpa</a>",
        "href=\"tel:+4722334455\"",
        "<li class=\"badge\">Uten henvisning</li>",
        // The callout's body is Markdown of the page: bold, and its link rewritten.
        "<p class=\"callout-title\">Trenger du hjelp nå?</p>",
        "<p>Ring <strong>113</strong>. Les <a href=\"/nas/\">om NAS</a>.</p>\n\n</div>",
        // The details block keeps its heading, with an id.
        "<summary>Mer</summary>",
        "<h2 id=\"under\">Under</h2>",
        "<figure class=\"figure\">\n<img src=\"kart.png\" alt=\"Kart over Oslo\" loading=\"lazy\">\n<figcaption>Her er vi</figcaption>",
        // Written as text, and left alone in code.
        "Skriv {{ tjeneste(sti=&quot;...&quot;) }} og <code>{{ ikke() }}</code>.",
    ] {
        assert!(page.contains(want), "wanted {want}\n{page}");
    }
    assert!(!page.contains('\u{E000}'), "no mark is left: {page}");

    // A site's own shortcode, next to the theme's.
    write(
        dir.path(),
        "templates/shortcodes/ring.html",
        b"<a class=\"ring\" href=\"tel:{{ nummer }}\">Ring {{ nummer }}</a>",
    );
    write(
        dir.path(),
        "content/nas/ring.md",
        b"---\ntitle: Ring\n---\nDu kan {{ ring(nummer=\"113\") }} ved fare.\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ring = std::fs::read_to_string(out.join("nas/ring/index.html")).unwrap();
    assert!(
        ring.contains("<p>Du kan <a class=\"ring\" href=\"tel:113\">Ring 113</a> ved fare.</p>"),
        "{ring}"
    );
}

#[test]
fn every_shortcode_mistake_is_reported_at_its_call_in_one_pass() {
    let dir = with_page("---\ntitle: Tegn\n---\nTekst.\n");
    // (file, text, what the error says at file:line:column)
    let table: &[(&str, &str, &str)] = &[
        (
            "content/a.md",
            "---\ntitle: A\n---\nx\n\n{{ tjeneste(sti=\"tjenester/finnes-ikke\") }}\n",
            "content/a.md:6:1: the shortcode `tjeneste` failed: there is no service `tjenester/finnes-ikke`",
        ),
        (
            "content/b.md",
            "---\ntitle: B\n---\n{{ tjenste(sti=\"tjenester/oslohjelpa\") }}\n",
            "content/b.md:4:1: there is no shortcode `tjenste`",
        ),
        (
            "content/c.md",
            "---\ntitle: C\n---\nSe {{< figure src=\"x.jpg\" title=\"“Kart”\" >}}\n",
            "content/c.md:4:4: Hugo's shortcode `figure` does not work in varde",
        ),
        (
            "content/d.md",
            "---\ntitle: D\n---\n{% include footer.html %}\n",
            "content/d.md:4:1: Liquid's tag `{% include %}` does not work in varde",
        ),
        (
            "content/e.md",
            "---\ntitle: E\n---\nRing {{ tjeneste(sti=\"tjenester/oslohjelpa\") }} nå.\n",
            "content/e.md:4:6: the shortcode `tjeneste` makes a block of the page",
        ),
        (
            "content/f.md",
            "---\ntitle: F\n---\n{{ figur(src=\"javascript:alert(1)\", alt=\"x\") }}\n",
            "content/f.md:4:1: the shortcode `figur` writes the address `javascript:alert(1)`",
        ),
        (
            "content/g.md",
            "---\ntitle: G\n---\n{{ figur(src=\"mangler.png\", alt=\"x\") }}\n",
            "content/g.md:4:1: the link points to /g/mangler.png, which this site does not have",
        ),
        (
            "content/h.md",
            "---\ntitle: H\n---\n{{ figur(src=\"kart.png\") }}\n",
            "content/h.md:4:1: the shortcode `figur` failed: figur needs alt=",
        ),
        (
            "content/i.md",
            "---\ntitle: I\n---\n{% viktig() %}\nTekst.\n",
            "content/i.md:4:1: the shortcode `viktig` is never closed",
        ),
    ];
    for (file, text, _) in table {
        write(dir.path(), file, text.as_bytes());
    }
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--all"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!out.exists(), "nothing is written");
    // The missing image is found once every output is known, after the others: it is
    // reported on its own, once they are fixed.
    for (file, _, says) in table.iter().filter(|(f, _, _)| *f != "content/g.md") {
        assert!(
            r.stderr.contains(&format!("error: {says}")),
            "{file}: wanted {says}\n{}",
            r.stderr
        );
    }
    let check = run(varde().args(["check", "--root"]).arg(dir.path()));
    assert_eq!(check.code, 1);
    for (file, _, says) in table {
        assert!(
            check.stderr.contains(&format!("error: {says}")) || *file == "content/g.md",
            "check, {file}: wanted {says}\n{}",
            check.stderr
        );
    }
    for (file, _, _) in table.iter().filter(|(f, _, _)| *f != "content/g.md") {
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("error: {}", table[6].2)),
        "{}",
        r.stderr
    );
}
