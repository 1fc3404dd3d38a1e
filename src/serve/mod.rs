//! `varde serve`: the preview server. It builds the site into memory with the same pipeline
//! as `varde build`, serves it with tiny_http, watches the sources, rebuilds on every save,
//! and tells open pages to reload (Server-Sent Events). A failed rebuild keeps the last good
//! site browsable under an overlay that shows the diagnostics.

pub mod http;
pub mod live;
mod search;
pub mod watch;

use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::diagnostics::Diagnostics;
use crate::messages::{localize, translate, translate_lines, Lang};
use crate::pipeline::BuildOptions;
use crate::preview::{file_key, Files, Preview, Rebuilt};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: std::path::PathBuf,
    pub port: u16,
    pub bind: String,
    pub drafts: bool,
    pub future: bool,
    pub expired: bool,
    pub open: bool,
    /// Build a search index in the background after each rebuild (`--no-search`: none).
    pub search: bool,
    /// The language of the messages on the terminal and in the error overlay.
    pub lang: Lang,
}

/// What the server threads share with the rebuild loop.
struct Shared {
    files: RwLock<Arc<Files>>,
    /// The search index's bundle (`/pagefind/…`), from the last finished run.
    search: Arc<RwLock<Arc<Files>>>,
    /// The diagnostics of the last rebuild, when it failed.
    errors: RwLock<Option<Arc<String>>>,
    listeners: Mutex<Vec<Listener>>,
    /// While the rest of the site renders after a first look (`first_look`), the files it
    /// did not render: a request for one waits for the whole render rather than get the
    /// page from before the edit.
    held: Mutex<Option<HashSet<String>>>,
    released: Condvar,
    builds: AtomicU64,
    /// The address and port the server listens on, for checking `Host` headers.
    bind: String,
    port: u16,
}

/// An open page's event stream.
struct Listener {
    tx: Sender<&'static str>,
    /// The page it shows (a `file_key`), when its script said so.
    page: Option<String>,
    /// Reloaded by a first look: it has asked for, or waits for, the new site already.
    told: bool,
}

impl Shared {
    /// Sends `event` to every open page, except those a first look already reloaded:
    /// these get `reload` again only if their own page came out different.
    fn broadcast(&self, event: Option<&'static str>, old: &Files, new: &Files) {
        let changed = |key: &str| differs(old, new, key);
        if let Ok(mut l) = self.listeners.lock() {
            l.retain_mut(|x| {
                if std::mem::take(&mut x.told) {
                    return match &x.page {
                        Some(p) if changed(p) => x.tx.send("reload").is_ok(),
                        _ => true,
                    };
                }
                event.is_none_or(|e| x.tx.send(e).is_ok())
            });
        }
    }

    /// The pages open in a browser whose script said which they are.
    fn open_pages(&self) -> Vec<String> {
        let l = self.listeners.lock();
        l.map(|l| l.iter().filter_map(|x| x.page.clone()).collect())
            .unwrap_or_default()
    }

    /// Ends a first look's hold: waiting requests go on with the files installed now.
    fn release(&self) {
        if let Ok(mut h) = self.held.lock() {
            *h = None;
        }
        self.released.notify_all();
    }

    /// Waits while a first look holds `key` back (at most 30 s: a request never hangs).
    /// Only what templates render is held: stylesheets, scripts and images are copied, and
    /// a template edit does not change them, so the reloaded page gets them at once.
    fn wait_for(&self, key: &str) {
        let rendered = key
            .rsplit_once('.')
            .is_some_and(|(_, ext)| matches!(ext, "html" | "xml" | "txt" | "json" | "csv" | "yml"));
        if !rendered {
            return;
        }
        let Ok(mut h) = self.held.lock() else { return };
        let until = Instant::now() + Duration::from_secs(30);
        while h.as_ref().is_some_and(|fresh| !fresh.contains(key)) {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            h = match self.released.wait_timeout(h, left) {
                Ok((h, _)) => h,
                Err(_) => return,
            };
        }
    }
}

/// A template edit, or a front-matter edit of a page that is open: the open pages are
/// rendered first (`Preview::first_look`) and reloaded, and every other page is held back
/// until `rebuild_changed` has rendered the rest (Hugo's "fast render" does the same, but
/// serves what it has not rendered yet as it was). At 10 000 pages a `base.html` edit so
/// reaches the page in view in about 100 ms instead of the 0.6 s the whole site takes.
/// Returns the files from before, to put back if the whole render fails.
fn first_look(
    shared: &Shared,
    preview: &mut Preview,
    edited: &[std::path::PathBuf],
) -> Option<Arc<Files>> {
    let open = shared.open_pages();
    if open.is_empty() {
        return None;
    }
    let fresh = preview.first_look(edited, &open)?;
    let old = shared.files.read().ok().map(|f| Arc::clone(&f))?;
    let mut files: Files = (*old).clone();
    let keys: HashSet<String> = fresh.iter().map(|(k, _)| k.clone()).collect();
    files.extend(fresh);
    if let Ok(mut h) = shared.held.lock() {
        *h = Some(keys);
    }
    let files = Arc::new(files);
    let changed = |key: &str| differs(&old, &files, key);
    if let Ok(mut f) = shared.files.write() {
        *f = Arc::clone(&files);
    }
    if let Ok(mut l) = shared.listeners.lock() {
        l.retain_mut(|x| {
            if x.page.as_deref().is_none_or(changed) {
                x.told = true;
                return x.tx.send("reload").is_ok();
            }
            true
        });
    }
    Some(old)
}

/// Whether file `key` is new, gone or different in `new`.
fn differs(old: &Files, new: &Files, key: &str) -> bool {
    old.get(key).map(|f| &f.etag) != new.get(key).map(|f| &f.etag)
}

/// Whether a rebuild changed only stylesheets (then pages swap CSS instead of reloading).
fn only_css_changed(old: &Files, new: &Files) -> bool {
    let mut changed = new
        .iter()
        .filter(|(k, v)| old.get(*k).map(|o| o.etag != v.etag).unwrap_or(true))
        .map(|(k, _)| k);
    let removed = old.keys().any(|k| !new.contains_key(k));
    let mut any = false;
    let all_css = changed.all(|k| {
        any = true;
        k.ends_with(".css")
    });
    any && all_css && !removed
}

fn is_loopback(bind: &str) -> bool {
    bind == "localhost" || bind == "::1" || bind.starts_with("127.")
}

fn header(name: &str, value: &str) -> Header {
    // Names and values here are ours and always valid.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Varde"[..], &b"1"[..]).expect("static header"))
}

/// Runs the preview server until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<(), String> {
    if !opts.root.join(crate::content::CONTENT_DIR).is_dir() {
        return Err(format!(
            "no site in {} (it has no content/ folder); run varde serve in a site folder, pass --root DIR, or start one with `varde init`",
            opts.root.display()
        ));
    }
    let host = if opts.bind == "0.0.0.0" || opts.bind == "::" {
        "127.0.0.1".to_string()
    } else {
        opts.bind.clone()
    };
    let host_in_url = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.clone()
    };
    let base_url = format!("http://{host_in_url}:{}/", opts.port);
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        out: None,
        drafts: opts.drafts,
        future: opts.future,
        expired: opts.expired,
        base_url: Some(base_url.clone()),
        // Pagefind has no incremental API: the preview's index is built apart, on a thread
        // of its own after each rebuild (`search::Indexer`), so a save never waits for it.
        no_search_index: true,
        // The preview writes nothing to disk; its caches are in memory.
        no_cache: true,
    };

    let server = tiny_http::Server::http((opts.bind.as_str(), opts.port)).map_err(|e| {
        if e.to_string().contains("in use") {
            format!(
                "port {} is already in use (is another `varde serve` running?); try `varde serve --port {}`",
                opts.port,
                opts.port.saturating_add(1)
            )
        } else {
            format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)
        }
    })?;
    let server = Arc::new(server);
    if !is_loopback(&opts.bind) {
        let warn = [
            format!("warning: serving on {} makes the preview (drafts included) reachable from other machines on the network", opts.bind),
            "warning: use the default --bind 127.0.0.1 unless you really mean to share it".to_string(),
        ];
        for w in warn {
            eprintln!("{}", translate(opts.lang, &w));
        }
    }

    let search_files: Arc<RwLock<Arc<Files>>> = Arc::default();
    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(Files::new())),
        search: Arc::clone(&search_files),
        errors: RwLock::new(None),
        listeners: Mutex::new(Vec::new()),
        held: Mutex::new(None),
        released: Condvar::new(),
        builds: AtomicU64::new(0),
        bind: opts.bind.clone(),
        port: opts.port,
    });
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let started = Instant::now();
    let mut preview = Preview::new(build_opts);
    let lang = opts.lang;
    let indexer = opts.search.then(|| {
        search::Indexer::start(search_files, move |pages| {
            eprintln!(
                "{}",
                translate(lang, &format!("search index ready: {pages} pages"))
            );
        })
    });
    let result = preview.rebuild();
    apply(&shared, &preview, result, (color, lang), started);
    index(&indexer, &preview);
    let mut watch = watch::Watch::new(&opts.root)
        .map_err(|e| format!("cannot watch {}: {e}", opts.root.display()))?;

    let _ = ctrlc::set_handler(|| {
        eprintln!("\nstopped");
        std::process::exit(0);
    });
    for _ in 0..8 {
        let server = Arc::clone(&server);
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || loop {
            match server.recv() {
                Ok(req) => handle(req, &shared),
                Err(_) => continue,
            }
        });
    }
    eprintln!(
        "{}",
        translate(
            lang,
            &format!(
                "serving {} on {base_url} (Ctrl-C to stop)",
                opts.root.display()
            )
        )
    );
    if opts.open {
        open_browser(&base_url);
    }
    while let Some(change) = watch.next_change() {
        let before = change
            .edited
            .as_deref()
            .and_then(|edited| first_look(&shared, &mut preview, edited));
        let result = preview.rebuild_changed(change.edited.as_deref());
        if let (Err(_), Some(before), Ok(mut f)) = (&result, before, shared.files.write()) {
            *f = before;
        }
        apply(&shared, &preview, result, (color, lang), change.first);
        index(&indexer, &preview);
    }
    Ok(())
}

/// Hands the site being served to the search indexer, when the site has search.
fn index(indexer: &Option<search::Indexer>, preview: &Preview) {
    if let (Some(indexer), Some(language)) = (indexer, preview.search_language()) {
        indexer.update(Arc::clone(&preview.files), language);
    }
}

/// Installs a rebuild's result and tells the open pages.
fn apply(
    shared: &Shared,
    preview: &Preview,
    result: Result<Rebuilt, Diagnostics>,
    (color, lang): (bool, Lang),
    since: Instant,
) {
    // The messages in the editor's language, on the terminal and in the overlay.
    let shown = |d: &Diagnostics, color: bool| {
        let mut d = d.clone();
        for x in &mut d.items {
            localize(x, lang);
        }
        translate_lines(lang, &d.render(color))
    };
    let n = shared.builds.fetch_add(1, Ordering::SeqCst);
    match result {
        Ok(rebuilt) => {
            let diags = &rebuilt.diagnostics;
            if !diags.items.is_empty() {
                eprint!("{}", shown(diags, color));
            }
            let files = Arc::clone(&preview.files);
            let old = shared
                .files
                .read()
                .map(|f| Arc::clone(&f))
                .unwrap_or_default();
            let unchanged = old.len() == files.len()
                && files
                    .iter()
                    .all(|(k, v)| old.get(k).is_some_and(|o| o.etag == v.etag));
            let event = if unchanged {
                None
            } else if only_css_changed(&old, &files) {
                Some("css")
            } else {
                Some("reload")
            };
            let count = files.len();
            if let Ok(mut f) = shared.files.write() {
                *f = Arc::clone(&files);
            }
            shared.release();
            let had_errors = shared
                .errors
                .write()
                .map(|mut e| e.take().is_some())
                .unwrap_or(false);
            let event = if had_errors { Some("reload") } else { event };
            shared.broadcast(event.filter(|_| n > 0), &old, &files);
            let (ms, parsed, rendered) = (
                since.elapsed().as_millis(),
                rebuilt.parsed,
                rebuilt.rendered,
            );
            let line = if n == 0 {
                format!("built {count} files in {ms} ms ({parsed} sources parsed, {rendered} outputs rendered)")
            } else {
                format!("rebuilt {count} files in {ms} ms ({parsed} sources parsed, {rendered} outputs rendered)")
            };
            eprintln!("{}", translate(lang, &line));
        }
        Err(diags) => {
            eprint!("{}", shown(&diags, color));
            eprintln!(
                "{}",
                translate(
                    lang,
                    "the preview keeps showing the last version that built"
                )
            );
            if let Ok(mut e) = shared.errors.write() {
                *e = Some(Arc::new(shown(&diags, false)));
            }
            shared.release();
            let files = shared
                .files
                .read()
                .map(|f| Arc::clone(&f))
                .unwrap_or_default();
            shared.broadcast(Some("reload"), &Files::new(), &files);
        }
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}

fn respond<R: std::io::Read>(req: Request, mut resp: Response<R>) {
    for (name, value) in http::SAFETY_HEADERS {
        resp.add_header(header(name, value));
    }
    let _ = req.respond(resp);
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Cache-Control", "no-cache"))
}

fn handle(req: Request, shared: &Arc<Shared>) {
    let host = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !http::host_allowed(host.as_deref(), &shared.bind, shared.port) {
        return respond(
            req,
            text(
                403,
                "this preview only answers requests for localhost or 127.0.0.1\n",
            ),
        );
    }
    let url = req.url().to_string();
    let path_only = url.split('?').next().unwrap_or("");
    if path_only == live::EVENTS_PATH {
        let shared = Arc::clone(shared);
        std::thread::spawn(move || events(req, &shared));
        return;
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        return respond(
            req,
            text(405, "only GET and HEAD\n").with_header(header("Allow", "GET, HEAD")),
        );
    }
    if path_only == live::SCRIPT_PATH || path_only == live::STYLE_PATH {
        let (body, kind) = if path_only == live::SCRIPT_PATH {
            (live::SCRIPT, "text/javascript; charset=utf-8")
        } else {
            (live::STYLE, "text/css; charset=utf-8")
        };
        let resp = Response::from_data(body.as_bytes().to_vec())
            .with_header(header("Content-Type", kind))
            .with_header(header("Cache-Control", "no-cache"));
        return respond(req, resp);
    }
    let path = match http::request_path(&url) {
        Ok(p) => p,
        Err(_) => return respond(req, text(400, "bad request path\n")),
    };
    let key = file_key(&path);
    if !key.starts_with(crate::content::SEARCH_BUNDLE) {
        shared.wait_for(&key);
    }
    let files = shared
        .files
        .read()
        .map(|f| Arc::clone(&f))
        .unwrap_or_default();
    let errors = shared.errors.read().ok().and_then(|e| e.clone());
    if let Some(file) = key
        .starts_with(crate::content::SEARCH_BUNDLE)
        .then(|| shared.search.read().ok()?.get(&key).cloned())
        .flatten()
    {
        let resp = Response::from_data(file.bytes.as_ref().clone())
            .with_header(header("Content-Type", http::content_type(&key)))
            .with_header(header("Cache-Control", "no-cache"))
            .with_header(header("ETag", &file.etag));
        return respond(req, resp);
    }
    let (status, key) = if files.contains_key(&key) {
        (200, key)
    } else if !path.ends_with('/') && files.contains_key(&format!("{path}/index.html")) {
        // /nas -> /nas/, as static hosts do.
        let location: String = format!("{path}/")
            .bytes()
            .map(|b| {
                if b.is_ascii_graphic() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let resp = Response::empty(StatusCode(301)).with_header(header("Location", &location));
        return respond(req, resp);
    } else {
        (404, "/404.html".to_string())
    };
    let Some(file) = files.get(&key) else {
        return respond(req, text(404, "not found\n"));
    };
    let content_type = http::content_type(&key);
    let (bytes, etag) = if content_type.starts_with("text/html") {
        let injected = live::inject(&file.bytes, errors.as_deref().map(String::as_str));
        let etag = crate::preview::etag(&injected);
        (Arc::new(injected), etag)
    } else {
        (Arc::clone(&file.bytes), file.etag.clone())
    };
    let fresh = req
        .headers()
        .iter()
        .any(|h| h.field.equiv("If-None-Match") && h.value.as_str() == etag);
    if fresh && status == 200 {
        let resp = Response::empty(StatusCode(304))
            .with_header(header("ETag", &etag))
            .with_header(header("Cache-Control", "no-cache"));
        return respond(req, resp);
    }
    let resp = Response::from_data(bytes.as_ref().clone())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-cache"))
        .with_header(header("ETag", &etag));
    respond(req, resp);
}

/// A Server-Sent Events stream: one `reload` or `css` event per rebuild, and a comment every
/// 15 s so a closed tab is noticed and its thread ends.
fn events(req: Request, shared: &Shared) {
    let (tx, rx) = channel();
    // `?page=/nas/`: the page this stream belongs to (the script sends its own path).
    let page = req
        .url()
        .split_once("?page=")
        .and_then(|(_, p)| http::request_path(p).ok())
        .map(|p| file_key(&p));
    if let Ok(mut l) = shared.listeners.lock() {
        l.push(Listener {
            tx,
            page,
            told: false,
        });
    }
    let mut w = req.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\nX-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n: connected\n\n";
    if w.write_all(head.as_bytes())
        .and_then(|_| w.flush())
        .is_err()
    {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => format!("event: {event}\ndata: {event}\n\n"),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(_) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}
