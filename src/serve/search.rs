//! The preview's search: the search index of the pages being served, built on a thread of
//! its own after each rebuild, so a save never waits for it. Each run builds it again, but
//! from the pages as the last run read them (and its files as compressed) where they did
//! not change; rebuilds that come while it runs
//! are folded into one more run with the newest site.

use std::collections::HashMap;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, RwLock};

use crate::preview::{Files, Served};
use crate::search::{Keeping, Memo};

/// What one run indexes: the site as served, and the language Pagefind is told (`None`:
/// each page's own `<html lang>`, one index per language).
struct Run {
    files: Arc<Files>,
    language: Option<String>,
}

/// How long the site must stay unchanged before it is indexed again (plus the time the
/// last run took).
const QUIET: std::time::Duration = std::time::Duration::from_millis(700);

/// Hands each new site to the indexing thread.
pub struct Indexer {
    tx: Sender<Run>,
}

impl Indexer {
    /// Starts the thread. Each finished index replaces `out` whole (the bundle's files by
    /// key, `/pagefind/pagefind.js`), and `done` is called with its page count.
    pub fn start(out: Arc<RwLock<Arc<Files>>>, done: impl Fn(usize) + Send + 'static) -> Indexer {
        let (tx, rx) = channel::<Run>();
        std::thread::spawn(move || {
            // Pagefind's parallel work runs on threads of its own, at a lower priority: on the
            // shared pool, a save's render queued behind the index's tasks, and a title saved
            // while a 10 000-page index was built took 55 ms instead of 40.
            let pool = rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("varde-search-{i}"))
                .start_handler(|_| lower_priority())
                .build()
                .ok();
            // How long the last run took: on a large site, indexing takes every core for
            // seconds, so the pause it waits for grows with it and an editor saving often is
            // left alone (10k pages: about 10 s).
            let mut took = std::time::Duration::ZERO;
            let mut memo = Memo::default();
            while let Ok(mut run) = rx.recv() {
                // Only the newest site matters.
                while let Ok(newer) = rx.recv_timeout(QUIET + took) {
                    run = newer;
                }
                let started = std::time::Instant::now();
                let docs = documents(&run.files, run.language.is_none());
                let pages = docs.len();
                if pages == 0 {
                    continue;
                }
                // The pages and files of the last run, in memory: a page not edited since
                // is not read again, a file not changed not compressed again.
                let keeping = Keeping::in_memory(std::mem::take(&mut memo));
                let index = || crate::search::index(docs, run.language.as_deref(), keeping);
                let indexed = match &pool {
                    Some(pool) => pool.install(index),
                    None => index(),
                };
                match indexed {
                    Ok((bundle, keeping)) => {
                        memo = keeping.into_memo();
                        let files: HashMap<String, Served> = bundle
                            .into_iter()
                            .map(|(path, bytes)| (path, Served::new(bytes)))
                            .collect();
                        if let Ok(mut o) = out.write() {
                            *o = Arc::new(files);
                        }
                        took = started.elapsed();
                        done(pages);
                    }
                    Err(d) => eprint!("{}", d.render(false)),
                }
            }
        });
        Indexer { tx }
    }

    /// Indexes `files` (once the thread is free), in `language` or per page.
    pub fn update(&self, files: Arc<Files>, language: Option<String>) {
        let _ = self.tx.send(Run { files, language });
    }
}

/// Makes the calling thread yield to the preview's own (nice 10, Linux and other Unix).
fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: setpriority only reads its arguments; on Linux `who = 0` is this thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// The pages Pagefind reads: every served HTML page the theme marks with
/// `data-pagefind-body`, at its site path, cut to its `<main>`.
fn documents(files: &Files, keep_lang: bool) -> Vec<crate::render::Doc> {
    let mut docs: Vec<crate::render::Doc> = files
        .iter()
        .filter(|(key, _)| key.ends_with(".html") && key.as_str() != "/404.html")
        .filter_map(|(key, f)| {
            let html = std::str::from_utf8(&f.bytes).ok()?;
            html.contains("data-pagefind-body")
                .then(|| crate::render::Doc {
                    url: key.strip_suffix("index.html").unwrap_or(key).to_string(),
                    html: crate::render::index_doc::Html::Text(
                        crate::render::index_doc::indexable(html, keep_lang),
                    ),
                    print: None,
                })
        })
        .collect();
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    docs
}
