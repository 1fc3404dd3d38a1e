//! `varde check --external`, against a server on 127.0.0.1 only: what is broken is an
//! error at its link, what may pass is a warning, and a good answer is remembered.

mod common;
use common::*;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A server whose paths answer as their names say; it counts the requests per path.
fn server() -> (u16, Arc<Mutex<HashMap<String, usize>>>) {
    let http = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = http.server_addr().to_ip().unwrap().port();
    let seen: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let counts = seen.clone();
    std::thread::spawn(move || {
        for req in http.incoming_requests() {
            let path = req.url().to_string();
            *counts.lock().unwrap().entry(path.clone()).or_default() += 1;
            let head = *req.method() == tiny_http::Method::Head;
            let resp = match path.as_str() {
                "/ok" | "/ok-service" => tiny_http::Response::from_string("ok"),
                "/gone" => tiny_http::Response::from_string("no").with_status_code(404),
                "/moved" => tiny_http::Response::from_string("")
                    .with_status_code(301)
                    .with_header(
                        tiny_http::Header::from_bytes(
                            "Location",
                            format!("http://127.0.0.1:{port}/ok"),
                        )
                        .unwrap(),
                    ),
                "/no-head" if head => tiny_http::Response::from_string("").with_status_code(405),
                "/no-head" => tiny_http::Response::from_string("ok"),
                "/broken-server" => tiny_http::Response::from_string("").with_status_code(500),
                "/slow" => {
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_secs(4));
                        let _ = req.respond(tiny_http::Response::from_string("late"));
                    });
                    continue;
                }
                _ => tiny_http::Response::from_string("?").with_status_code(404),
            };
            let _ = req.respond(resp);
        }
    });
    (port, seen)
}

#[test]
fn outside_links_are_asked_once_and_good_answers_are_remembered() {
    let (port, seen) = server();
    let u = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let page = format!(
        "---\ntitle: Lenker\ndescription: Lenker ut\n---\nSe [god]({ok}), [borte]({gone}) og [flyttet]({moved}).\n\nIgjen: [god]({ok}#del), [uten HEAD]({nohead}), [feil]({broken}), [treg]({slow}).\n",
        ok = u("/ok"),
        gone = u("/gone"),
        moved = u("/moved"),
        nohead = u("/no-head"),
        broken = u("/broken-server"),
        slow = u("/slow"),
    );
    let service = format!(
        "---\ntitle: Tjeneste\norganisation: O\nsummary: S.\ncategories: [a]\naudience: [b]\nservice_area: [Oslo]\ncontact:\n  website: {}\nlast_reviewed: 2026-11-01\n---\nTekst.\n",
        u("/gone")
    );
    let dir = site(&[
        (
            "site.yaml",
            "title: S\ndirectory:\n  categories:\n    - id: a\n      label: A\n  audience:\n    - id: b\n      label: B\n",
        ),
        ("content/_index.md", "---\ntitle: Hjem\ndescription: Hjem\n---\n"),
        ("content/lenker.md", &page),
        (
            "content/tjenester/_index.md",
            "---\ntitle: Tjenester\ndirectory: true\n---\n",
        ),
        ("content/tjenester/t.md", &service),
    ]);
    let check = |extra: &[&str]| {
        run(varde()
            .args(["check", "--external", "--timeout", "1", "--root"])
            .arg(dir.path())
            .args(extra))
    };
    let r = check(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // Column of a link on its line of the page (the port's length varies).
    let col = |line: usize, link: &str| page.lines().nth(line - 1).unwrap().find(link).unwrap() + 1;
    // (what the message says, at file:line:column)
    let table = [
        (format!("error: content/lenker.md:5:{}: the outside link {} is broken: 404", col(5, "[borte]"), u("/gone")), true),
        (format!("error: content/tjenester/t.md:9:3: the outside link {} is broken: 404", u("/gone")), true),
        (format!("warning: content/lenker.md:7:{}: the outside link {} could not be checked: 500", col(7, "[feil]"), u("/broken-server")), true),
        (format!("warning: content/lenker.md:7:{}: the outside link {} could not be checked: no answer in time", col(7, "[treg]"), u("/slow")), true),
        (format!("the outside link {}", u("/ok")), false),
        (format!("the outside link {}", u("/moved")), false),
        (format!("the outside link {}", u("/no-head")), false),
    ];
    for (says, said) in &table {
        assert_eq!(
            r.stderr.contains(says.as_str()),
            *said,
            "{says}\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("note: asked 6 outside links"),
        "{}",
        r.stderr
    );
    {
        let seen = seen.lock().unwrap();
        // One URL is asked once, however many links name it (`#del` is the same page).
        assert_eq!(
            seen["/ok"], 2,
            "the HEAD for /ok, and the HEAD /moved led to: {seen:?}"
        );
        assert_eq!(seen["/gone"], 1, "{seen:?}");
        assert_eq!(seen["/no-head"], 2, "HEAD refused, then GET: {seen:?}");
    }

    // The second run asks only what did not answer well.
    let r = check(&[]);
    assert!(
        r.stderr.contains("note: asked 3 outside links"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(&table[0].0), "{}", r.stderr);
    assert_eq!(seen.lock().unwrap()["/ok"], 2, "remembered");
    assert!(dir
        .path()
        .join(".varde-cache/external-links.json")
        .is_file());
    // `--no-cache` asks every one.
    let r = check(&["--no-cache"]);
    assert!(
        r.stderr.contains("note: asked 6 outside links"),
        "{}",
        r.stderr
    );
    // Without `--external` nothing leaves the machine.
    let before: usize = seen.lock().unwrap().values().sum();
    let r = run(varde().args(["check", "--root"]).arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(seen.lock().unwrap().values().sum::<usize>(), before);
}
