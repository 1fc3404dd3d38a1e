//! The search bundle read back without a browser: every word must lead to the page it is on.
//!
//! The site has over a thousand pages, each with a word no other page has, so its
//! vocabulary spans several shards and its common words have postings files of their own.
//! The test decodes the bundle the way `src/search/client.js` does (tests/common has the
//! reader) and follows each word to its page's URL.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;

const PAGES: usize = 1234;

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
            format!(
                "---\ntitle: Side {i}\n---\nDenne siden handler om kx{i:04}q og litt annet.{}\n",
                if i % 3 == 0 { "" } else { " Ofte." }
            ),
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
    let bundle = search_bundle(&out);
    assert!(
        bundle.salt.len() == 8 && bundle.salt.bytes().all(|b| b.is_ascii_hexdigit()),
        "{}",
        bundle.salt
    );
    assert_eq!(bundle.languages.keys().collect::<Vec<_>>(), ["nb"]);
    let nb = &bundle.languages["nb"];
    assert_eq!(nb.pages, PAGES);
    assert!(nb.shards > 1, "one shard: the test reads no shard boundary");

    // Page ids index the fragments; pages are numbered in URL order, whatever order a file
    // system lists files in.
    let urls: Vec<String> = nb
        .fragments
        .iter()
        .map(|f| {
            f.as_ref().expect("every fragment")["url"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(urls.windows(2).all(|w| w[0] < w[1]), "{:?}", &urls[..5]);

    let mut wrong = vec![];
    for i in 0..PAGES {
        let word = format!("kx{i:04}q");
        let want = format!("/sider/side-{i:04}/");
        let got: Vec<&str> = nb
            .stems
            .get(&word)
            .map(|pages| pages.iter().map(|&(p, _)| urls[p].as_str()).collect())
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
    // in page order (its postings are in a file of their own), each with a score.
    let everywhere = &nb.stems["litt"];
    let ids: Vec<usize> = everywhere.iter().map(|&(p, _)| p).collect();
    assert_eq!(ids, (0..PAGES).collect::<Vec<_>>());
    assert!(everywhere.iter().all(|&(_, score)| score > 0));
    // A word on two pages in three lists the pages without it (a dense list): read back,
    // it is on exactly the others.
    let often: Vec<usize> = nb.stems["oft"].iter().map(|&(p, _)| p).collect();
    assert_eq!(often, (0..PAGES).filter(|i| i % 3 != 0).collect::<Vec<_>>());
    // A rare word scores above a common one on the same page (BM25's idf).
    assert!(nb.stems["kx0007q"][0].1 > everywhere[7].1);
    // Norwegian stop words ("og", "om" on every page) are not indexed: the search page
    // never asks for them (vendor/README.md).
    assert!(
        !nb.stems.contains_key("og") && !nb.stems.contains_key("om"),
        "{:?}",
        nb.stems.keys().take(20).collect::<Vec<_>>()
    );
}

/// Every file of a built site's search bundle whose name holds the salt, by name: its bytes
/// as the reader sees them.
fn files_by_name(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out.join("pagefind"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "bin"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            (name.clone(), search_unpack(&bytes, &name))
        })
        .collect()
}

/// A file's name never stands for two contents, across builds: a browser that kept an older
/// build's shard or fragment must not show it for another page. Names are numbers after a
/// salt of the whole bundle, so one edit renames them all; an unchanged site keeps its names.
#[test]
fn a_search_file_name_never_stands_for_two_contents() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Forside\n---\nHei.\n"),
        ("content/a.md", "---\ntitle: A\n---\nOm abstinens.\n"),
        ("content/b.md", "---\ntitle: B\n---\nOm amming.\n"),
    ]);
    let build_into = |name: &str| {
        let out = dir.path().join(name);
        let r = build(dir.path(), &out, &["--no-cache"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        files_by_name(&out)
    };
    let first = build_into("en");
    let fragments = first
        .keys()
        .filter(|n| n.rsplit('_').next().unwrap().starts_with('f'));
    assert_eq!(fragments.count(), 2, "the two articles: {:?}", first.keys());
    assert_eq!(build_into("to"), first, "the same site, the same names");
    write(
        dir.path(),
        "content/b.md",
        b"---\ntitle: B\n---\nOm amming og mat.\n",
    );
    let edited = build_into("tre");
    assert!(edited
        .values()
        .any(|t| String::from_utf8_lossy(t).contains("mat")));
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
