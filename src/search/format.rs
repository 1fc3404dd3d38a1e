//! The search bundle's format: varde's own, written from the pages as Pagefind's fossicker
//! read them, and read by `client.js` (shipped in the bundle). Why not Pagefind's own index:
//! its first query downloads a WASM runtime and a list of every page (132 KB gzipped at
//! 12 000 pages, 300 KB at 50 000) before it looks a word up, and stores each word's
//! positions, which excerpts do not need; see ARCHITECTURE.md.
//!
//! The files of one build, for each language `L` (in the order of its pages' URLs):
//! - `entry.json`: the salt, and for each language its page count and the first stem of
//!   each vocabulary shard. The only file with a name that does not change.
//! - `L_<salt>_s<k>.bin`: vocabulary shard `k`, about `SHARD_BYTES` of sorted stems, each
//!   with its page count and its postings, or the number of its postings file.
//! - `L_<salt>_p<k>.bin`: the postings of a stem whose postings take over `INLINE_BYTES`.
//! - `L_<salt>_f<id>.bin`: page `id`'s fragment: URL, metadata and text, as JSON.
//!
//! Postings are (page id, score) pairs, ids as varint deltas, each score one byte: the page's
//! BM25 score for the stem, `ln(1 + s) * SCORE_SCALE`; a stem on over half the pages lists
//! the pages without it instead, with one score (`postings_of`). In a shard, each stem's
//! page count is followed by `where << 1 | dense`, `where` 0 for postings inline and `k + 1`
//! for file `p<k>`. Shards and postings files start with
//! `V`, fragments with `{`. Every `.bin` file is gzipped (a host need not compress them, and
//! one that does so transparently is recognised by the reader); numbers `k` and `id` are in
//! base 36. The salt is a hash of every file's plain bytes, so a file's name never stands for
//! two contents.

use std::collections::{BTreeMap, HashMap};

use pagefind::FossickedData;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::source::hash_bytes;

/// The format's version, in `entry.json`; `client.js` reads this one only.
pub const FORMAT: u32 = 1;
/// A vocabulary shard is closed once it is this large (plain bytes): a query reads one or
/// two of them, about 4 KB gzipped each.
const SHARD_BYTES: usize = 8 * 1024;
/// A stem's postings up to this size stay in its shard; larger ones get a file of their own,
/// read only by a query for that stem.
const INLINE_BYTES: usize = 192;
const SCORE_SCALE: f32 = 64.0;
/// Dense lists (`postings_of`) from this many pages of a language: below it, every list is
/// small, and a score per page ranks a common word's pages (on the 26-page example,
/// "tjenestene" found its page by it).
const DENSE_MIN_PAGES: usize = 1000;
/// Pagefind's weight of a word of plain text (a heading's words weigh more).
const PLAIN_WEIGHT: f32 = 24.0;
const GZIP_LEVEL: i32 = 9;
/// BM25's parameters, as most engines set them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// One language's files before they are gzipped, as (`s0`, `p1f`, `f2` ..., plain bytes).
type Plain = Vec<(String, Vec<u8>)>;

#[derive(Serialize)]
struct Entry {
    format: u32,
    salt: String,
    languages: BTreeMap<String, Language>,
}

#[derive(Serialize)]
struct Language {
    pages: usize,
    /// The first stem of each shard, in order.
    shards: Vec<String>,
}

#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    meta: &'a BTreeMap<String, String>,
    content: &'a str,
}

/// A page as the index needs it, made from what the fossicker read, and what the build
/// cache keeps of a page: its stems' weights, not every word's position (those made
/// decoding the cache cost more than the rest of a second build's index).
#[derive(Serialize, Deserialize)]
pub struct Page {
    language: String,
    url: String,
    meta: BTreeMap<String, String>,
    content: String,
    word_count: usize,
    /// The stems, each followed by a newline (no stem holds one: words are split on white
    /// space): one string, so a kept page decodes without an allocation per stem.
    stems: String,
    /// Each stem's weighted count, in the order of `stems`.
    weights: Vec<f32>,
}

impl Page {
    pub fn read(data: FossickedData) -> Page {
        let mut stems = String::new();
        let mut weights = vec![];
        for (stem, words) in &data.word_data {
            let weight: f32 = words.iter().map(|w| w.weight as f32).sum();
            if weight > 0.0 && !stem.contains('\n') {
                stems.push_str(stem);
                stems.push('\n');
                weights.push(weight / PLAIN_WEIGHT);
            }
        }
        let fragment = data.fragment.data;
        Page {
            language: data.language,
            url: fragment.url,
            meta: fragment.meta,
            content: fragment.content,
            word_count: fragment.word_count,
            stems,
            weights,
        }
    }

    fn words(&self) -> impl Iterator<Item = (&str, f32)> {
        self.stems
            .split_terminator('\n')
            .zip(self.weights.iter().copied())
    }
}

/// The bundle's files (names relative to the bundle's folder, bytes as served) for `pages`,
/// given in URL order. `kept` holds the last build's gzipped files, asked before compressing.
pub fn bundle(pages: &[Page], kept: Option<&dyn Gzipped>) -> Vec<(String, Vec<u8>)> {
    let mut by_language: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
    for page in pages {
        by_language.entry(&page.language).or_default().push(page);
    }
    let mut languages = BTreeMap::new();
    let mut files = vec![];
    for (language, pages) in by_language {
        let (shards, own) = language_files(&pages);
        languages.insert(
            language.to_string(),
            Language {
                pages: pages.len(),
                shards,
            },
        );
        files.extend(own.into_iter().map(|(name, bytes)| (language, name, bytes)));
    }
    let mut salt_input = vec![];
    for (language, name, bytes) in &files {
        salt_input.extend_from_slice(language.as_bytes());
        salt_input.extend_from_slice(&hash_bytes(name.as_bytes()).to_le_bytes());
        salt_input.extend_from_slice(&hash_bytes(bytes).to_le_bytes());
    }
    let salt = format!("{:08x}", hash_bytes(&salt_input) as u32);
    let entry = Entry {
        format: FORMAT,
        salt: salt.clone(),
        languages,
    };
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_par_iter()
        .with_max_len(1)
        .map(|(language, name, bytes)| {
            (format!("{language}_{salt}_{name}.bin"), gzip(&bytes, kept))
        })
        .collect();
    let entry = serde_json::to_vec(&entry).unwrap_or_default();
    out.insert(0, ("entry.json".to_string(), entry));
    out
}

/// Gzipped bundle files kept from the last build (the build cache's `KeptGzip`), asked for
/// before a file is compressed, so an unchanged file is not compressed again.
pub trait Gzipped: Sync {
    /// `plain` as gzipped at `level`, if kept.
    fn get(&self, plain: &[u8], level: i32) -> Option<Vec<u8>>;
    /// `plain` was gzipped at `level` into `gzipped`.
    fn put(&self, plain: &[u8], level: i32, gzipped: &[u8]);
}

fn gzip(plain: &[u8], kept: Option<&dyn Gzipped>) -> Vec<u8> {
    if let Some(bytes) = kept.and_then(|k| k.get(plain, GZIP_LEVEL)) {
        return bytes;
    }
    let level = libdeflater::CompressionLvl::new(GZIP_LEVEL).unwrap_or_default();
    let mut compressor = libdeflater::Compressor::new(level);
    let mut out = vec![0; compressor.gzip_compress_bound(plain.len())];
    // libdeflate fails only on a buffer smaller than the bound it gave.
    let n = compressor.gzip_compress(plain, &mut out).unwrap_or(0);
    out.truncate(n);
    if let Some(k) = kept {
        k.put(plain, GZIP_LEVEL, &out);
    }
    out
}

/// One language's shards' first stems, and its files (the caller names them
/// `<language>_<salt>_<name>.bin`).
fn language_files(pages: &[&Page]) -> (Vec<String>, Plain) {
    let n = pages.len() as f32;
    let average = pages.iter().map(|p| p.word_count as f32).sum::<f32>() / n.max(1.0);
    let (stems, postings) = by_stem(pages);
    let lengths: Vec<f32> = pages
        .iter()
        .map(|p| (p.word_count as f32).max(1.0))
        .collect();

    let mut files = Plain::new();
    let mut firsts = vec![];
    let mut shard: Vec<u8> = vec![];
    let mut entries = 0usize;
    let mut previous: &str = "";
    let mut external = 0usize;
    let flush = |shard: &mut Vec<u8>, entries: &mut usize, files: &mut Plain, k: usize| {
        let mut bytes = vec![b'V'];
        varint(&mut bytes, *entries as u64);
        bytes.append(shard);
        files.push((format!("s{}", base36(k)), bytes));
        *entries = 0;
    };
    for (stem, group) in stems.iter().zip(&postings) {
        let stem: &str = stem;
        let (mut list, dense) = postings_of(group, pages.len(), &lengths, average);
        if entries == 0 {
            firsts.push(stem.to_string());
            previous = "";
        }
        let shared = common_prefix(previous, stem);
        varint(&mut shard, shared as u64);
        varint(&mut shard, (stem.len() - shared) as u64);
        shard.extend_from_slice(&stem.as_bytes()[shared..]);
        varint(&mut shard, group.len() as u64);
        if list.len() > INLINE_BYTES {
            external += 1;
            varint(&mut shard, (external as u64) << 1 | dense as u64);
            let mut file = vec![b'V'];
            file.append(&mut list);
            files.push((format!("p{}", base36(external - 1)), file));
        } else {
            varint(&mut shard, dense as u64);
            shard.append(&mut list);
        }
        entries += 1;
        previous = stem;
        if shard.len() >= SHARD_BYTES {
            flush(&mut shard, &mut entries, &mut files, firsts.len() - 1);
        }
    }
    if entries > 0 {
        flush(&mut shard, &mut entries, &mut files, firsts.len() - 1);
    }

    let fragments: Vec<_> = pages
        .par_iter()
        .enumerate()
        .map(|(id, page)| {
            let fragment = Fragment {
                url: &page.url,
                meta: &page.meta,
                content: &page.content,
            };
            let json = serde_json::to_vec(&fragment).unwrap_or_default();
            (format!("f{}", base36(id)), json)
        })
        .collect();
    files.extend(fragments);
    (firsts, files)
}

/// A stem's (page id, weighted count) pairs, in page order.
type Postings = Vec<(u32, f32)>;

/// Every stem in byte order, each with its (page id, weighted count) in page order: what a
/// sort of every (stem, page) pair by stem gives, without comparing strings millions of
/// times (at 12 000 pages that sort was most of the index's time). Stems are numbered once,
/// only the distinct stems are sorted, and the pairs are placed by counting.
fn by_stem<'a>(pages: &[&'a Page]) -> (Vec<&'a str>, Vec<Postings>) {
    let mut number: HashMap<&str, u32> = HashMap::new();
    let mut stems: Vec<&str> = vec![];
    let mut counts: Vec<usize> = vec![];
    // Each page's stems by number, in the order of its `words()` (read twice, not kept).
    let numbered: Vec<Vec<u32>> = pages
        .iter()
        .map(|page| {
            page.words()
                .map(|(stem, _)| {
                    let n = *number.entry(stem).or_insert_with(|| {
                        stems.push(stem);
                        counts.push(0);
                        (stems.len() - 1) as u32
                    });
                    counts[n as usize] += 1;
                    n
                })
                .collect()
        })
        .collect();
    let mut order: Vec<u32> = (0..stems.len() as u32).collect();
    order.par_sort_unstable_by_key(|&n| stems[n as usize]);
    let mut rank = vec![0u32; stems.len()];
    for (r, &n) in order.iter().enumerate() {
        rank[n as usize] = r as u32;
    }
    let mut postings: Vec<Postings> = order
        .iter()
        .map(|&n| Vec::with_capacity(counts[n as usize]))
        .collect();
    for (id, (page, numbers)) in pages.iter().zip(&numbered).enumerate() {
        for ((_, weight), &n) in page.words().zip(numbers) {
            postings[rank[n as usize] as usize].push((id as u32, weight));
        }
    }
    let stems = order.iter().map(|&n| stems[n as usize]).collect();
    (stems, postings)
}

/// A stem's postings, and whether they are dense. Sparse: (page id delta, score) for each
/// page that has the stem. Dense, for a stem on over half the pages of a large language
/// (`DENSE_MIN_PAGES`): one score for them all (the median; BM25 gives such a stem little
/// weight anyway), then the ids of the pages that do not have it, as deltas. At 50 000
/// pages, a common stem's scores were two thirds of its gzipped file.
fn postings_of(group: &[(u32, f32)], n: usize, lengths: &[f32], average: f32) -> (Vec<u8>, bool) {
    let df = group.len() as f32;
    let idf = (1.0 + (n as f32 - df + 0.5) / (df + 0.5)).ln();
    let scores: Vec<u8> = group
        .iter()
        .map(|&(id, tf)| {
            let norm = K1 * (1.0 - B + B * lengths[id as usize] / average.max(1.0));
            let score = idf * tf * (K1 + 1.0) / (tf + norm);
            ((1.0 + score).ln() * SCORE_SCALE).round().clamp(1.0, 255.0) as u8
        })
        .collect();
    let mut list = vec![];
    if group.len() * 2 > n && n >= DENSE_MIN_PAGES {
        let mut sorted = scores.clone();
        sorted.sort_unstable();
        list.push(sorted[sorted.len() / 2]);
        let mut next = 0u32;
        let mut last = 0u32;
        for &(id, _) in group {
            for missing in next..id {
                varint(&mut list, (missing - last) as u64);
                last = missing;
            }
            next = id + 1;
        }
        for missing in next..n as u32 {
            varint(&mut list, (missing - last) as u64);
            last = missing;
        }
        return (list, true);
    }
    let mut last = 0u32;
    for (&(id, _), score) in group.iter().zip(scores) {
        varint(&mut list, (id - last) as u64);
        last = id;
        list.push(score);
    }
    (list, false)
}

/// The length in bytes of the longest prefix `a` and `b` share, ending on a character's
/// boundary (the reader decodes each stem from its bytes).
fn common_prefix(a: &str, b: &str) -> usize {
    let mut n = 0;
    for ((i, x), y) in a.char_indices().zip(b.chars()) {
        if x != y {
            return i;
        }
        n = i + x.len_utf8();
    }
    n
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn base36(mut n: usize) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![];
    loop {
        out.push(digits[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_come_in_byte_order_with_their_pages_in_page_order() {
        // Stems in byte order (z before æ, ø, å, 𝔸 beyond U+FFFF last), a stem on several
        // pages, a page with no words, as a sort of every pair would give them.
        let words: Vec<Vec<(&str, f32)>> = vec![
            vec![("å", 1.0), ("z", 2.0), ("barn", 3.0)],
            vec![],
            vec![("barn", 4.0), ("ø", 5.0), ("𝔸", 6.0)],
            vec![("æ", 7.0), ("barn", 8.0), ("a", 9.0), ("z", 10.0)],
        ];
        let pages: Vec<Page> = words
            .iter()
            .map(|page| Page {
                language: "nb".into(),
                url: String::new(),
                meta: BTreeMap::new(),
                content: String::new(),
                word_count: page.len(),
                stems: page.iter().map(|(s, _)| format!("{s}\n")).collect(),
                weights: page.iter().map(|&(_, w)| w).collect(),
            })
            .collect();
        let pages: Vec<&Page> = pages.iter().collect();
        let mut pairs: Vec<(&str, u32, f32)> = words
            .iter()
            .enumerate()
            .flat_map(|(id, page)| page.iter().map(move |&(s, w)| (s, id as u32, w)))
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
        let (stems, postings) = by_stem(&pages);
        let flat: Vec<(&str, u32, f32)> = stems
            .iter()
            .zip(&postings)
            .flat_map(|(&s, list)| list.iter().map(move |&(id, w)| (s, id, w)))
            .collect();
        assert_eq!(flat, pairs);
        assert_eq!(stems, ["a", "barn", "z", "å", "æ", "ø", "𝔸"]);
        assert_eq!(postings[1], [(0, 3.0), (2, 4.0), (3, 8.0)]);
    }

    #[test]
    fn varints_and_names() {
        let cases: &[(u64, &[u8])] = &[
            (0, &[0]),
            (127, &[127]),
            (128, &[0x80, 1]),
            (300, &[0xac, 2]),
        ];
        for (v, bytes) in cases {
            let mut out = vec![];
            varint(&mut out, *v);
            assert_eq!(&out, bytes, "{v}");
        }
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }

    #[test]
    fn prefixes_end_on_a_character() {
        let cases = [
            ("", "abc", 0),
            ("abc", "abd", 2),
            ("støtte", "støy", 4),
            ("sø", "så", 1),
        ];
        for (a, b, n) in cases {
            assert_eq!(common_prefix(a, b), n, "{a} {b}");
        }
    }
}
