//! The search bundle read back without a browser: every word must lead to the page it is on.
//!
//! Pagefind builds its index in batches of 500 pages (our patch, vendor/README.md), so this
//! site has more than two batches, and each page carries a word no other page has. The test
//! decodes the bundle the way Pagefind's own search code does (gzip, a signature, then CBOR
//! for the index and JSON for each page) and follows each word to its page's URL.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ciborium::Value as Cbor;
use common::*;

const PAGES: usize = 1234;

/// A file of the bundle: gunzipped, with Pagefind's signature checked and removed.
fn unpack(path: &Path) -> Vec<u8> {
    let gz = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pagefind_unpack(&gz, &path.display().to_string())
}

fn cbor(path: &Path) -> Cbor {
    ciborium::de::from_reader(&unpack(path)[..])
        .unwrap_or_else(|e| panic!("{} is not CBOR: {e}", path.display()))
}

fn array(v: &Cbor) -> &Vec<Cbor> {
    v.as_array().expect("a CBOR array")
}

fn text(v: &Cbor) -> &str {
    v.as_text().expect("a CBOR string")
}

fn number(v: &Cbor) -> usize {
    let n: i128 = v.as_integer().expect("a CBOR integer").into();
    usize::try_from(n).expect("a page number")
}

#[test]
fn every_word_leads_to_its_own_page_across_index_batches() {
    let mut files: Vec<(String, String)> = vec![
        (
            "site.yaml".into(),
            "title: Mange sider\nbase_url: https://example.org/\nlanguage: nb\n".into(),
        ),
        (
            "content/_index.md".into(),
            "---\ntitle: Forside\n---\nHei.\n".into(),
        ),
        (
            "content/sider/_index.md".into(),
            "---\ntitle: Sider\n---\n".into(),
        ),
    ];
    for i in 0..PAGES {
        files.push((
            format!("content/sider/side-{i:04}.md"),
            format!("---\ntitle: Side {i}\n---\nDenne siden handler om kx{i:04}q og litt annet.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = site(&refs);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let bundle = out.join("pagefind");

    let entry: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("pagefind-entry.json")).unwrap())
            .unwrap();
    let lang = &entry["languages"]["nb"];
    assert_eq!(lang["page_count"], PAGES, "{entry}");
    let meta = cbor(&bundle.join(format!(
        "pagefind.{}.pf_meta",
        lang["hash"].as_str().unwrap()
    )));
    let meta = array(&meta);

    // Page numbers index the meta's page list; each entry names the page's fragment.
    let urls: Vec<String> = array(&meta[1])
        .iter()
        .map(|page| {
            let hash = text(&array(page)[0]);
            let fragment = unpack(&bundle.join(format!("fragment/{hash}.pf_fragment")));
            let fragment: serde_json::Value = serde_json::from_slice(&fragment).unwrap();
            fragment["url"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(urls.len(), PAGES);
    // Fragments are named `nb_<salt>_<page number in base 36>`, one salt for the build
    // (vendor/README.md): names in order keep the meta file small.
    let names: Vec<&str> = array(&meta[1])
        .iter()
        .map(|page| text(&array(page)[0]))
        .collect();
    let salt = &names[0][..10];
    assert!(
        salt.starts_with("nb_") && salt[3..9].bytes().all(|b| b.is_ascii_hexdigit()),
        "{salt}"
    );
    for (n, name) in names.iter().enumerate() {
        assert_eq!(*name, format!("{salt}{}", base36(n)));
    }
    // Pages are numbered in URL order, whatever order a file system lists files in.
    assert!(urls.windows(2).all(|w| w[0] < w[1]), "{:?}", &urls[..5]);

    // Every word in every index chunk, with the pages it is on (page numbers are stored as
    // differences from the previous page of the same word).
    let mut found: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for chunk in array(&meta[2]) {
        let hash = text(&array(chunk)[2]);
        let index = cbor(&bundle.join(format!("index/{hash}.pf_index")));
        for word in array(&array(&index)[0]) {
            let word = array(word);
            let mut page = 0;
            let pages = array(&word[1])
                .iter()
                .map(|p| {
                    page += number(&array(p)[0]);
                    page
                })
                .collect();
            found.insert(text(&word[0]).to_string(), pages);
        }
    }

    let mut wrong = vec![];
    for i in 0..PAGES {
        let word = format!("kx{i:04}q");
        let want = format!("/sider/side-{i:04}/");
        let got: Vec<&str> = found
            .get(&word)
            .map(|pages| pages.iter().map(|&p| urls[p].as_str()).collect())
            .unwrap_or_default();
        if got != [want.as_str()] {
            wrong.push(format!("{word}: {got:?}, want [{want:?}]"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {PAGES} words lead elsewhere, e.g.\n{}",
        wrong.len(),
        wrong[..wrong.len().min(10)].join("\n")
    );
    // A word on every page ("litt", which the stemmer leaves alone) lists every page once,
    // in page order.
    let everywhere = &found["litt"];
    assert_eq!(everywhere, &(0..PAGES).collect::<Vec<_>>());
    // Norwegian stop words ("og", "om" on every page) are not indexed: the search page
    // never asks for them (vendor/README.md).
    assert!(
        !found.contains_key("og") && !found.contains_key("om"),
        "{:?}",
        found.keys().take(20).collect::<Vec<_>>()
    );
    // What a first search downloads, the meta file and the word index, is packed smaller
    // than zlib's best would pack it (libdeflate, vendor/README.md).
    let mut first_query = vec![bundle.join(format!(
        "pagefind.{}.pf_meta",
        lang["hash"].as_str().unwrap()
    ))];
    first_query.extend(
        array(&meta[2])
            .iter()
            .map(|c| bundle.join(format!("index/{}.pf_index", text(&array(c)[2])))),
    );
    for path in first_query {
        let packed = std::fs::read(&path).unwrap().len();
        let mut zlib = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut zlib, &unpack(&path)).unwrap();
        let zlib = zlib.finish().unwrap().len();
        assert!(
            packed < zlib,
            "{}: {packed} bytes, zlib -9 {zlib}",
            path.display()
        );
    }
}

fn base36(mut n: usize) -> String {
    let mut digits = vec![];
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap());
        n /= 36;
        if n == 0 {
            return digits.iter().rev().collect();
        }
    }
}

/// Every fragment of a built site, by name: its JSON text.
fn fragments_by_name(out: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(out.join("pagefind/fragment"))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, String::from_utf8(unpack(&path)).unwrap())
        })
        .collect()
}

/// A fragment's name never stands for two contents, across builds: a browser that kept an
/// older build's fragment must not show it for another page. Names are numbers in page order,
/// so one edit renames them all; an unchanged site keeps its names.
#[test]
fn a_fragment_name_never_stands_for_two_contents() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Forside\n---\nHei.\n"),
        ("content/a.md", "---\ntitle: A\n---\nOm abstinens.\n"),
        ("content/b.md", "---\ntitle: B\n---\nOm amming.\n"),
    ]);
    let build_into = |name: &str| {
        let out = dir.path().join(name);
        let r = build(dir.path(), &out, &["--no-cache"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        fragments_by_name(&out)
    };
    let first = build_into("en");
    assert_eq!(first.len(), 2, "the two articles: {:?}", first.keys());
    assert_eq!(build_into("to"), first, "the same site, the same names");
    write(
        dir.path(),
        "content/b.md",
        b"---\ntitle: B\n---\nOm amming og mat.\n",
    );
    let edited = build_into("tre");
    assert_eq!(edited.len(), 2);
    assert!(edited.values().any(|t| t.contains("mat")));
    for (name, text) in &edited {
        if let Some(before) = first.get(name) {
            assert_eq!(before, text, "{name} names two contents");
        }
    }
}

/// The stop words the vendored Pagefind leaves out of a Norwegian index are exactly those
/// the search page drops from a query: one left out of the index but kept in queries would
/// find nothing.
#[test]
fn the_index_and_the_search_page_share_their_stop_words() {
    let js = std::fs::read_to_string(repo().join("themes/default/static/js/search.js")).unwrap();
    let start = js.find("var STOP = (").unwrap();
    let end = start + js[start..].find(").split").unwrap();
    let page: BTreeSet<String> = js[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .flat_map(|s| s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let rs = std::fs::read_to_string(repo().join("vendor/pagefind/src/fossick/mod.rs")).unwrap();
    let start = rs.find("const NORWEGIAN_STOP_WORDS").unwrap();
    let end = start + rs[start..].find("];").unwrap();
    let index: BTreeSet<String> = rs[start..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(page.len() > 40, "{page:?}");
    assert_eq!(page, index);
}
