//! What the build cache keeps of the search index, so that a build after a small edit does
//! not do most of the index's work again: each page as Pagefind read it, in the form the
//! index needs (`format::Page`: stems' weights and text, not word positions; reading is
//! most of an index's time), and each bundle file as gzipped (most of the rest). The index
//! itself is written again from the pages (`format.rs`, about half a second at 12 000 pages);
//! what it is built from and what it compresses are the same, so the bundle is too, byte
//! for byte.
//!
//! Both are looked up by a hash of what they were made from (a page's URL and HTML and the
//! language; a file's plain bytes and compression level), so a record can only be wrong if
//! that hash collides. Cache files are written on threads of their own while the rest of
//! the build goes on; `Keeping::finish` waits for them. The preview keeps the same records
//! in memory (`Memo`), so its index follows an edit in a fraction of the time.

use std::sync::Mutex;
use std::thread::JoinHandle;

use pagefind::api::PagefindIndex;
use rayon::prelude::*;

use crate::build_cache::{BuildCache, Keep, Records, Reuse};
use crate::content::source::{hash_bytes, hash_str};
use crate::diagnostics::Diagnostic;

use super::format::{Gzipped, Page};
use crate::render::index_doc::Html;
use crate::render::Doc;

/// The cache files: pages as read, bundle files as gzipped, and which page each output's
/// fingerprint stood for.
pub const PAGES: &str = "search-pages";
pub const GZIPPED: &str = "search-gzipped";
pub const PRINTS: &str = "search-prints";

/// Where the records of the last index come from and this one's go: the build cache's
/// files, or memory (the preview, whose next index follows an edit).
enum Store {
    Off,
    Disk(BuildCache),
    Memory(Memo),
}

/// What the preview keeps of its last index in memory: the same records as the build
/// cache's files.
#[derive(Default)]
pub struct Memo {
    pages: Records,
    gzipped: Records,
    prints: Records,
}

impl Memo {
    fn file(&mut self, name: &str) -> &mut Records {
        match name {
            PAGES => &mut self.pages,
            PRINTS => &mut self.prints,
            _ => &mut self.gzipped,
        }
    }
}

/// The records of the last index, and this index's being kept.
pub struct Keeping {
    store: Store,
    writing: Vec<JoinHandle<std::io::Result<()>>>,
    /// This index's records, when kept in memory.
    kept: Memo,
    pub reuse: Reuse,
}

impl Keeping {
    /// With the build cache `cache`, or keeping nothing.
    pub fn new(cache: Option<&BuildCache>) -> Keeping {
        Keeping::with(cache.cloned().map_or(Store::Off, Store::Disk))
    }

    /// With the records of the last index in memory (`into_memo` of the last one).
    pub fn in_memory(last: Memo) -> Keeping {
        Keeping::with(Store::Memory(last))
    }

    fn with(store: Store) -> Keeping {
        Keeping {
            store,
            writing: vec![],
            kept: Memo::default(),
            reuse: Reuse::default(),
        }
    }

    /// This index's records, for the next index in memory.
    pub fn into_memo(self) -> Memo {
        self.kept
    }

    fn on(&self) -> bool {
        !matches!(self.store, Store::Off)
    }

    /// The last index's records of `name`.
    fn last(&mut self, name: &'static str) -> Records {
        match &mut self.store {
            Store::Off => Records::default(),
            Store::Disk(cache) => cache.read(name),
            Store::Memory(memo) => std::mem::take(memo.file(name)),
        }
    }

    /// Keeps this index's records of `name`: in memory, or in the cache file, written on a
    /// thread of its own.
    fn keep(&mut self, name: &'static str, keep: Keep) {
        match &self.store {
            Store::Off => {}
            Store::Memory(_) => *self.kept.file(name) = Records::collect(keep.records()),
            Store::Disk(cache) => {
                let cache = cache.clone();
                self.writing.push(std::thread::spawn(move || {
                    cache.write(name, keep.records())
                }));
            }
        }
    }

    /// The last index's gzipped files, to be asked before compressing.
    pub fn gzipped(&mut self) -> Option<KeptGzip> {
        if !self.on() {
            return None;
        }
        Some(KeptGzip {
            last: self.last(GZIPPED),
            used: Mutex::default(),
            new: Mutex::default(),
        })
    }

    /// Keeps the gzipped files of this index: those taken from the last one and those new.
    pub fn keep_gzipped(&mut self, gzipped: Option<KeptGzip>) {
        let Some(g) = gzipped else {
            return;
        };
        let used = g.used.into_inner().unwrap_or_default();
        let keep = Keep::new(g.last, used, g.new.into_inner().unwrap_or_default());
        self.reuse.gzipped = keep.counts();
        self.keep(GZIPPED, keep);
    }

    /// Waits for the cache files; a warning if one could not be written (losing the cache
    /// costs the next build time, never its output).
    pub fn finish(&mut self) -> Option<Diagnostic> {
        let Store::Disk(cache) = &self.store else {
            return None;
        };
        let mut warning = None;
        for handle in self.writing.drain(..) {
            let result = handle.join().unwrap_or_else(|_| {
                Err(std::io::Error::other(
                    "the thread writing the cache stopped",
                ))
            });
            if let Err(e) = result {
                warning = Some(cache.warning(e));
            }
        }
        warning
    }
}

/// The last build's gzipped bundle files, by a hash of their plain bytes and level, and
/// what this build used and made.
pub struct KeptGzip {
    last: Records,
    used: Mutex<Vec<u64>>,
    new: Mutex<Vec<(u64, Vec<u8>)>>,
}

fn gzip_key(plain: &[u8], level: i32) -> u64 {
    hash_bytes(plain) ^ (level as u64).rotate_left(56)
}

impl Gzipped for KeptGzip {
    fn get(&self, plain: &[u8], level: i32) -> Option<Vec<u8>> {
        let key = gzip_key(plain, level);
        let bytes = self.last.get(key)?;
        self.used.lock().ok()?.push(key);
        Some(bytes.to_vec())
    }

    fn put(&self, plain: &[u8], level: i32, gzipped: &[u8]) {
        if let Ok(mut new) = self.new.lock() {
            new.push((gzip_key(plain, level), gzipped.to_vec()));
        }
    }
}

/// Every page as Pagefind reads it (as the index needs it: `Page`), in the order given.
/// With a build cache, a page whose URL and HTML (in the same language) the last build read
/// is taken from the cache instead of read again, and this build's pages are kept for the
/// next. A page linked unchanged from the last output (`Html::File`) is not even read from
/// disk when the cache knows which HTML its output's fingerprint stood for (`PRINTS`).
pub async fn read_pages(
    index: &PagefindIndex,
    docs: Vec<Doc>,
    site_language: Option<&str>,
    keeping: &mut Keeping,
) -> Result<Vec<Page>, String> {
    if !keeping.on() {
        let pages = docs
            .into_par_iter()
            .map(|d| Ok((d.url, read_html(d.html)?)))
            .collect::<Result<_, String>>()?;
        return read_fresh(index, pages).await;
    }
    let mut t = crate::timing::Timer::new();
    let lang = site_language.unwrap_or("");
    let page_key =
        |url: &str, html: &str| hash_str(&format!("{lang}\n{url}\n{:x}", hash_str(html)));
    let print_key = |url: &str, print: u64| hash_str(&format!("{lang}\n{url}\np{print:x}"));
    let prints = keeping.last(PRINTS);
    // Each page's key: by its fingerprint for a linked file the last build read, else by
    // its HTML (read here, and kept as `Html::Text` for the fossicker).
    let keyed: Vec<Keyed> = docs
        .into_par_iter()
        .map(|d| {
            let known = match (&d.html, d.print) {
                (Html::File { .. }, Some(p)) => prints
                    .get(print_key(&d.url, p))
                    .and_then(|b| Some(u64::from_le_bytes(b.try_into().ok()?))),
                _ => None,
            };
            let (key, html) = match known {
                Some(key) => (key, d.html),
                None => {
                    let html = read_html(d.html)?;
                    (page_key(&d.url, &html), Html::Text(html))
                }
            };
            Ok(Keyed {
                url: d.url,
                print: d.print,
                key,
                html,
            })
        })
        .collect::<Result<_, String>>()?;
    let keys: Vec<u64> = keyed.iter().map(|k| k.key).collect();
    let new_prints: Vec<(u64, Vec<u8>)> = keyed
        .iter()
        .filter_map(|k| Some((print_key(&k.url, k.print?), k.key.to_le_bytes().to_vec())))
        .collect();
    keeping.keep(PRINTS, Keep::new(Records::default(), vec![], new_prints));
    let last = keeping.last(PAGES);
    // A record that does not decode is read again, like a page the cache does not have.
    let found: Vec<Option<Page>> = keys
        .par_iter()
        .map(|&k| last.get(k).and_then(|b| postcard::from_bytes(b).ok()))
        .collect();
    t.lap("    search cache: pages read before");
    // A page the cache lacks (a damaged record), though its fingerprint was known, is read
    // from its file.
    let missing: Vec<(String, String)> = keyed
        .into_par_iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(k, _)| Ok((k.url, read_html(k.html)?)))
        .collect::<Result<_, String>>()?;
    let mut fresh = read_fresh(index, missing).await?.into_iter();
    let read: Vec<(bool, Page)> = found
        .into_iter()
        .map(|f| match f {
            Some(page) => Some((false, page)),
            None => fresh.next().map(|page| (true, page)),
        })
        .collect::<Option<_>>()
        .ok_or("Pagefind read fewer pages than it was given")?;
    t.lap("    search read pages");
    let made: Vec<(u64, Vec<u8>)> = read
        .par_iter()
        .zip(&keys)
        .filter(|((new, _), _)| *new)
        .filter_map(|((_, page), &k)| Some((k, postcard::to_allocvec(page).ok()?)))
        .collect();
    let taken = read.iter().zip(&keys).filter(|((new, _), _)| !new);
    let taken = taken.map(|(_, &k)| k).collect();
    let keep = Keep::new(last, taken, made);
    keeping.reuse.pages_read = keep.counts();
    keeping.keep(PAGES, keep);
    Ok(read.into_iter().map(|(_, p)| p).collect())
}

/// A page to read, with the key the cache knows it by.
struct Keyed {
    url: String,
    print: Option<u64>,
    key: u64,
    html: Html,
}

/// A page's indexable HTML, read from disk if need be.
fn read_html(html: Html) -> Result<String, String> {
    html.text().map_err(|e| format!("cannot read {e}"))
}

/// `pages` read by Pagefind's fossicker, each as the index needs it.
async fn read_fresh(
    index: &PagefindIndex,
    pages: Vec<(String, String)>,
) -> Result<Vec<Page>, String> {
    let read = index
        .read_html_files(pages)
        .await
        .map_err(|e| e.to_string())?;
    Ok(read.into_par_iter().map(Page::read).collect())
}
