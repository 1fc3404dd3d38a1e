//! The output folder is varde's only where varde wrote it: a build never deletes a file it
//! did not write, cleans up after itself when stopped or killed, and reports a failing disk
//! once, with its own exit code, leaving the old output as it was.

mod common;
use common::*;

use std::fs;
use std::path::Path;

const HOME: &str = "---\ntitle: Forside\n---\nHei.\n";

/// Folders beside `out` that look like varde's staging folders (the build cache is not one).
fn staging_folders(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".varde-") && n != ".varde-cache")
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_varde_did_not_write_is_never_emptied() {
    let dir = site(&[("content/_index.md", HOME)]);
    let out = dir.path().join("ut");
    // Looks like a built site (it has index.html) but varde never wrote it.
    write(&out, "index.html", b"<p>gammel</p>");
    write(&out, "viktig/regnskap.xlsx", b"tall");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("was not written by varde"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("help: empty the folder"), "{}", r.stderr);
    assert_eq!(fs::read(out.join("viktig/regnskap.xlsx")).unwrap(), b"tall");
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"<p>gammel</p>");
}

#[test]
fn a_file_added_to_varde_output_is_named_and_kept() {
    let dir = site(&[("content/_index.md", HOME)]);
    let out = dir.path().join("public");
    assert_eq!(build(dir.path(), &out, &[]).code, 0);
    let manifest = fs::read_to_string(out.join(".varde-manifest")).unwrap();
    assert!(manifest.lines().any(|l| l == "index.html"), "{manifest}");
    assert!(manifest.lines().any(|l| l == "sitemap.xml"), "{manifest}");
    write(&out, "viktig/regnskap.xlsx", b"tall");
    let before = snapshot(&out);
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("holds 1 file varde did not write: viktig/regnskap.xlsx"),
        "{}",
        r.stderr
    );
    assert_eq!(snapshot(&out), before);
    // Moved out, the next build replaces the folder as usual.
    fs::remove_dir_all(out.join("viktig")).unwrap();
    assert_eq!(build(dir.path(), &out, &[]).code, 0);
    assert!(staging_folders(dir.path()).is_empty());
}

#[test]
fn a_tampered_manifest_cannot_lead_a_removal_outside() {
    let dir = site(&[("content/_index.md", HOME)]);
    let out = dir.path().join("public");
    assert_eq!(build(dir.path(), &out, &[]).code, 0);
    write(dir.path(), "utenfor.txt", b"bli");
    let mut m = fs::read_to_string(out.join(".varde-manifest")).unwrap();
    m.push_str("../utenfor.txt\n/etc/hostname\n");
    fs::write(out.join(".varde-manifest"), m).unwrap();
    assert_eq!(build(dir.path(), &out, &[]).code, 0);
    assert_eq!(fs::read(dir.path().join("utenfor.txt")).unwrap(), b"bli");
    #[cfg(unix)]
    {
        // A folder of the output replaced by a link: the link goes, never what it points to.
        let keep = tempfile::tempdir().unwrap();
        write(keep.path(), "index.html", b"bli");
        fs::remove_dir_all(out.join("css")).unwrap();
        std::os::unix::fs::symlink(keep.path(), out.join("css")).unwrap();
        let r = build(dir.path(), &out, &[]);
        assert_eq!(
            r.code, 1,
            "a link varde did not write is foreign: {}",
            r.stderr
        );
        assert_eq!(fs::read(keep.path().join("index.html")).unwrap(), b"bli");
    }
}

/// A process id that is no longer running.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn staging_folders_of_killed_builds_are_removed_by_the_next_build() {
    let dir = site(&[("content/_index.md", HOME)]);
    let root = dir.path();
    let out = root.join("public");
    let dead = dead_pid();
    // What `kill -9` leaves: a half-written site, search scratch, and an old output that
    // holds one file varde did not write.
    write(
        root,
        &format!(".public.varde-new-{dead}/nas/index.html"),
        b"halv",
    );
    write(
        root,
        &format!(".public.varde-scratch-{dead}/a/index.html"),
        b"x",
    );
    let old = format!(".public.varde-old-{dead}");
    write(root, &format!("{old}/index.html"), b"gammel");
    write(
        root,
        &format!("{old}/.varde-manifest"),
        b"# varde\nindex.html\n",
    );
    write(root, &format!("{old}/egen.txt"), b"ikke varde sin");
    // A folder of it swapped for a link elsewhere: the link is not followed.
    let elsewhere = tempfile::tempdir().unwrap();
    write(elsewhere.path(), "varde.css", b"bli");
    #[cfg(unix)]
    std::os::unix::fs::symlink(elsewhere.path(), root.join(&old).join("css")).unwrap();
    write(
        root,
        &format!("{old}/.varde-manifest"),
        b"# varde\nindex.html\ncss/varde.css\n",
    );
    // A build still running (this test's own process) is left alone, as is a name that
    // only looks like ours.
    let live = format!(".public.varde-new-{}", std::process::id());
    write(root, &format!("{live}/index.html"), b"pagar");
    write(root, ".public.varde-new-abc/x", b"x");
    let r = build(root, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "note: removed .public.varde-new-{dead}, left by an interrupted build"
        )),
        "{}",
        r.stderr
    );
    assert!(r
        .stderr
        .contains(&format!("removed .public.varde-scratch-{dead}")));
    assert!(r
        .stderr
        .contains(&format!("{old} was left by an interrupted build")));
    let mut left = vec![old.clone(), ".public.varde-new-abc".into(), live];
    left.sort();
    assert_eq!(staging_folders(root), left);
    assert_eq!(
        fs::read(root.join(&old).join("egen.txt")).unwrap(),
        b"ikke varde sin"
    );
    assert!(!root.join(&old).join("index.html").exists());
    assert_eq!(
        fs::read(elsewhere.path().join("varde.css")).unwrap(),
        b"bli"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_during_a_build_removes_the_unfinished_build() {
    // Large enough that the build is still running when the signal comes.
    let dir = site(&[("content/_index.md", HOME)]);
    let root = dir.path();
    for i in 0..3000 {
        write(
            root,
            &format!("content/s{}/side-{i}.md", i % 20),
            format!("---\ntitle: Side {i}\n---\nTekst om side {i}.\n\n## Mer\n\nOg mer.\n")
                .as_bytes(),
        );
    }
    let out = root.join("public");
    fs::create_dir_all(&out).unwrap();
    let child = varde()
        .args(["build", "--no-search", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = root.join(format!(".public.varde-new-{}", child.id()));
    let started = std::time::Instant::now();
    while !staging.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "no staging folder appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.code() == Some(0) {
        panic!("the build finished before the signal; make the site larger: {stderr}");
    }
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert!(
        staging_folders(root).is_empty(),
        "{:?}",
        staging_folders(root)
    );
    // The output folder was empty before, and is still.
    assert_eq!(fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn every_markdown_file_becomes_a_page_or_is_named_and_no_source_is_published() {
    // A site as Jekyll and GitHub docs lay it out, moved into content/ as it is.
    let page = |t: &str| format!("---\ntitle: {t}\n---\nOm {t}.\n");
    let dir = site(&[
        ("content/index.md", &page("Forside")),
        ("content/_config.yml", "title: Gammel\n"),
        (
            "content/_layouts/default.html",
            "<html>{{ content }}</html>",
        ),
        ("content/_posts/2020-01-01-nytt.md", &page("Nytt")),
        ("content/Gemfile", "source 'https://rubygems.org'\n"),
        ("content/om.markdown", &page("Om oss")),
        (
            "content/mal.html",
            "---\nlayout: x\n---\n<p>{{ page.title }}</p>",
        ),
        ("content/ferdig.html", "<p>ferdig</p>"),
        ("content/docs/index.md", &page("Dokumentasjon")),
        ("content/docs/installere.md", &page("Installere")),
        ("content/docs/bruk.md", &page("Bruk")),
        // A real bundle: index.md and nothing but files beside it.
        ("content/docs/guide/index.md", &page("Guide")),
        ("content/docs/guide/bilde.png", "png"),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = snapshot(&out);
    for built in [
        "index.html",
        "om/index.html",
        "docs/index.html",
        "docs/installere/index.html",
        "docs/bruk/index.html",
        "docs/guide/index.html",
        "docs/guide/bilde.png",
        "ferdig.html",
    ] {
        assert!(
            files.contains_key(built),
            "{built} missing: {:?}",
            files.keys()
        );
    }
    let home = String::from_utf8_lossy(&files["index.html"]);
    assert!(home.contains("Om Forside."), "index.md is the home page");
    let docs = String::from_utf8_lossy(&files["docs/index.html"]);
    assert!(docs.contains("Om Dokumentasjon."), "{docs}");
    for path in files.keys() {
        assert!(
            !path.ends_with(".md")
                && !path.ends_with(".markdown")
                && !path.ends_with(".yml")
                && !path.contains("Gemfile")
                && !path.contains("_layouts")
                && !path.contains("_posts")
                && path != "mal.html",
            "{path} is a source and was published"
        );
    }
    // Each thing left out is named, once.
    for (at, what) in [
        ("content/_config.yml", "names starting with `_`"),
        ("content/_layouts", "names starting with `_`"),
        ("content/_posts", "(it holds 1 Markdown file)"),
        ("content/Gemfile", "a configuration file"),
        ("content/mal.html", "has front matter"),
    ] {
        assert_eq!(
            r.stderr
                .lines()
                .filter(|l| l.starts_with(&format!("warning: {at}: ")) && l.contains(what))
                .count(),
            1,
            "{at}: {}",
            r.stderr
        );
    }
    assert!(
        r.stderr
            .contains("; 1 Markdown file under `_` names left out"),
        "{}",
        r.stderr
    );
    // Both _index.md and index.md in one folder: one of them would be lost, so it is an error.
    write(dir.path(), "content/docs/_index.md", page("Dok").as_bytes());
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: content/docs/index.md: this folder has both _index.md and index.md"),
        "{}",
        r.stderr
    );
}

/// Runs `script` with `sh` in a mount namespace of its own, so it can mount a small tmpfs
/// that disappears with it. `None` where this machine allows no such namespace.
#[cfg(target_os = "linux")]
fn in_own_mount_namespace(script: &str) -> Option<std::process::Output> {
    let probe = std::process::Command::new("unshare")
        .args(["--mount", "--map-root-user", "true"])
        .output()
        .ok()?;
    let args: &[&str] = if probe.status.success() {
        &["--mount", "--map-root-user"]
    } else {
        &["--mount"]
    };
    let out = std::process::Command::new("unshare")
        .args(args)
        .args(["sh", "-c", script])
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    (!stderr.contains("unshare failed") && !stderr.contains("Operation not permitted"))
        .then_some(out)
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_error_with_its_own_exit_code_and_the_old_output_stays() {
    let dir = site(&[("content/_index.md", HOME)]);
    let root = dir.path();
    let more = root.join("more");
    for i in 0..300 {
        write(
            &more,
            &format!("side-{i}.md"),
            format!(
                "---\ntitle: Side {i}\n---\n{}\n",
                "Tekst om hjelp. ".repeat(40)
            )
            .as_bytes(),
        );
    }
    let mnt = root.join("disk");
    fs::create_dir_all(&mnt).unwrap();
    let script = format!(
        r#"set -u
export VARDE_LANG=en
mount -t tmpfs -o size=200k tmpfs '{mnt}' || {{ echo MOUNT-FAILED; exit 0; }}
'{varde}' build --no-search --root '{root}' --out '{mnt}/public' 2>/dev/null; echo "first=$?"
find '{mnt}/public' -type f | sort | xargs md5sum > '{root}/before.txt'
cp -r '{more}' '{root}/content/mer'
'{varde}' build --no-search --root '{root}' --out '{mnt}/public' 2> '{root}/stderr.txt'; echo "second=$?"
find '{mnt}/public' -type f | sort | xargs md5sum > '{root}/after.txt'
ls -a '{mnt}' > '{root}/beside.txt'
"#,
        mnt = mnt.display(),
        varde = env!("CARGO_BIN_EXE_varde"),
        root = root.display(),
        more = more.display(),
    );
    let Some(out) = in_own_mount_namespace(&script) else {
        skipped(
            "a full disk: this machine allows no mount namespace (needs root or user namespaces)",
        );
        return;
    };
    let said = String::from_utf8_lossy(&out.stdout);
    if said.contains("MOUNT-FAILED") {
        skipped(&format!(
            "a full disk: cannot mount a tmpfs here: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
        return;
    }
    assert!(said.contains("first=0"), "{said}");
    assert!(
        said.contains("second=3"),
        "exit code 3 for a failing disk: {said}"
    );
    let stderr = fs::read_to_string(root.join("stderr.txt")).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains("No space left on device"), "{stderr}");
    // The real path on disk, not a site path.
    assert!(errors[0].contains(&mnt.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("the previous output is unchanged"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(root.join("before.txt")).unwrap(),
        fs::read_to_string(root.join("after.txt")).unwrap()
    );
    let beside = fs::read_to_string(root.join("beside.txt")).unwrap();
    // The build cache (`.varde-cache`) is not a staging folder.
    let staging = beside
        .lines()
        .any(|l| l.contains(".varde-") && l != ".varde-cache");
    assert!(!staging, "staging folders left: {beside}");
}

/// The stamp a file gets as it is written or linked is the one the next build finds in
/// the output folder after the swap: the build cache links an output only on a match.
#[test]
fn stamps_taken_while_writing_are_those_found_after_the_swap() {
    let dir = tempfile::tempdir().unwrap();
    let last = dir.path().join("last.html");
    std::fs::write(&last, "<p>sist</p>").unwrap();
    let last_stamp = varde::sink::Stamp::of(&last).unwrap();
    let out = dir.path().join("public");
    let staging = varde::output::Staging::new(out.clone()).unwrap();
    staging.write("/nas/", b"<p>ny</p>").unwrap();
    varde::sink::Sink::link(&staging, &last, last_stamp, "/smil/").unwrap();
    let stamps = staging.take_stamps();
    staging.commit().unwrap();
    for (path, file) in [("/nas/", "nas/index.html"), ("/smil/", "smil/index.html")] {
        assert_eq!(
            stamps.get(path),
            varde::sink::Stamp::of(&out.join(file)).as_ref(),
            "{path}"
        );
    }
    assert_eq!(stamps.len(), 2);
}
