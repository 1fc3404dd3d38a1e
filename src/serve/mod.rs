//! `varde serve`: the preview server. It builds the site into memory with the same pipeline
//! as `varde build`, serves it with tiny_http, watches the sources, rebuilds on every save,
//! and tells open pages to reload (Server-Sent Events). A failed rebuild keeps the last good
//! site browsable under an overlay that shows the diagnostics.

pub mod http;
pub mod live;
pub mod watch;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::diagnostics::Diagnostics;
use crate::sink::{rel_file, Sink};
use crate::BuildOptions;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: std::path::PathBuf,
    pub port: u16,
    pub bind: String,
    pub drafts: bool,
    pub open: bool,
}

/// One file of the built site, ready to send.
#[derive(Clone)]
struct Served {
    bytes: Arc<Vec<u8>>,
    etag: String,
}

impl Served {
    fn new(bytes: Vec<u8>) -> Served {
        let etag = http::etag(&bytes);
        Served {
            bytes: Arc::new(bytes),
            etag,
        }
    }
}

/// Where a site path's file is kept: `/nas/` -> `/nas/index.html`.
fn file_key(site_path: &str) -> String {
    format!(
        "/{}",
        rel_file(site_path).to_string_lossy().replace('\\', "/")
    )
}

type Files = HashMap<String, Served>;

/// Rendered files, kept in memory. Each gets its ETag as it arrives, on the render
/// threads, while its bytes are still in the cache.
#[derive(Default)]
struct Memory {
    files: Mutex<HashMap<String, Served>>,
}

impl Memory {
    fn put(&self, site_path: &str, bytes: Vec<u8>) {
        let key = file_key(site_path);
        let served = Served::new(bytes);
        if let Ok(mut f) = self.files.lock() {
            f.insert(key, served);
        }
    }
}

impl Sink for Memory {
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> std::io::Result<()> {
        self.put(site_path, bytes);
        Ok(())
    }

    fn copy(&self, source: &Path, site_path: &str) -> std::io::Result<()> {
        self.put(site_path, std::fs::read(source)?);
        Ok(())
    }
}

/// What the server threads share with the rebuild loop.
struct Shared {
    files: RwLock<Arc<Files>>,
    /// The diagnostics of the last rebuild, when it failed.
    errors: RwLock<Option<Arc<String>>>,
    listeners: Mutex<Vec<Sender<&'static str>>>,
    builds: AtomicU64,
    /// The address and port the server listens on, for checking `Host` headers.
    bind: String,
    port: u16,
}

impl Shared {
    fn broadcast(&self, event: &'static str) {
        if let Ok(mut l) = self.listeners.lock() {
            l.retain(|tx| tx.send(event).is_ok());
        }
    }
}

/// The preview's build: the site in memory, rebuilt incrementally. Only files whose stamp
/// changed are read and parsed, only Markdown whose file or links changed is rendered, and
/// only outputs whose inputs changed are rendered again; the rest is kept from before.
pub struct Preview {
    opts: BuildOptions,
    caches: crate::Caches,
    files: Arc<Files>,
    /// The last good build's model, theme and messages, for the quick path.
    last: Option<Last>,
}

struct Last {
    site: crate::content::Site,
    theme: crate::render::Theme,
    diags: Diagnostics,
}

/// What one rebuild did.
pub struct Rebuilt {
    pub diagnostics: Diagnostics,
    /// Source files read and parsed (the rest came from the cache).
    pub parsed: usize,
    /// Markdown files rendered.
    pub markdown: usize,
    /// Output files rendered (the rest were unchanged).
    pub rendered: usize,
    pub files: usize,
    /// Whether the quick path did it (see `rebuild_changed`).
    pub quick: bool,
}

impl Preview {
    pub fn new(opts: BuildOptions) -> Preview {
        Preview {
            opts,
            caches: crate::Caches::default(),
            files: Arc::new(Files::new()),
            last: None,
        }
    }

    /// Rebuilds after `edited` files changed (`None`: anything may have changed). When
    /// the only change is to the Markdown body of pages that were clean, with their front
    /// matter, heading ids and links as before, only those pages, their feeds and the
    /// listings that show them are rendered again (the quick path). When only templates or
    /// theme files changed, the last build's content is themed again without loading it.
    /// Anything else is a `rebuild`.
    pub fn rebuild_changed(&mut self, edited: Option<&[PathBuf]>) -> Result<Rebuilt, Diagnostics> {
        if let Some(r) = edited.and_then(|files| self.quick(files)) {
            return Ok(r);
        }
        if let Some(r) = edited.and_then(|files| self.retheme(files)) {
            return r;
        }
        self.rebuild()
    }

    /// A watched path relative to the site root (the watcher may report it through a
    /// different spelling of the root, e.g. absolute where `--root` was relative).
    fn site_relative(&self, path: &Path) -> Option<PathBuf> {
        if let Ok(rel) = path.strip_prefix(&self.opts.root) {
            return Some(rel.to_path_buf());
        }
        let root = std::fs::canonicalize(&self.opts.root).ok()?;
        let abs = std::fs::canonicalize(path).ok()?;
        abs.strip_prefix(&root).ok().map(Path::to_path_buf)
    }

    fn quick(&mut self, edited: &[PathBuf]) -> Option<Rebuilt> {
        let last = self.last.as_ref()?;
        if edited.is_empty() {
            return None;
        }
        let mut fresh = vec![];
        for path in edited {
            let rel = self.site_relative(path)?;
            let key = rel
                .strip_prefix(crate::content::CONTENT_DIR)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if !key.ends_with(".md") || key.rsplit('/').next() == Some("_index.md") {
                return None;
            }
            let p = last.site.pages.iter().position(|pg| pg.file.key == key)?;
            let old = &last.site.pages[p];
            if last
                .diags
                .items
                .iter()
                .any(|d| d.file.as_deref() == Some(old.file.rel.as_path()))
            {
                return None;
            }
            let new = last.site.reread(&self.opts.root, &key).ok()?;
            let (a, b) = (&new.content, &old.content);
            let same_links = a.link_targets == b.link_targets
                && a.anchor_links.len() == b.anchor_links.len()
                && a.anchor_links
                    .iter()
                    .zip(&b.anchor_links)
                    .all(|(x, y)| x.target == y.target && x.anchor == y.anchor);
            if !new.diags.is_empty()
                || new.file.text[..new.file.body_start] != old.file.text[..old.file.body_start]
                || a.anchors != b.anchors
                || !same_links
            {
                return None;
            }
            fresh.push((p, new));
        }
        // From here the model is patched; if the render says it is not enough, the last
        // build is dropped and `rebuild` starts from the files.
        let mut last = self.last.take()?;
        let pages: Vec<usize> = fresh.iter().map(|(p, _)| *p).collect();
        let n = fresh.len();
        for (p, new) in fresh {
            last.site.pages[p].file = new.file;
            last.site.pages[p].content = Arc::new(new.content);
        }
        let out =
            crate::render::again(&last.site, &last.theme, &mut self.caches.render, &pages)?.ok()?;
        let mut files: Files = (*self.files).clone();
        let rendered = out.len();
        for (path, html) in out {
            files.insert(file_key(&path), Served::new(html));
        }
        let count = files.len();
        self.files = Arc::new(files);
        let diagnostics = last.diags.clone();
        self.last = Some(last);
        Some(Rebuilt {
            diagnostics,
            parsed: n,
            markdown: n,
            rendered,
            files: count,
            quick: true,
        })
    }

    /// Renders the last build's site again with the templates as they are now, without
    /// loading the content: for edits to templates and theme files only.
    fn retheme(&mut self, edited: &[PathBuf]) -> Option<Result<Rebuilt, Diagnostics>> {
        let theme_file = |p: &PathBuf| {
            self.site_relative(p)
                .is_some_and(|r| r.starts_with("templates") || r.starts_with("themes"))
        };
        if edited.is_empty() || !edited.iter().all(theme_file) {
            return None;
        }
        let last = self.last.take()?;
        self.caches.load.parsed = 0;
        self.caches.load.rendered = 0;
        let mem = Memory::default();
        let mut diags = last.diags.clone();
        let result = crate::render_site(
            &self.opts,
            last.site,
            &mut diags,
            || Ok(&mem as &dyn Sink),
            Some(&mut self.caches.render),
        );
        Some(self.install(result, diags, mem))
    }

    /// Rebuilds. On failure the last good site is kept.
    pub fn rebuild(&mut self) -> Result<Rebuilt, Diagnostics> {
        let mem = Memory::default();
        let mut diags = Diagnostics::default();
        let result = crate::render_cached(
            &self.opts,
            &mut diags,
            || Ok(&mem as &dyn Sink),
            Some(&mut self.caches),
        );
        self.install(result, diags, mem)
    }

    /// Keeps a render's result as the site being served.
    fn install(
        &mut self,
        result: Option<(
            crate::content::Site,
            crate::render::Theme,
            crate::render::Written,
        )>,
        mut diags: Diagnostics,
        mem: Memory,
    ) -> Result<Rebuilt, Diagnostics> {
        diags.sort();
        let Some((site, theme, written)) = result else {
            self.last = None;
            return Err(diags);
        };
        self.last = Some(Last {
            site,
            theme,
            diags: diags.clone(),
        });
        let mut fresh: HashMap<String, Served> = mem.files.into_inner().unwrap_or_default();
        let mut files = Files::with_capacity(written.paths.len());
        for path in &written.paths {
            let key = file_key(path);
            if let Some(served) = fresh.remove(&key) {
                files.insert(key, served);
            } else if let Some(old) = self.files.get(&key) {
                files.insert(key, old.clone());
            }
        }
        let n = files.len();
        self.files = Arc::new(files);
        Ok(Rebuilt {
            diagnostics: diags,
            parsed: self.caches.load.parsed,
            markdown: self.caches.load.rendered,
            rendered: self.caches.render.rendered,
            files: n,
            quick: false,
        })
    }

    /// Every file of the current site, by path (`/nas/index.html`), for tests.
    pub fn snapshot(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .map(|(k, v)| (k.clone(), v.bytes.as_ref().clone()))
            .collect()
    }
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
        base_url: Some(base_url.clone()),
        // Pagefind has no incremental API: indexing every page on every save would undo the
        // point of the preview. `varde build` builds the index.
        no_search_index: true,
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
        eprintln!("warning: serving on {} makes the preview (drafts included) reachable from other machines on the network", opts.bind);
        eprintln!("warning: use the default --bind 127.0.0.1 unless you really mean to share it");
    }

    let shared = Arc::new(Shared {
        files: RwLock::new(Arc::new(Files::new())),
        errors: RwLock::new(None),
        listeners: Mutex::new(Vec::new()),
        builds: AtomicU64::new(0),
        bind: opts.bind.clone(),
        port: opts.port,
    });
    let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let started = Instant::now();
    let mut preview = Preview::new(build_opts);
    let result = preview.rebuild();
    apply(&shared, &preview, result, color, started);
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
        "serving {} on {base_url} (Ctrl-C to stop)",
        opts.root.display()
    );
    if opts.open {
        open_browser(&base_url);
    }
    while let Some(change) = watch.next_change() {
        let result = preview.rebuild_changed(change.edited.as_deref());
        apply(&shared, &preview, result, color, change.first);
    }
    Ok(())
}

/// Installs a rebuild's result and tells the open pages.
fn apply(
    shared: &Shared,
    preview: &Preview,
    result: Result<Rebuilt, Diagnostics>,
    color: bool,
    since: Instant,
) {
    let n = shared.builds.fetch_add(1, Ordering::SeqCst);
    match result {
        Ok(rebuilt) => {
            let diags = &rebuilt.diagnostics;
            if !diags.items.is_empty() {
                eprint!("{}", diags.render(color));
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
                *f = files;
            }
            let had_errors = shared
                .errors
                .write()
                .map(|mut e| e.take().is_some())
                .unwrap_or(false);
            let event = if had_errors { Some("reload") } else { event };
            if let (Some(event), true) = (event, n > 0) {
                shared.broadcast(event);
            }
            eprintln!(
                "{} {count} files in {} ms ({} sources parsed, {} outputs rendered)",
                if n == 0 { "built" } else { "rebuilt" },
                since.elapsed().as_millis(),
                rebuilt.parsed,
                rebuilt.rendered
            );
        }
        Err(diags) => {
            eprint!("{}", diags.render(color));
            eprintln!("the preview keeps showing the last version that built");
            if let Ok(mut e) = shared.errors.write() {
                *e = Some(Arc::new(diags.render(false)));
            }
            shared.broadcast("reload");
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
    let files = shared
        .files
        .read()
        .map(|f| Arc::clone(&f))
        .unwrap_or_default();
    let errors = shared.errors.read().ok().and_then(|e| e.clone());
    let key = http::file_key(&path);
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
        let etag = http::etag(&injected);
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
    if let Ok(mut l) = shared.listeners.lock() {
        l.push(tx);
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
