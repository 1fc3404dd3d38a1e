//! The real-browser gate: builds the example site for a sub-path, serves it with nginx at
//! http://127.0.0.1:PORT/smil/, and runs tests/browser/gate.mjs (Playwright driving Debian's
//! Chromium) over every page in one browser session.
//!
//! Needs nginx, chromium and `npm ci --prefix tests/browser`; `.ci/run` installs them. Without
//! them this test fails and says what is missing. Set VARDE_SKIP_BROWSER=1 to skip it on
//! purpose on a machine without a browser.

mod common;
use common::*;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn start_nginx(dir: &Path, site: &Path, fixture: &Path, late: &Path, port: u16) -> Nginx {
    let conf = format!(
        r#"{user}
worker_processes 1;
error_log {dir}/error.log;
pid {dir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css application/javascript application/json text/xml application/atom+xml;
  # Text compressed as the README's guide for deployers asks (and static hosts do); Pagefind's
  # files are gzipped already and go as they are.
  gzip on;
  gzip_types text/css application/javascript application/json image/svg+xml application/xml;
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location /smil/ {{ alias {site}/; }}
    location /fixture/ {{ alias {fixture}/; }}
    location /late/ {{ alias {late}/; }}
    error_page 404 /smil/404.html;
  }}
}}
"#,
        user = if is_root() { "user root;" } else { "" },
        dir = dir.display(),
        site = site.display(),
        fixture = fixture.display(),
        late = late.display(),
    );
    let conf_path = dir.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let child = Command::new("nginx")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf_path)
        .args(["-g", "daemon off;"])
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx is installed (.ci/run installs it with apt)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx(child)
}

/// A site where one word is on enough pages that its list of pages is a file of its own in
/// the search bundle (over `INLINE_BYTES` in `search/format.rs`), which a search for a word
/// it begins does not wait for (`pending` in `client.js`): the gate checks that the search
/// page searches again once that list is there.
fn late_postings_site(dir: &Path) -> std::path::PathBuf {
    let site = dir.join("late-site");
    let pages = site.join("content/fugler");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(
        site.join("site.yaml"),
        "title: Fugler\nlanguage: nb\nsearch: true\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "---\ntitle: Fugler\n---\nOm fugler.\n",
    )
    .unwrap();
    std::fs::write(pages.join("_index.md"), "---\ntitle: Alle fugler\n---\n").unwrap();
    for i in 0..150 {
        std::fs::write(
            pages.join(format!("side-{i}.md")),
            format!(
                "---\ntitle: Fugl nummer {i}\n---\nKvitrefuglene synger i hagen om morgenen.\n"
            ),
        )
        .unwrap();
    }
    site
}

#[test]
fn every_page_passes_the_browser_gate() {
    if std::env::var_os("VARDE_SKIP_BROWSER").is_some() {
        skipped("the browser gate: VARDE_SKIP_BROWSER is set");
        return;
    }
    let gate = repo().join("tests/browser");
    let mut missing = vec![];
    if !gate.join("node_modules/playwright-core").is_dir() {
        missing.push("npm ci --prefix tests/browser");
    }
    for (bin, pkg) in [
        ("nginx", "nginx-light"),
        ("chromium", "chromium"),
        ("node", "nodejs"),
    ] {
        if Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {bin}"))
            .output()
            .map(|o| !o.status.success())
            .unwrap_or(true)
        {
            missing.push(pkg);
        }
    }
    assert!(
        missing.is_empty(),
        "the browser gate needs: {} (see .ci/run), or set VARDE_SKIP_BROWSER=1",
        missing.join(", ")
    );

    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/smil/");
    let out = tmp.path().join("public");
    let r = build(&repo(), &out, &["--base-url", &base]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A small directory with opening hours, for the "open now" check at a fixed clock; built
    // on 2026-12-01 so its public holidays are those of 2026 and 2027.
    let fixture_base = format!("http://127.0.0.1:{port}/fixture/");
    let fixture_out = tmp.path().join("fixture");
    let r = run(varde()
        .env("SOURCE_DATE_EPOCH", "1796083200")
        .args(["build", "--root"])
        .arg(repo().join("tests/fixtures/open-now"))
        .arg("--out")
        .arg(&fixture_out)
        .args(["--base-url", &fixture_base]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let late_base = format!("http://127.0.0.1:{port}/late/");
    let late_out = tmp.path().join("late");
    let late_site = late_postings_site(tmp.path());
    let r = build(&late_site, &late_out, &["--base-url", &late_base]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _nginx = start_nginx(tmp.path(), &out, &fixture_out, &late_out, port);

    let status = Command::new("node")
        .arg(gate.join("gate.mjs"))
        .arg(&base)
        .arg(&out)
        .arg(&fixture_base)
        .arg(&late_base)
        .current_dir(&gate)
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "the browser gate failed (see the FAIL lines above)"
    );
}
