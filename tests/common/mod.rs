//! Helpers shared by the integration tests: run the built binary, make throw-away sites,
//! and read what a build wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn varde() -> Command {
    Command::new(env!("CARGO_BIN_EXE_varde"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.env("NO_COLOR", "1").output().expect("run varde");
    Run {
        // A panic exits with 101; a signal has no code.
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn build(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut cmd = varde();
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out)
        .args(extra);
    run(&mut cmd)
}

/// A temporary site with the given files (path -> text).
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        write(dir.path(), path, text.as_bytes());
    }
    dir
}

pub fn write(root: &Path, path: &str, bytes: &[u8]) {
    let p = root.join(path);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, bytes).expect("write");
}

/// Every file below `dir`, relative path -> bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("rel")
                .to_string_lossy()
                .into_owned();
            out.insert(rel, fs::read(e.path()).expect("read"));
        }
    }
    out
}

pub fn html_files(dir: &Path) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v).expect("utf-8 html")))
        .collect()
}

/// Values of `attr="..."` in an HTML text.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = vec![];
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// The file a root-relative URL is served from, under a site mounted at `base_path`.
pub fn file_for_url(out: &Path, base_path: &str, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next().unwrap_or("");
    let rel = path.strip_prefix(base_path)?;
    let p = out.join(rel);
    Some(if rel.is_empty() || rel.ends_with('/') {
        p.join("index.html")
    } else {
        p
    })
}

pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}
