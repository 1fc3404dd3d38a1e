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
