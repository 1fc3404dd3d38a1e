//! `varde serve`: live reload, error overlay, safe serving, content types, and load.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, extra: &[&str]) -> Server {
    let port = free_port();
    let child = varde()
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(root)
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "varde serve did not start"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    Server { child, port }
}

/// An open Server-Sent Events stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        Events::open_at(port, "")
    }

    /// The stream of the page at `query` (`?page=/a/`), as the live-reload script opens it.
    fn open_at(port: u16, query: &str) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let head = format!(
            "GET /__varde/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        );
        s.write_all(head.as_bytes()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line.starts_with(": connected") {
                return Events(r);
            }
        }
    }

    /// The next event's name.
    fn next(&mut self) -> String {
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.0.read_line(&mut line).expect("an event within 15 s");
            assert!(n > 0, "event stream closed");
            if let Some(e) = line.strip_prefix("event: ") {
                return e.trim().to_string();
            }
        }
    }
}

const HOME: &str = "---\ntitle: Hjem\n---\nVelkommen.\n";

#[test]
fn an_edit_is_served_and_announced() {
    let dir = site(&[
        ("content/_index.md", HOME),
        ("content/a.md", "---\ntitle: A\n---\nFørste versjon.\n"),
    ]);
    let s = serve(dir.path(), &[]);
    let page = http_get(s.port, "/a/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Første versjon."));
    assert!(
        page.text()
            .contains(r#"<script src="/__varde/live.js" defer></script>"#),
        "live reload is injected"
    );
    assert_eq!(http_get(s.port, "/__varde/live.js").status, 200);
    assert!(
        !dir.path().join("public").exists(),
        "serve builds in memory and leaves public/ alone"
    );

    let mut events = Events::open(s.port);
    write(
        dir.path(),
        "content/a.md",
        "---\ntitle: A\n---\nAndre versjon.\n".as_bytes(),
    );
    assert_eq!(events.next(), "reload");
    assert!(http_get(s.port, "/a/").text().contains("Andre versjon."));

    // A stylesheet-only change swaps CSS without a reload.
    write(
        dir.path(),
        "static/css/varde.css",
        b"body { color: black; }",
    );
    assert_eq!(events.next(), "css");
    assert_eq!(
        http_get(s.port, "/css/varde.css").text(),
        "body { color: black; }"
    );

    // static/ did not exist when the server started; it is watched from its creation on.
    write(dir.path(), "static/css/varde.css", b"body { color: navy; }");
    assert_eq!(events.next(), "css");
    assert_eq!(
        http_get(s.port, "/css/varde.css").text(),
        "body { color: navy; }"
    );
    // A new page, a rename and a deletion.
    write(
        dir.path(),
        "content/ny.md",
        b"---\ntitle: Ny\n---\nNy side.\n",
    );
    assert_eq!(events.next(), "reload");
    assert_eq!(http_get(s.port, "/ny/").status, 200);
    std::fs::rename(
        dir.path().join("content/ny.md"),
        dir.path().join("content/flyttet.md"),
    )
    .unwrap();
    assert_eq!(events.next(), "reload");
    assert_eq!(http_get(s.port, "/ny/").status, 404);
    assert!(http_get(s.port, "/flyttet/").text().contains("Ny side."));
    std::fs::remove_file(dir.path().join("content/flyttet.md")).unwrap();
    assert_eq!(events.next(), "reload");
    assert_eq!(http_get(s.port, "/flyttet/").status, 404);
}

/// A template edit renders the open page first; every page asked for after the reload,
/// open or not, shows the edit, and later edits reload every page as before.
#[test]
fn a_template_edit_reloads_the_open_page_first_and_serves_no_page_from_before() {
    let page = std::fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    let from = "<article class=\"article\"";
    assert!(page.contains(from));
    let dir = site(&[
        ("content/_index.md", HOME),
        ("content/a.md", "---\ntitle: A\n---\nSide a.\n"),
        ("content/b.md", "---\ntitle: B\n---\nSide b.\n"),
        ("templates/page.html", &page),
    ]);
    let s = serve(dir.path(), &[]);
    assert_eq!(http_get(s.port, "/a/").status, 200);
    let mut open = Events::open_at(s.port, "?page=/a/");
    let mut unnamed = Events::open(s.port);
    for (n, class) in ["en", "to"].iter().enumerate() {
        let to = format!("<article class=\"{class} article\"");
        write(
            dir.path(),
            "templates/page.html",
            page.replace(from, &to).as_bytes(),
        );
        assert_eq!(open.next(), "reload", "edit {n}");
        assert_eq!(unnamed.next(), "reload", "edit {n}");
        for p in ["/a/", "/b/"] {
            assert!(http_get(s.port, p).text().contains(&to), "edit {n}: {p}");
        }
    }
    write(
        dir.path(),
        "content/a.md",
        b"---\ntitle: A\n---\nNy tekst.\n",
    );
    assert_eq!(open.next(), "reload");
    assert_eq!(unnamed.next(), "reload");
    assert!(http_get(s.port, "/a/").text().contains("Ny tekst."));
}

#[test]
fn a_broken_file_shows_an_overlay_over_the_last_good_page_until_fixed() {
    // (arguments, the error in the overlay, its closing count): in English, and in bokmål
    // as an editor of a Norwegian site reads it.
    let cases: [(&[&str], &str, &str); 2] = [
        (
            &[],
            "content/a.md:3:7: no such date 2019-02-30",
            "1 error, 0 warnings",
        ),
        (
            &["--lang", "nb"],
            "content/a.md:3:7: datoen 2019-02-30 finnes ikke",
            "1 feil, 0 advarsler",
        ),
    ];
    for (args, error, count) in cases {
        let dir = site(&[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\n---\nGod tekst.\n"),
        ]);
        let s = serve(dir.path(), args);
        let mut events = Events::open(s.port);
        write(
            dir.path(),
            "content/a.md",
            b"---\ntitle: A\ndate: 2019-02-30\n---\nNy tekst.\n",
        );
        assert_eq!(events.next(), "reload");
        let page = http_get(s.port, "/a/").text();
        assert!(
            page.contains(r#"<div id="varde-overlay" role="alert">"#),
            "{page}"
        );
        assert!(page.contains(error) && page.contains(count), "{page}");
        assert!(
            page.contains("God tekst."),
            "the last good version stays underneath"
        );
        assert!(
            http_get(s.port, "/").text().contains("varde-overlay"),
            "every page shows it"
        );

        write(
            dir.path(),
            "content/a.md",
            b"---\ntitle: A\ndate: 2019-02-28\n---\nRettet tekst.\n",
        );
        assert_eq!(events.next(), "reload");
        let page = http_get(s.port, "/a/").text();
        assert!(!page.contains("varde-overlay"));
        assert!(page.contains("Rettet tekst."));
    }
}

#[test]
fn requests_never_leave_the_site() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("hemmelig.txt"), "HEMMELIG-INNHOLD").unwrap();
    let root = outer.path().join("nettsted");
    write(&root, "content/_index.md", HOME.as_bytes());
    let s = serve(&root, &[]);
    for path in [
        "/../hemmelig.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/hemmelig.txt",
        "/%2E%2E%2Fhemmelig.txt",
        "/..%2fhemmelig.txt",
        "/..%5chemmelig.txt",
        "/..\\hemmelig.txt",
        "/%00",
        "/a%00.html",
        "//etc/passwd",
        "/./index.html",
        "/content/_index.md",
        "/site.yaml",
    ] {
        let r = raw_http(
            s.port,
            &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        )
        .unwrap();
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        let body = r.text();
        assert!(
            !body.contains("HEMMELIG") && !body.contains("root:x:0"),
            "{path} leaked: {body}"
        );
    }
    let r = raw_http(
        s.port,
        "GET http://127.0.0.1/../hemmelig.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert!(!r.text().contains("HEMMELIG"));
}

#[test]
fn only_requests_for_our_own_host_are_answered_with_safety_headers() {
    let dir = site(&[("content/_index.md", HOME)]);
    let s = serve(dir.path(), &[]);
    let port = s.port;
    // (Host header line, expected status): DNS rebinding sends the attacker's own name.
    let table: &[(&str, u16)] = &[
        ("Host: 127.0.0.1\r\n", 200),
        (&format!("Host: 127.0.0.1:{port}\r\n"), 200),
        (&format!("Host: localhost:{port}\r\n"), 200),
        (&format!("Host: [::1]:{port}\r\n"), 200),
        (&format!("Host: rebind.evil.example:{port}\r\n"), 403),
        (
            &format!("Host: localhost:{}\r\n", port.wrapping_add(1)),
            403,
        ),
        ("", 403),
    ];
    for (host, status) in table {
        for path in ["/", "/__varde/events"] {
            if path != "/" && *status == 200 {
                continue; // an event stream stays open
            }
            let r = raw_http(
                port,
                &format!("GET {path} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
            )
            .unwrap();
            assert_eq!(r.status, *status, "{host:?} {path}");
            assert_eq!(
                r.header("X-Content-Type-Options").as_deref(),
                Some("nosniff")
            );
            assert_eq!(r.header("Referrer-Policy").as_deref(), Some("no-referrer"));
            if *status == 403 {
                assert!(!r.text().contains("Forside"), "{host:?}: {}", r.text());
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_site_is_never_served() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(outer.path().join("passwd"), "HEMMELIG-INNHOLD").unwrap();
    let root = outer.path().join("nettsted");
    write(&root, "content/_index.md", HOME.as_bytes());
    write(&root, "static/ok.txt", b"ok");
    std::os::unix::fs::symlink(outer.path().join("passwd"), root.join("static/leak")).unwrap();
    let s = serve(&root, &[]);
    let r = http_get(s.port, "/leak");
    assert_eq!(r.status, 404);
    assert!(!r.text().contains("HEMMELIG"), "{}", r.text());
    // The site does not build while the link is there, so nothing of it is served.
    let page = http_get(s.port, "/").text();
    assert!(!page.contains("HEMMELIG"));
}

#[test]
fn content_types_404_head_and_etags() {
    let dir = site(&[("content/_index.md", HOME)]);
    let types = [
        ("x.css", "text/css; charset=utf-8"),
        ("x.js", "text/javascript; charset=utf-8"),
        ("x.json", "application/json; charset=utf-8"),
        ("x.xml", "application/xml; charset=utf-8"),
        ("x.svg", "image/svg+xml; charset=utf-8"),
        ("x.wasm", "application/wasm"),
        ("x.ics", "text/calendar; charset=utf-8"),
        ("x.pdf", "application/pdf"),
        ("x.woff2", "font/woff2"),
        ("x.png", "image/png"),
        ("x.jpg", "image/jpeg"),
        ("x.webp", "image/webp"),
    ];
    for (name, _) in types {
        write(dir.path(), &format!("static/filer/{name}"), b"data");
    }
    let s = serve(dir.path(), &[]);
    for (name, ct) in types {
        let r = http_get(s.port, &format!("/filer/{name}"));
        assert_eq!(r.status, 200, "{name}");
        assert_eq!(r.header("Content-Type").as_deref(), Some(ct), "{name}");
    }
    let home = http_get(s.port, "/");
    assert_eq!(
        home.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control").as_deref(), Some("no-cache"));

    let missing = http_get(s.port, "/finnes-ikke/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Vi fant ikke siden"),
        "the site's own 404.html"
    );

    let head = raw_http(
        s.port,
        "HEAD /filer/x.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("Content-Length").as_deref(), Some("4"));

    let etag = http_get(s.port, "/filer/x.css").header("ETag").unwrap();
    let again = raw_http(s.port, &format!("GET /filer/x.css HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: {etag}\r\nConnection: close\r\n\r\n")).unwrap();
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let post = raw_http(
        s.port,
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    assert_eq!(post.status, 405);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let dir = site(&[("content/_index.md", HOME)]);
    let s = serve(dir.path(), &[]);
    let r = run(varde()
        .args(["serve", "--port", &s.port.to_string(), "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains(&format!("port {} is already in use", s.port)),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("--port {}", s.port + 1)),
        "{}",
        r.stderr
    );
}

#[test]
fn binding_beyond_loopback_warns_loudly() {
    let dir = site(&[("content/_index.md", HOME)]);
    let port = free_port();
    let mut child = varde()
        .args([
            "serve",
            "--bind",
            "0.0.0.0",
            "--port",
            &port.to_string(),
            "--root",
        ])
        .arg(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("warning: serving on 0.0.0.0"), "{line}");
}

/// 50 connections at once for 10 s while the site is rebuilt again and again: every request
/// must be answered. Bounded in time and count, and only against 127.0.0.1.
#[test]
fn fifty_connections_for_ten_seconds_while_rebuilding() {
    let dir = site(&[
        ("content/_index.md", HOME),
        ("content/a.md", "---\ntitle: A\n---\nTekst.\n"),
    ]);
    let s = serve(dir.path(), &[]);
    let port = s.port;
    let stop = Instant::now() + Duration::from_secs(10);
    let editor = {
        let root = dir.path().to_path_buf();
        std::thread::spawn(move || {
            let mut n = 0;
            while Instant::now() < stop {
                write(
                    &root,
                    "content/a.md",
                    format!("---\ntitle: A\n---\nVersjon {n}.\n").as_bytes(),
                );
                n += 1;
                std::thread::sleep(Duration::from_millis(150));
            }
            n
        })
    };
    let workers: Vec<_> = (0..50)
        .map(|i| {
            std::thread::spawn(move || {
                let (mut ok, mut errors) = (0u32, Vec::new());
                let paths = ["/", "/a/", "/css/varde.css", "/finnes-ikke/"];
                let mut k = i;
                while Instant::now() < stop && ok < 100_000 {
                    let path = paths[k % paths.len()];
                    k += 1;
                    match raw_http(
                        port,
                        &format!(
                            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        ),
                    ) {
                        Ok(r)
                            if r.status == 200 || (r.status == 404 && path == "/finnes-ikke/") =>
                        {
                            ok += 1
                        }
                        Ok(r) => errors.push(format!("{path}: {}", r.status)),
                        Err(e) => errors.push(format!("{path}: {e}")),
                    }
                }
                (ok, errors)
            })
        })
        .collect();
    let mut total = 0;
    let mut errors = vec![];
    for w in workers {
        let (ok, e) = w.join().unwrap();
        total += ok;
        errors.extend(e);
    }
    let edits = editor.join().unwrap();
    assert!(
        errors.is_empty(),
        "{} errors, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(total > 1000, "only {total} requests answered");
    eprintln!("load: {total} requests from 50 connections in 10 s during {edits} edits, 0 errors");
}

/// Every fragment of the preview's search bundle, as JSON text: what a search shows of each
/// page. None while a newer bundle replaced the one the entry named between two requests.
fn fragments(port: u16) -> Vec<String> {
    let get = |name: &str| {
        let r = http_get(port, &format!("/pagefind/{name}"));
        (r.status == 200).then_some(r.body)
    };
    let Some(bundle) = read_search_bundle(get) else {
        return vec![];
    };
    bundle.languages["nb"]
        .fragments
        .iter()
        .flatten()
        .map(|f| f.to_string())
        .collect()
}

/// Polls until `ok` holds (the index is built on a thread of its own), for up to 30 s.
fn eventually(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_preview_search_follows_edits() {
    let dir = site(&[
        ("content/_index.md", HOME),
        ("content/a.md", "---\ntitle: A\n---\nOm abstinens.\n"),
    ]);
    let s = serve(dir.path(), &[]);
    eventually("the search bundle is served", || {
        http_get(s.port, "/pagefind/varde-search.js").status == 200
    });
    eventually("the page's word is in the index", || {
        fragments(s.port).iter().any(|f| f.contains("abstinens"))
    });
    assert!(!fragments(s.port)
        .iter()
        .any(|f| f.contains("skjoldbruskkjertel")));
    // A new page with a word nobody else uses: the preview's index finds it after the save.
    write(
        dir.path(),
        "content/b.md",
        "---\ntitle: B\n---\nOm skjoldbruskkjertel.\n".as_bytes(),
    );
    eventually("the new page's word is in the index", || {
        fragments(s.port)
            .iter()
            .any(|f| f.contains("skjoldbruskkjertel") && f.contains("\"/b/\""))
    });
    // Search files are the preview's own: a page of the site never shadows them, and the
    // search page finds its bundle where the built site has it.
    let page = http_get(s.port, "/sok/").text();
    assert!(page.contains("data-bundle=\"/pagefind/\""), "{page}");
}
