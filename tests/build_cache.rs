//! The build cache (`.varde-cache/build/` beside the output): a build that uses it writes
//! the same bytes as a cold build with `--no-cache`, after every kind of edit, and takes
//! from it what did not change.

mod common;
use common::*;

use std::fs;
use std::path::Path;

use varde::build_cache::Reuse;
use varde::BuildOptions;

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let p = root.join(path);
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{path} lacks {from:?}");
    fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// Builds `root` into `out`, with or without the cache.
fn build_into(root: &Path, out: &Path, no_cache: bool) -> Reuse {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        no_cache,
        ..BuildOptions::default()
    };
    let report = varde::build(&opts).unwrap_or_else(|f| panic!("{}", f.diagnostics.render(false)));
    report.reuse
}

#[test]
fn a_build_with_the_cache_equals_a_cold_build_after_every_kind_of_edit() {
    // A fixed day, so both builds see the same staleness of services.
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let out = root.join("public");
    type Step = (&'static str, fn(&Path));
    let steps: &[Step] = &[
        ("first build", |_| {}),
        ("nothing changed", |_| {}),
        ("a page's body", |r| {
            edit(
                r,
                "content/nas/kunnskap.md",
                "Du kjenner\nbarnet ditt best.",
                "Du kjenner\nbarnet ditt godt.",
            )
        }),
        ("a page's title", |r| {
            edit(
                r,
                "content/smil/krav.md",
                "title: Krav for å være med",
                "title: Krav for å delta",
            )
        }),
        ("a new page", |r| {
            write(
                r,
                "content/nas/ny.md",
                b"---\ntitle: Ny side om abstinens\n---\nEn helt ny side med ordet kvitrefugl.\n",
            )
        }),
        ("a page removed", |r| {
            fs::remove_file(r.join("content/nas/ny.md")).unwrap()
        }),
        ("a template", |r| {
            edit(
                r,
                "themes/default/templates/page.html",
                "{% block content %}",
                "{% block content %}<p class=\"ny\">Ny mal</p>",
            )
        }),
        ("site.yaml", |r| {
            edit(
                r,
                "site.yaml",
                "title: SMIL – for mødre",
                "title: SMIL for mødre",
            )
        }),
    ];
    let mut pages = 0;
    for (step, change) in steps {
        change(root);
        let reuse = build_into(root, &out, false);
        let cold = tempfile::tempdir().unwrap();
        let cold_out = cold.path().join("public");
        assert_eq!(build_into(root, &cold_out, true), Reuse::default());
        let (with_cache, without) = (snapshot(&out), snapshot(&cold_out));
        let differ: Vec<&String> = without
            .keys()
            .chain(with_cache.keys())
            .filter(|k| with_cache.get(*k) != without.get(*k))
            .collect();
        assert!(
            differ.is_empty(),
            "{step}: {} files differ from a cold build, e.g. {:?}",
            differ.len(),
            &differ[..differ.len().min(5)]
        );
        let (linked, outputs) = reuse.outputs;
        match *step {
            "first build" => assert_eq!(linked, 0, "{step}: {reuse:?}"),
            "nothing changed" => assert_eq!(linked, outputs, "{step}: {reuse:?}"),
            // Settings reach every output.
            "site.yaml" => assert_eq!(linked, 0, "{step}: {reuse:?}"),
            _ => assert!(0 < linked && linked < outputs, "{step}: {reuse:?}"),
        }
        let (read_before, read) = reuse.pages_read;
        let (gz_before, gz) = reuse.gzipped;
        match *step {
            "first build" => {
                pages = read;
                assert_eq!((read_before, gz_before), (0, 0), "{step}: {reuse:?}");
            }
            "nothing changed" => {
                assert_eq!((read_before, gz_before), (read, gz), "{step}: {reuse:?}")
            }
            // The edited page is read again, and only it.
            "a page's body" | "a page's title" => {
                assert_eq!((read_before, read), (pages - 1, pages), "{step}: {reuse:?}")
            }
            // `page.html` renders articles, not services: those are read again.
            "a template" => assert!(0 < read_before && read_before < read, "{step}: {reuse:?}"),
            _ => assert!(read_before > 0 && gz_before > 0, "{step}: {reuse:?}"),
        }
        assert!(
            gz_before < gz || *step == "nothing changed",
            "{step}: {reuse:?}"
        );
    }
}

#[test]
fn the_cache_lies_beside_the_output_and_no_cache_neither_reads_nor_writes_it() {
    let dir = example_copy();
    let root = dir.path();
    let out = root.join("ut");
    let kept = root.join(".varde-cache/build/ut");
    build_into(root, &out, true);
    assert!(!kept.exists(), "--no-cache wrote {}", kept.display());
    build_into(root, &out, false);
    assert!(kept.join("search-pages").is_file());
    assert!(kept.join("search-gzipped").is_file());
    assert!(kept.join("search-prints").is_file());
    let manifest = fs::read_to_string(out.join(varde::output::MANIFEST)).unwrap();
    assert!(!manifest.contains("varde-cache"), "{manifest}");
    // Neither read: a second build without the cache takes nothing from it.
    assert_eq!(build_into(root, &out, true), Reuse::default());
    // A damaged cache is a cold build, not an error.
    fs::write(kept.join("search-pages"), b"\0\0\0\x05varde").unwrap();
    fs::write(kept.join("search-gzipped"), b"").unwrap();
    assert_eq!(build_into(root, &out, false).pages_read.0, 0);
    assert!(build_into(root, &out, false).pages_read.0 > 0);
    // Without the fingerprints, the pages are read from their files and found by their HTML.
    fs::write(kept.join("search-prints"), b"").unwrap();
    let reuse = build_into(root, &out, false);
    assert_eq!(reuse.pages_read.0, reuse.pages_read.1, "{reuse:?}");
}

/// The preview keeps its last index's records in memory: the next index after an edit
/// reads only the edited page again, and gives the bundle a fresh index would.
#[test]
fn the_preview_index_reads_only_edited_pages_again() {
    use varde::render::{index_doc::Html, Doc};
    use varde::search::{index, Keeping, Memo};
    let docs = |edited: &str| -> Vec<Doc> {
        (0..30)
            .map(|i| Doc {
                url: format!("/side-{i}/"),
                html: Html::Text(format!(
                    "<html><body><main data-pagefind-body><h1>Side {i}</h1><p>Støtte og hjelp {}</p></main></body></html>",
                    if i == 7 { edited } else { "i svangerskapet" }
                )),
                print: None,
            })
            .collect()
    };
    let (first, keeping) = index(docs("før"), Some("nb"), Keeping::in_memory(Memo::default()))
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(keeping.reuse.pages_read, (0, 30));
    let (second, keeping) = index(
        docs("kvitrefugl"),
        Some("nb"),
        Keeping::in_memory(keeping.into_memo()),
    )
    .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(keeping.reuse.pages_read, (29, 30));
    assert!(keeping.reuse.gzipped.0 > 0, "{:?}", keeping.reuse);
    let (fresh, _) = index(docs("kvitrefugl"), Some("nb"), Keeping::new(None))
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert!(
        second == fresh,
        "the index from memory differs from a fresh one"
    );
    assert!(first != second, "the edit did not reach the index");
}

/// A page whose output is linked unchanged from the last build comes with its fingerprint
/// instead of its HTML: the index finds it in the cache by that and never reads the file.
/// A fingerprint the cache does not know is read from the file.
#[test]
fn a_page_found_by_its_fingerprint_is_not_read_again() {
    use varde::render::{index_doc::Html, Doc};
    use varde::search::{index, Keeping, Memo};
    let gone = std::path::PathBuf::from("/nonexistent/varde/side/index.html");
    let docs = |html: &dyn Fn(usize) -> Html, print: &dyn Fn(usize) -> u64| -> Vec<Doc> {
        (0..20)
            .map(|i| Doc {
                url: format!("/side-{i}/"),
                html: html(i),
                print: Some(print(i)),
            })
            .collect()
    };
    let text = |i: usize| {
        Html::Text(format!(
            "<html><body><main data-pagefind-body><h1>Side {i}</h1><p>Hjelp til familier</p></main></body></html>"
        ))
    };
    let file = |_| Html::File {
        path: gone.clone(),
        lang: false,
    };
    let (first, keeping) = index(
        docs(&text, &|i| i as u64),
        Some("nb"),
        Keeping::in_memory(Memo::default()),
    )
    .unwrap_or_else(|d| panic!("{}", d.render(false)));
    // Every page by its fingerprint, none of them readable: the same bundle.
    let (again, keeping) = index(
        docs(&file, &|i| i as u64),
        Some("nb"),
        Keeping::in_memory(keeping.into_memo()),
    )
    .unwrap_or_else(|d| panic!("{}", d.render(false)));
    assert_eq!(keeping.reuse.pages_read, (20, 20));
    assert!(first == again, "the bundle from fingerprints differs");
    // One fingerprint the cache has not seen: that page is read, and here it cannot be.
    let failed = index(
        docs(&file, &|i| if i == 3 { 99 } else { i as u64 }),
        Some("nb"),
        Keeping::in_memory(keeping.into_memo()),
    );
    let message = failed.err().map(|d| d.render(false)).unwrap_or_default();
    assert!(
        message.contains("/nonexistent/varde/side/index.html"),
        "{message}"
    );
}

/// An output the last build wrote is linked into the next only while it is the file that
/// build wrote: one edited, replaced by a link or removed by hand is rendered again.
#[test]
#[cfg(unix)]
fn an_output_changed_by_hand_is_rendered_again() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let out = root.join("public");
    build_into(root, &out, false);
    let secret = root.join("hemmelig.txt");
    fs::write(&secret, "ikke publiser").unwrap();
    let edited = out.join("nas/kunnskap/index.html");
    let mut html = fs::read(&edited).unwrap();
    let len = html.len();
    html[len - 2] = b'!';
    fs::write(&edited, &html).unwrap();
    let linked = out.join("smil/krav/index.html");
    fs::remove_file(&linked).unwrap();
    std::os::unix::fs::symlink(&secret, &linked).unwrap();
    fs::remove_file(out.join("nas/index.html")).unwrap();
    let reuse = build_into(root, &out, false);
    assert_eq!(reuse.outputs.0, reuse.outputs.1 - 3, "{reuse:?}");
    let cold = tempfile::tempdir().unwrap();
    build_into(root, &cold.path().join("public"), true);
    assert!(
        snapshot(&out) == snapshot(&cold.path().join("public")),
        "the output differs from a cold build"
    );
    assert!(!fs::symlink_metadata(&linked)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// The build's time (`site.build_time`) is there only for a theme that names it, and then
/// nothing is linked (every output is new on every build, as a cold build's would be); a
/// theme that walks `site` whole without naming it gets no time to keep from an earlier build.
#[test]
fn the_build_time_reaches_only_a_theme_that_names_it_and_then_nothing_is_linked() {
    // (what page.html prints, whether outputs are linked on the second build)
    let table = [
        ("{{ site.build_time }}", false),
        ("{{ site['build_time'] }}", false),
        ("{{ site | keys | join(sep=\",\") }}", true),
    ];
    for (line, linked) in table {
        let dir = example_copy();
        let root = dir.path();
        edit(
            root,
            "themes/default/templates/page.html",
            "{% block content %}",
            &format!("{{% block content %}}<p class=\"tid\">{line}</p>"),
        );
        let out = root.join("public");
        build_into(root, &out, false);
        let html = fs::read_to_string(out.join("nas/kunnskap/index.html")).unwrap();
        let shown = &html[html.find("class=\"tid\">").unwrap()..];
        // An RFC 3339 time in UTC, as the build's time is written.
        assert_eq!(shown.contains("+00:00"), !linked, "{line}: {shown:.80}");
        assert!(!shown.contains("build_time"), "{line}: {shown:.80}");
        let reuse = build_into(root, &out, false);
        assert_eq!(
            reuse.outputs.0 == reuse.outputs.1,
            linked,
            "{line}: {reuse:?}"
        );
        assert_eq!(reuse.outputs.0 > 0, linked, "{line}: {reuse:?}");
        assert!(reuse.pages_read.0 > 0, "{line}: {reuse:?}");
    }
}
