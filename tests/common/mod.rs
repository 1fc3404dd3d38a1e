//! Helpers shared by the integration tests: run the built binary, make throw-away sites,
//! and read what a build wrote.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary, speaking English: the tests read its messages as the code writes them
/// (`tests/messages.rs` checks the bokmål).
pub fn varde() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_varde"));
    c.env("VARDE_LANG", "en");
    c
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

/// Copies the folder `from` to `to`, whole.
pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.expect("walk");
        let dest = to.join(e.path().strip_prefix(from).expect("rel"));
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("mkdir");
        } else {
            fs::copy(e.path(), &dest).expect("copy");
        }
    }
}

/// A copy of the example site (content, themes, site.yaml) to edit.
pub fn example_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for d in ["content", "themes"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).expect("copy");
    dir
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

/// A response read from a raw HTTP/1.1 connection.
pub struct HttpResponse {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` (a whole HTTP request, as bytes on the wire) and reads the reply until the
/// server closes. Raw on purpose: HTTP clients clean up paths such as `/../` before sending.
pub fn raw_http(port: u16, request: &str) -> std::io::Result<HttpResponse> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    // Generous: the load test may be running beside it on two busy cores.
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    s.write_all(request.as_bytes())?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(HttpResponse {
        status,
        head,
        body: buf[split..].to_vec(),
    })
}

pub fn http_get(port: u16, path: &str) -> HttpResponse {
    raw_http(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
    .expect("HTTP request")
}

/// Says that a test returns early, where it is seen: straight to stderr, past the test
/// harness's capture of `println!` and `eprintln!`.
pub fn skipped(why: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// A port nobody listens on now, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The search bundle (src/search/format.rs) read back the way `client.js` reads it, from
/// `get` (a file's name in the bundle folder -> its bytes, or None when it is missing).
pub struct SearchBundle {
    pub salt: String,
    pub languages: BTreeMap<String, SearchLanguage>,
}

pub struct SearchLanguage {
    pub pages: usize,
    pub shards: usize,
    /// Every stem, with its (page id, score byte) pairs in page order.
    pub stems: BTreeMap<String, Vec<(usize, u8)>>,
    /// Each page's fragment (URL, metadata, text), by page id; None where it is missing.
    pub fragments: Vec<Option<serde_json::Value>>,
}

/// A bundle file's bytes: gunzipped (every `.bin` file is written gzipped).
pub fn search_unpack(gz: &[u8], what: &str) -> Vec<u8> {
    use std::io::Read;
    let mut bytes = vec![];
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("{what} is not gzip: {e}"));
    bytes
}

fn varint(bytes: &[u8], pos: &mut usize) -> usize {
    let (mut v, mut shift) = (0usize, 0);
    loop {
        let b = bytes[*pos];
        *pos += 1;
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// A stem's postings as (page id, score); `dense` (the page count) when the file lists one
/// score and the pages without the stem.
fn search_postings(
    bytes: &[u8],
    pos: &mut usize,
    df: usize,
    dense: Option<usize>,
) -> Vec<(usize, u8)> {
    if let Some(pages) = dense {
        let score = bytes[*pos];
        *pos += 1;
        let mut missing = BTreeSet::new();
        let mut id = 0;
        for _ in df..pages {
            id += varint(bytes, pos);
            missing.insert(id);
        }
        return (0..pages)
            .filter(|p| !missing.contains(p))
            .map(|p| (p, score))
            .collect();
    }
    let mut id = 0;
    (0..df)
        .map(|_| {
            id += varint(bytes, pos);
            let score = bytes[*pos];
            *pos += 1;
            (id, score)
        })
        .collect()
}

/// Reads the whole bundle; None if `entry.json` is missing or names a file that is (a newer
/// bundle replaced it between two requests, in the preview).
pub fn read_search_bundle(get: impl Fn(&str) -> Option<Vec<u8>>) -> Option<SearchBundle> {
    let entry: serde_json::Value = serde_json::from_slice(&get("entry.json")?).ok()?;
    assert_eq!(entry["format"], 1, "{entry}");
    let salt = entry["salt"].as_str().unwrap().to_string();
    let mut languages = BTreeMap::new();
    for (code, lang) in entry["languages"].as_object().unwrap() {
        let file = |name: String| -> Option<Vec<u8>> {
            let name = format!("{code}_{salt}_{name}.bin");
            Some(search_unpack(&get(&name)?, &name))
        };
        let pages = lang["pages"].as_u64().unwrap() as usize;
        let firsts = lang["shards"].as_array().unwrap();
        let mut stems = BTreeMap::new();
        for (k, first) in firsts.iter().enumerate() {
            let bytes = file(format!("s{}", base36(k)))?;
            assert_eq!(bytes[0], b'V', "shard {k}");
            let mut pos = 1;
            let n = varint(&bytes, &mut pos);
            let mut previous: Vec<u8> = vec![];
            for i in 0..n {
                let shared = varint(&bytes, &mut pos);
                let len = varint(&bytes, &mut pos);
                let mut word = previous[..shared].to_vec();
                word.extend_from_slice(&bytes[pos..pos + len]);
                pos += len;
                let stem = String::from_utf8(word.clone()).expect("a stem in UTF-8");
                if i == 0 {
                    assert_eq!(
                        first.as_str(),
                        Some(stem.as_str()),
                        "shard {k}'s first stem"
                    );
                }
                let df = varint(&bytes, &mut pos);
                let place = varint(&bytes, &mut pos);
                let (ext, dense) = (place >> 1, place & 1 == 1);
                let list = if ext == 0 {
                    search_postings(&bytes, &mut pos, df, dense.then_some(pages))
                } else {
                    let own = file(format!("p{}", base36(ext - 1)))?;
                    assert_eq!(own[0], b'V', "postings {ext}");
                    let mut at = 1;
                    let list = search_postings(&own, &mut at, df, dense.then_some(pages));
                    assert_eq!(at, own.len(), "postings {ext} has bytes after its list");
                    list
                };
                let before = stems.insert(stem.clone(), list);
                assert!(before.is_none(), "{stem} twice");
                previous = word;
            }
            assert_eq!(pos, bytes.len(), "shard {k} has bytes after its entries");
        }
        let fragments = (0..pages)
            .map(|id| {
                let json = file(format!("f{}", base36(id)))?;
                assert_eq!(json[0], b'{');
                Some(serde_json::from_slice(&json).expect("a fragment is JSON"))
            })
            .collect();
        languages.insert(
            code.clone(),
            SearchLanguage {
                pages,
                shards: firsts.len(),
                stems,
                fragments,
            },
        );
    }
    Some(SearchBundle { salt, languages })
}

/// The bundle of a site built into `out`.
pub fn search_bundle(out: &Path) -> SearchBundle {
    let dir = out.join("pagefind");
    read_search_bundle(|name| fs::read(dir.join(name)).ok()).expect("a whole search bundle")
}

pub fn base36(mut n: usize) -> String {
    let mut digits = vec![];
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap());
        n /= 36;
        if n == 0 {
            return digits.iter().rev().collect();
        }
    }
}
