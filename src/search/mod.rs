//! Index: a search index of every content page and service, built in-process from the HTML
//! the render stage produced, and written under `/pagefind/` on the site itself (no request
//! leaves the site). The theme marks what to index (`data-pagefind-body`) and the metadata
//! results show, as for Pagefind: Pagefind's fossicker reads the pages (words, stems,
//! weights, text), and `format` writes varde's own bundle from what it read, for
//! `client.js` to read in the browser (`format` says why not Pagefind's index).
//!
//! Norwegian: Pagefind stems `nb`/`nn`/`no` with Snowball Norwegian and folds å to a. It does
//! not fold æ and ø, and does not split compounds, so the theme's search script also asks for
//! variants of the query (`stotte` -> `støtte`, `rus behandling` -> `rusbehandling`) and merges
//! the results; see ARCHITECTURE.md.

mod format;
mod kept;

pub use kept::{Keeping, Memo};
use pagefind::api::PagefindIndex;

use format::Gzipped;
use pagefind::options::PagefindServiceConfig;

use crate::content::SEARCH_BUNDLE;
use crate::diagnostics::Diagnostic;

/// The language Pagefind should treat the site as: its own code for Norwegian variants.
fn language(site_language: &str) -> String {
    site_language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase()
}

/// The script that reads the bundle, with the API `search.js` uses: `init()`, `search(query)`
/// and `destroy()`, a subset of Pagefind's.
const CLIENT: &str = include_str!("client.js");
pub const CLIENT_NAME: &str = "varde-search.js";

/// The search bundle's files, as (site path, bytes).
pub type Bundle = Vec<(String, Vec<u8>)>;

/// Builds the index, with the records `keeping` has of the last one. Returns the bundle's
/// files as (site path, bytes), and `keeping` with this index's records (being written to
/// the build cache: `Keeping::finish` waits for them).
///
/// The pages go to Pagefind's fossicker in memory, read in parallel (`read_html_files`, a
/// method of our patch: upstream reads pages in parallel only from a folder on disk, in the
/// order the file system lists it). They go in URL order, so the bundle is the same on every
/// build and every file system.
pub fn index(
    mut docs: Vec<crate::render::Doc>,
    site_language: Option<&str>,
    mut keeping: Keeping,
) -> Result<(Bundle, Keeping), Diagnostic> {
    let mut t = crate::timing::Timer::new();
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let expected = docs.len();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the search indexer: {e}")))?;
    let (files, keeping) = runtime
        .block_on(async {
            let options = match site_language {
                Some(l) => PagefindServiceConfig::builder()
                    .force_language(language(l))
                    .build(),
                None => PagefindServiceConfig::builder().build(),
            };
            let index = PagefindIndex::new(Some(options))
                .map_err(|e| format!("cannot create the search index: {e}"))?;
            let read = kept::read_pages(&index, docs, site_language, &mut keeping)
                .await
                .map_err(|e| format!("cannot index the pages: {e}"))?;
            let added = read.len();
            if added != expected {
                return Err(format!(
                    "the search index took {added} of {expected} pages; see the messages above"
                ));
            }
            t.lap("    search read pages");
            let gzipped = keeping.gzipped();
            let files = format::bundle(&read, gzipped.as_ref().map(|g| g as &dyn Gzipped));
            t.lap("    search write bundle");
            keeping.keep_gzipped(gzipped);
            Ok((files, keeping))
        })
        .map_err(Diagnostic::error)?;
    let files = files
        .into_iter()
        .map(|(name, bytes)| (format!("{SEARCH_BUNDLE}{name}"), bytes))
        .chain(std::iter::once((
            format!("{SEARCH_BUNDLE}{CLIENT_NAME}"),
            CLIENT.as_bytes().to_vec(),
        )))
        .collect();
    Ok((files, keeping))
}
