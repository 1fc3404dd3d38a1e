//! Bad input gets a clear error naming the file and line, never a panic, and a failed build
//! leaves the previous output exactly as it was.

mod common;
use common::*;

const OK_PAGE: &str = "---\ntitle: Forside\n---\nHei.\n";

/// Builds a site whose only problem is `path`, and returns the stderr of the failed build.
fn fails_with(path: &str, bytes: &[u8]) -> String {
    let dir = site(&[("content/_index.md", OK_PAGE)]);
    write(dir.path(), path, bytes);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(
        r.code, 1,
        "expected content errors (exit 1) for {path}, got {}:\n{}",
        r.code, r.stderr
    );
    assert!(
        !out.exists(),
        "a failed first build must not create the output folder"
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r.stderr
}

#[test]
fn one_bad_file_gives_one_clear_error() {
    // (file, its bytes, what the error must say, at file:line:column)
    let table: &[(&str, &[u8], &str)] = &[
        (
            "content/nas/tegn.md",
            b"---\ntitle: Tegn\ndate: 2019-02-30\n---\n",
            "error: content/nas/tegn.md:3:7: no such date 2019-02-30",
        ),
        (
            "content/a.md",
            b"---\ntitle: A\n---\nok\nbad \xff\n",
            "error: content/a.md:5:5: the file is not valid UTF-8",
        ),
        (
            "content/a.md",
            b"---\ntitle: A\n\nTekst\n",
            "error: content/a.md:1:1: the front matter opened on line 1 is never closed",
        ),
        (
            "content/a.md",
            b"---\n- title: A\n---\n",
            "error: content/a.md:2:1: the front matter is a list",
        ),
        (
            "content/a.md",
            b"---\ntitle: A\ntags: [a, b\n---\n",
            "error: content/a.md:4:1: invalid YAML",
        ),
        (
            "content/a.md",
            b"---\ndescription: x\n---\n",
            "error: content/a.md:1:1: `title` is required",
        ),
        (
            "content/a.md",
            b"---\ntitle: A\nslug: ../../x\n---\n",
            "error: content/a.md:3:7: `../../x` is not a valid slug",
        ),
    ];
    for (path, bytes, says) in table {
        let err = fails_with(path, bytes);
        assert!(err.contains(says), "wanted: {says}\n{err}");
        // Every error comes with a hint.
        assert!(err.contains("help:"), "{err}");
    }
    let err = fails_with("content/a.md", b"---\ntitle: A\nslug: ../../x\n---\n");
    assert!(err.contains("try `slug: x`"), "{err}");
}

#[test]
fn a_link_to_a_page_whose_front_matter_is_broken_is_not_a_second_error() {
    // The page's own error says what is wrong; the links to it do not add "missing file"
    // errors that would send the editor looking for a file that is there.
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/a.md", "---\ntitle: \"A\" x\n---\nTekst.\n"),
        ("content/b.md", "---\ntitle: B\n---\nSe [A](a.md).\n"),
        (
            "content/c.md",
            "---\ntitle: C\n---\nSe [A](a.md) og [D](d.md).\n",
        ),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("error: content/a.md:2:"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("points to a missing file (content/a.md)"),
        "{}",
        r.stderr
    );
    // A link to a file that truly is not there is still an error.
    assert!(
        r.stderr
            .contains("the link `d.md` points to a missing file"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("2 errors"), "{}", r.stderr);
}

#[test]
fn two_files_claiming_one_url() {
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/nas/a.md", "---\ntitle: A\nslug: b\n---\n"),
        ("content/nas/b.md", "---\ntitle: B\n---\n"),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("two sources claim the URL /nas/b/"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("content/nas/a.md") && r.stderr.contains("content/nas/b.md"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_link_target_and_anchor() {
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/nas/symptomer.md", "---\ntitle: S\n---\n## Tegn\n"),
        (
            "content/smil/a.md",
            "---\ntitle: A\n---\nSe [x](../nas/symptomr.md) og [y](../nas/symptomer.md#tegnn).\n",
        ),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains(
            "content/smil/a.md:4:8: the link `../nas/symptomr.md` points to a missing file"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean `../nas/symptomer.md`?"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("content/smil/a.md:4:54: no heading `#tegnn`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `#tegn`?"), "{}", r.stderr);
}

#[test]
fn all_errors_are_reported_in_one_run() {
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/a.md", "---\ntitle: A\ndate: 2019-02-30\n---\n"),
        ("content/b.md", "---\ntitle: B\n"),
        ("site.yaml", "titel: x\n"),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("content/a.md:3:7"), "{}", r.stderr);
    assert!(r.stderr.contains("content/b.md:1:1"), "{}", r.stderr);
    assert!(
        r.stderr.contains("site.yaml:1:1: unknown field `titel`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("did you mean `title`?"), "{}", r.stderr);
    assert!(r.stderr.contains("3 errors"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
    ]);
    std::os::unix::fs::symlink("..", dir.path().join("content/nas/opp")).unwrap();
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("content/nas/opp: symbolic link loop"),
        "{}",
        r.stderr
    );
}

#[test]
fn bom_crlf_and_a_five_megabyte_line_build() {
    let long = "ord ".repeat(1_300_000); // > 5 MB on one line
    let mut body = b"\xEF\xBB\xBF---\r\ntitle: Lang\r\n---\r\n".to_vec();
    body.extend_from_slice(long.as_bytes());
    body.extend_from_slice(b"\r\n");
    let dir = site(&[("content/_index.md", OK_PAGE)]);
    write(dir.path(), "content/lang.md", &body);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("lang/index.html")).unwrap();
    assert!(html.contains("<h1>Lang</h1>"));
    assert!(html.len() > 5_000_000);
}

#[test]
fn a_five_megabyte_line_in_an_error_is_cut_short() {
    let mut text = b"---\ntitle: A\n---\n".to_vec();
    text.extend_from_slice("x".repeat(5_000_000).as_bytes());
    text.extend_from_slice(b" [lenke](borte.md)\n");
    let err = fails_with("content/a.md", &text);
    assert!(
        err.contains("content/a.md:4:5000010"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(
        err.len() < 5_000,
        "the snippet must be windowed, got {} bytes",
        err.len()
    );
}

#[test]
fn failed_build_leaves_previous_output_byte_for_byte() {
    let dir = site(&[
        ("content/_index.md", OK_PAGE),
        ("content/nas/a.md", "---\ntitle: A\n---\nFørste versjon.\n"),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = snapshot(&out);
    assert!(before.contains_key("nas/a/index.html"));

    write(
        dir.path(),
        "content/nas/a.md",
        b"---\ntitle: A\ndate: 2019-02-30\n---\nAndre versjon.\n",
    );
    write(
        dir.path(),
        "content/nas/b.md",
        b"---\ntitle: B\n---\nNy side.\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("previous output is unchanged"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&out), before, "the failed build changed public/");
    // No staging folders left behind next to it (the build cache is not one).
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("varde-"))
        .filter(|e| e.file_name() != ".varde-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A template error (found while rendering) must not touch the output either.
    write(dir.path(), "content/nas/a.md", b"---\ntitle: A\n---\nOk.\n");
    write(dir.path(), "templates/page.html", b"{% extends \"base.html\" %}{% block content %}{{ page.nope.deeper }}{% endblock content %}");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("templates/page.html"), "{}", r.stderr);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn refuses_output_folders_that_would_destroy_sources() {
    let dir = site(&[("content/_index.md", OK_PAGE)]);
    for out in [
        dir.path().to_path_buf(),
        dir.path().join("content"),
        dir.path().join("content/public"),
    ] {
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{}: {}", out.display(), r.stderr);
        assert!(dir.path().join("content/_index.md").is_file());
    }
    let other = dir.path().join("notater");
    write(dir.path(), "notater/viktig.txt", b"ikke slett meg");
    let r = build(dir.path(), &other, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("was not written by varde"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(other.join("viktig.txt")).unwrap(),
        b"ikke slett meg"
    );
}

#[test]
fn usage_errors_exit_with_2() {
    let r = run(varde().arg("build").arg("--nope"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(varde().arg("lag"));
    assert_eq!(r.code, 2);
}

#[test]
fn missing_content_folder() {
    let dir = tempfile::tempdir().unwrap();
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no content/ folder"), "{}", r.stderr);
}

/// Builds a site with these files, expecting `code`; returns the stderr.
fn build_files(files: &[(&str, &str)], code: i32) -> (tempfile::TempDir, String) {
    let dir = site(files);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, code, "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    (dir, r.stderr)
}

#[test]
fn errors_point_at_their_cause() {
    // (file, its text, the diagnostic line that must appear)
    let table: &[(&str, &str, &str)] = &[
        (
            "content/a.md",
            "---\ntitle: A\ndescription: x\ntitle: B\n---\n",
            "error: content/a.md:4:1: invalid YAML: the field `title` is given twice (first on line 2)",
        ),
        (
            "content/a.md",
            "---\nextra:\n  farge: blå\n  farge: rød\n---\n",
            "error: content/a.md:4:3: invalid YAML: the field `farge` is given twice (first on line 3)",
        ),
        (
            "content/a.md",
            "---\ntitle: \"Om kurset\ndescription: x\nweight: 3\n---\n",
            "error: content/a.md:2:8: invalid YAML: this quoted text is never closed",
        ),
        (
            "content/a.md",
            "---\ntitle: 'Om kurset\nweight: 3\n---\n",
            "error: content/a.md:2:8: invalid YAML: this quoted text is never closed",
        ),
        (
            "content/b.md",
            "---\ntitle: B\naliases:\n  - /gammel/\n  - /a/\n---\n",
            "error: content/b.md:5:5: two sources claim the URL /a/",
        ),
        (
            "content/b.md",
            "---\ntitle: B\nslug: a\n---\n",
            "error: content/b.md:3:1: two sources claim the URL /a/",
        ),
        (
            "content/0.md",
            "---\ntitle: Null\nslug: a\n---\n",
            "error: content/0.md:3:1: two sources claim the URL /a/",
        ),
    ];
    for (path, text, line) in table {
        let (_dir, err) = build_files(
            &[
                ("content/_index.md", OK_PAGE),
                ("content/a.md", "---\ntitle: A\n---\nHei.\n"),
                (path, text),
            ],
            1,
        );
        assert!(err.contains(line), "{text:?}\nwanted: {line}\n{err}");
    }
}

#[test]
fn front_matter_text_keeps_its_source_form() {
    let (dir, err) = build_files(
        &[
            ("content/_index.md", OK_PAGE),
            (
                "content/a.md",
                "---\ntitle: 1.10\ndescription: 0012\n---\nHei.\n",
            ),
        ],
        0,
    );
    assert!(
        err.contains("warning: content/a.md:2:8: `title` is text, but YAML reads `1.10` as a number; it is used as written"),
        "{err}"
    );
    assert!(err.contains("put it in quotes: `title: \"1.10\"`"), "{err}");
    let page = std::fs::read_to_string(dir.path().join("public/a/index.html")).unwrap();
    assert!(
        page.contains("<h1>1.10</h1>") || page.contains(">1.10</h1>"),
        "{page}"
    );
    assert!(page.contains("0012"), "{page}");
}

#[test]
fn a_broken_site_yaml_is_reported_first_and_alone() {
    let service = "---\ntitle: Tjeneste\norganisation: Kommunen\nsummary: Hjelp.\ncategories: [kurs]\naudience: [gravide]\nservice_area: [Oslo]\nlast_reviewed: 2026-01-01\ncontact:\n  email: a@b.no\n---\n";
    // (site.yaml, the error it gives): a syntax error, and a bad line in a vocabulary.
    let table: &[(&str, &str)] = &[
        (
            "title: T\ndirectory:\n  categories:\n    - {id: kurs, label: Kurs}\n  audience: [\n",
            "error: site.yaml:",
        ),
        (
            "title: T\ndirectory:\n  categories:\n    - {id: kurs, label: Kurs}\n  audience:\n    - {id: Gravide!, label: Gravide}\n",
            "error: site.yaml:6:",
        ),
    ];
    for (yaml, first) in table {
        let mut files = vec![
            ("site.yaml", *yaml),
            ("content/_index.md", OK_PAGE),
            (
                "content/tjenester/_index.md",
                "---\ntitle: Tjenester\ndirectory: true\n---\n",
            ),
        ];
        let names: Vec<String> = (0..20)
            .map(|i| format!("content/tjenester/t{i}.md"))
            .collect();
        for n in &names {
            files.push((n, service));
        }
        let (_dir, err) = build_files(&files, 1);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
        assert!(errors[0].starts_with(first), "{yaml}\n{err}");
        assert!(
            errors.iter().all(|l| l.starts_with("error: site.yaml")),
            "only site.yaml's own errors: {err}"
        );
    }
}
