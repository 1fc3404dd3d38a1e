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
fn impossible_date_names_file_line_and_column() {
    let err = fails_with(
        "content/nas/tegn.md",
        b"---\ntitle: Tegn\ndate: 2019-02-30\n---\n",
    );
    assert!(
        err.contains("error: content/nas/tegn.md:3:7: no such date 2019-02-30"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");
}

#[test]
fn invalid_utf8() {
    let err = fails_with("content/a.md", b"---\ntitle: A\n---\nok\nbad \xff\n");
    assert!(
        err.contains("content/a.md:5:5: the file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn unclosed_front_matter() {
    let err = fails_with("content/a.md", b"---\ntitle: A\n\nTekst\n");
    assert!(
        err.contains("content/a.md:1:1: the front matter opened on line 1 is never closed"),
        "{err}"
    );
}

#[test]
fn front_matter_that_is_a_list() {
    let err = fails_with("content/a.md", b"---\n- title: A\n---\n");
    assert!(
        err.contains("content/a.md:2:1: the front matter is a list"),
        "{err}"
    );
}

#[test]
fn yaml_syntax_error_line_is_in_the_file() {
    let err = fails_with("content/a.md", b"---\ntitle: A\ntags: [a, b\n---\n");
    assert!(err.contains("content/a.md:"), "{err}");
    assert!(err.contains("invalid YAML"), "{err}");
}

#[test]
fn missing_title() {
    let err = fails_with("content/a.md", b"---\ndescription: x\n---\n");
    assert!(
        err.contains("content/a.md:") && err.contains("`title` is required"),
        "{err}"
    );
}

#[test]
fn traversal_slug_is_refused() {
    let err = fails_with("content/a.md", b"---\ntitle: A\nslug: ../../x\n---\n");
    assert!(
        err.contains("content/a.md:3:7: `../../x` is not a valid slug"),
        "{err}"
    );
    assert!(err.contains("try `slug: x`"), "{err}");
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
    // No staging folders left behind next to it.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("varde-"))
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
