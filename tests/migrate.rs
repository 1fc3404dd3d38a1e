//! Sites moved over from Hugo, Zola, Jekyll or mdBook: what those generators accept builds
//! here too, or gets a message that names the fix.

mod common;
use common::*;

#[test]
fn a_page_without_title_takes_its_first_heading_once() {
    let dir = site(&[
        ("content/_index.md", "# Velkommen\n\nHei.\n"),
        (
            "content/nas/_index.md",
            "---\ndescription: Om NAS\n---\n# Om NAS\n\nTekst.\n",
        ),
        (
            "content/nas/tegn.md",
            "Innledning.\n\n# Tegn hos `barnet`\n\n## Første døgn\n\nTekst.\n\n# En annen\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("nas/tegn/index.html")).unwrap();
    assert!(page.contains("<title>Tegn hos barnet"), "{page}");
    // The theme's <h1> shows it; the heading itself is not shown again in the text.
    assert_eq!(count(&page, "<h1>Tegn hos barnet</h1>"), 1, "{page}");
    assert!(!page.contains("id=\"tegn-hos-barnet\""), "{page}");
    // Later headings stay, the first is not shown twice.
    assert!(page.contains("En annen"), "{page}");
    assert!(page.contains("Første døgn"), "{page}");
    let section = std::fs::read_to_string(out.join("nas/index.html")).unwrap();
    assert!(section.contains("<title>Om NAS"), "{section}");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("Velkommen"), "{home}");

    // Neither a title nor a heading: an error that says both ways out.
    write(
        dir.path(),
        "content/nas/tom.md",
        b"Bare tekst.\n\n## Under\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: content/nas/tom.md:1:1: `title` is required"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("or start the text with a `# heading`"),
        "{}",
        r.stderr
    );
}
