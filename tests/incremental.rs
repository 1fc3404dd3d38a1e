//! The preview's incremental rebuild gives the same bytes as a fresh full build, after every
//! step of a series of edits, renames and deletions, while rendering only what changed.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use varde::serve::Preview;
use varde::BuildOptions;

const BASE: &str = "http://127.0.0.1:1111/";

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.path().join("public")),
        drafts: false,
        base_url: Some(BASE.into()),
        no_search_index: true,
    };
    let report = varde::build(&opts).unwrap_or_else(|f| panic!("{}", f.diagnostics.render(false)));
    snapshot(&report.out)
}

fn same(preview: &Preview, root: &Path, step: &str) {
    let inc: BTreeMap<String, Vec<u8>> = preview
        .snapshot()
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches('/').to_string(), v))
        .collect();
    let full = full_build(root);
    let only_inc: Vec<&String> = inc.keys().filter(|k| !full.contains_key(*k)).collect();
    let only_full: Vec<&String> = full.keys().filter(|k| !inc.contains_key(*k)).collect();
    assert!(
        only_inc.is_empty() && only_full.is_empty(),
        "{step}: only in preview {only_inc:?}, only in full build {only_full:?}"
    );
    let differ: Vec<&String> = full.keys().filter(|k| full[*k] != inc[*k]).collect();
    assert!(
        differ.is_empty(),
        "{step}: {} files differ from a full build, e.g. {:?}",
        differ.len(),
        &differ[..differ.len().min(5)]
    );
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let p = root.join(path);
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{path} lacks {from:?}");
    fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_rebuilds_equal_full_builds_byte_for_byte() {
    // A fixed day, so staleness is the same in both builds.
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["content", "themes"] {
        copy_dir(&repo().join(d), &root.join(d));
    }
    fs::copy(repo().join("site.yaml"), root.join("site.yaml")).unwrap();

    let mut preview = Preview::new(BuildOptions {
        root: root.to_path_buf(),
        out: None,
        drafts: false,
        base_url: Some(BASE.into()),
        no_search_index: true,
    });
    let first = preview
        .rebuild()
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let total = first.rendered;
    same(&preview, root, "first build");

    // A body edit that leaves the summary (first paragraph, word count) alone: only the page.
    edit(
        root,
        "content/nas/kunnskap.md",
        "Du kjenner\nbarnet ditt best.",
        "Du kjenner\nbarnet ditt godt.",
    );
    let r = preview.rebuild().unwrap();
    assert_eq!(r.parsed, 1, "only the edited file is read again");
    assert_eq!(r.markdown, 1, "only its Markdown is rendered again");
    assert_eq!(
        r.rendered, 1,
        "a body edit rendered {} of {total} outputs",
        r.rendered
    );
    same(&preview, root, "body edit");

    // A title edit reaches the section listing, tag pages and the sitemap, not the whole site.
    edit(
        root,
        "content/smil/krav.md",
        "title: Krav for å være med",
        "title: Krav for å delta",
    );
    let r = preview.rebuild().unwrap();
    assert!(
        r.rendered < total / 2,
        "a title edit rendered {} of {total}",
        r.rendered
    );
    same(&preview, root, "title edit");

    write(root, "content/nas/ny.md", b"---\ntitle: Ny side\ndescription: Ny.\ntags: [NAS, nytt]\n---\nSe [kunnskap](kunnskap.md#laer-og-del).\n");
    preview.rebuild().unwrap();
    same(&preview, root, "new page");

    fs::rename(
        root.join("content/nas/ny.md"),
        root.join("content/nas/flyttet.md"),
    )
    .unwrap();
    preview.rebuild().unwrap();
    same(&preview, root, "rename");

    fs::remove_file(root.join("content/nyheter/veileder-pa-horing.md")).unwrap();
    preview.rebuild().unwrap();
    same(&preview, root, "deletion");

    edit(
        root,
        "content/tjenester/oslohjelpa.md",
        "summary: Et gratis lavterskeltilbud",
        "summary: Et gratis tilbud",
    );
    preview.rebuild().unwrap();
    same(&preview, root, "service edit");

    edit(
        root,
        "themes/default/templates/page.html",
        "<article class=\"article\"",
        "<article class=\"article page\"",
    );
    let r = preview.rebuild().unwrap();
    assert!(r.rendered > 10, "a template edit re-renders what uses it");
    same(&preview, root, "template edit");

    edit(
        root,
        "site.yaml",
        "title: SMIL – for mødre og familier i LAR",
        "title: SMIL for mødre og familier i LAR",
    );
    preview.rebuild().unwrap();
    same(&preview, root, "site.yaml edit");

    // A broken file keeps the last good site; fixing it catches up.
    edit(
        root,
        "content/smil/praktisk.md",
        "title: Praktisk informasjon",
        "title: Praktisk informasjon\ndate: 2019-02-30",
    );
    assert!(preview.rebuild().is_err());
    edit(
        root,
        "content/smil/praktisk.md",
        "date: 2019-02-30",
        "date: 2019-02-28",
    );
    preview.rebuild().unwrap();
    same(&preview, root, "after an error was fixed");

    // Nothing changed: nothing is read or rendered.
    let r = preview.rebuild().unwrap();
    assert_eq!((r.parsed, r.markdown, r.rendered), (0, 0, 0));
}
