//! The preview's incremental rebuild gives the same bytes as a fresh full build, after every
//! step of a series of edits, renames and deletions, while rendering only what changed.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use varde::preview::{Preview, Rebuilt};
use varde::BuildOptions;

const BASE: &str = "http://127.0.0.1:1111/";

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.path().join("public")),
        base_url: Some(BASE.into()),
        no_search_index: true,
        ..BuildOptions::default()
    };
    let report = varde::build(&opts).unwrap_or_else(|f| panic!("{}", f.diagnostics.render(false)));
    // The manifest of what a build wrote is the output folder's, not the site's.
    let mut files = snapshot(&report.out);
    files.remove(varde::output::MANIFEST);
    files
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

/// Rebuilds after a step and checks the result against a full build.
fn rebuilt(preview: &mut Preview, root: &Path, step: &str) -> Rebuilt {
    let r = preview
        .rebuild()
        .unwrap_or_else(|d| panic!("{step}: {}", d.render(false)));
    same(preview, root, step);
    r
}

fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let p = root.join(path);
    let text = fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{path} lacks {from:?}");
    fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn preview_of(root: &Path) -> Preview {
    Preview::new(BuildOptions {
        root: root.to_path_buf(),
        base_url: Some(BASE.into()),
        no_search_index: true,
        ..BuildOptions::default()
    })
}

#[test]
fn incremental_rebuilds_equal_full_builds_byte_for_byte() {
    // A fixed day, so staleness is the same in both builds.
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();

    let mut preview = preview_of(root);
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
    let r = rebuilt(&mut preview, root, "body edit");
    assert_eq!(r.parsed, 1, "only the edited file is read again");
    assert_eq!(r.markdown, 1, "only its Markdown is rendered again");
    assert_eq!(
        r.rendered, 1,
        "a body edit rendered {} of {total} outputs",
        r.rendered
    );

    // A title edit reaches the section listing, tag pages and the sitemap, not the whole site.
    edit(
        root,
        "content/smil/krav.md",
        "title: Krav for å være med",
        "title: Krav for å delta",
    );
    let r = rebuilt(&mut preview, root, "title edit");
    assert!(
        r.rendered < total / 2,
        "a title edit rendered {} of {total}",
        r.rendered
    );

    write(root, "content/nas/ny.md", b"---\ntitle: Ny side\ndescription: Ny.\ntags: [NAS, nytt]\n---\nSe [kunnskap](kunnskap.md#laer-og-del).\n");
    rebuilt(&mut preview, root, "new page");

    fs::rename(
        root.join("content/nas/ny.md"),
        root.join("content/nas/flyttet.md"),
    )
    .unwrap();
    rebuilt(&mut preview, root, "rename");

    fs::remove_file(root.join("content/nyheter/veileder-pa-horing.md")).unwrap();
    rebuilt(&mut preview, root, "deletion");

    edit(
        root,
        "content/tjenester/oslohjelpa.md",
        "summary: Et gratis lavterskeltilbud",
        "summary: Et gratis tilbud",
    );
    rebuilt(&mut preview, root, "service edit");

    edit(
        root,
        "themes/default/templates/page.html",
        "<article class=\"article\"",
        "<article class=\"article page\"",
    );
    let page_edit = rebuilt(&mut preview, root, "template edit").rendered;
    assert!(page_edit > 10, "a template edit re-renders what uses it");

    // The render stage puts service cards inside directory pages: they follow an edit.
    edit(
        root,
        "themes/default/templates/service_card.html",
        "level={3}",
        "level={2}",
    );
    rebuilt(&mut preview, root, "service card template edit");

    // Components are global in Tera: templates use them without naming components.html.
    edit(
        root,
        "themes/default/templates/components.html",
        "aria-label=\"{{ t.breadcrumbs }}\"",
        "aria-label=\"Du er her\"",
    );
    rebuilt(&mut preview, root, "component edit");

    // The theme's words are read with the content: an edit reaches every page of its
    // language, and a translation's switcher follows a new translation.
    edit(
        root,
        "themes/default/i18n/en.yaml",
        "skip_link: Skip to content",
        "skip_link: Skip to the text",
    );
    rebuilt(&mut preview, root, "catalogue edit");
    fs::write(
        root.join("content/nas/kunnskap.en.md"),
        "---\ntitle: Knowledge about NAS\ndescription: x\n---\nText.\n",
    )
    .unwrap();
    rebuilt(&mut preview, root, "a new translation");

    // Every HTML page extends base.html.
    edit(
        root,
        "themes/default/templates/base.html",
        "{{ t.skip_link }}</a>",
        "Gå til innholdet</a>",
    );
    let base_edit = rebuilt(&mut preview, root, "base template edit").rendered;
    // No other template uses page.html, so its edit left the lists and tag pages alone.
    assert!(
        page_edit < base_edit,
        "a page.html edit rendered {page_edit} outputs, a base.html edit {base_edit}"
    );

    edit(
        root,
        "site.yaml",
        "title: SMIL – for mødre og familier i LAR",
        "title: SMIL for mødre og familier i LAR",
    );
    rebuilt(&mut preview, root, "site.yaml edit");

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
    rebuilt(&mut preview, root, "after an error was fixed");

    // Nothing changed: nothing is read or rendered.
    let r = preview.rebuild().unwrap();
    assert_eq!((r.parsed, r.markdown, r.rendered), (0, 0, 0));
}

/// The quick path (only a page's body changed, as the watcher reports it) gives the same
/// bytes as a full build, renders only the page, its feed and the lists that show it, and
/// steps aside for anything it cannot see (front matter, headings, links).
#[test]
fn quick_rebuilds_of_edited_bodies_equal_full_builds() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    // Lists that show each page's summary and word count, as a site's own theme may.
    let components =
        fs::read_to_string(repo().join("themes/default/templates/components.html")).unwrap();
    let shown = "{% if p.description %}<p>{{ p.description }}</p>{% endif %}";
    assert!(components.contains(shown));
    let components = components.replace(
        shown,
        "<div>{{ p.summary | safe }} ({{ p.word_count }} ord)</div>",
    );
    write(root, "templates/components.html", components.as_bytes());
    let mut preview = preview_of(root);
    preview
        .rebuild()
        .unwrap_or_else(|d| panic!("{}", d.render(false)));
    let news = "content/nyheter/pamelding-smil-2019.md";
    let edited = |path: &str| vec![root.join(path)];

    // A sentence in the body: the page and the news feed.
    edit(root, news, "Det er plass til 10", "Det er rom til 10");
    let r = preview.rebuild_changed(Some(&edited(news))).unwrap();
    assert!(r.quick && r.parsed == 1, "a body edit takes the quick path");
    assert_eq!(r.rendered, 2, "the page and its feed");
    same(&preview, root, "quick body edit");

    // The first paragraph is the summary the lists show: the section and tag pages too.
    edit(
        root,
        news,
        "åpen nå i januar.",
        "åpen nå i januar, for alle.",
    );
    let r = preview.rebuild_changed(Some(&edited(news))).unwrap();
    assert!(r.quick);
    assert!(
        r.rendered > 2,
        "lists that show the summary: {}",
        r.rendered
    );
    same(&preview, root, "quick summary edit");

    // Front matter, a new heading, a new link: the full rebuild.
    for (from, to) in [
        ("title: Nytt SMIL-kurs", "title: Et nytt SMIL-kurs"),
        ("Fra i år er kurset", "## Nytt i år\n\nFra i år er kurset"),
        (
            "Kurset er gratis,",
            "Kurset er [gratis](../smil/pamelding.md),",
        ),
    ] {
        edit(root, news, from, to);
        let r = preview.rebuild_changed(Some(&edited(news))).unwrap();
        assert!(!r.quick, "{to}: not for the quick path");
        same(&preview, root, to);
    }

    // Only a template: the content is not read again, and a broken template is reported
    // and then fixed.
    let tpl = "templates/page.html";
    let page = fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    write(root, tpl, page.as_bytes());
    preview.rebuild().unwrap();
    write(
        root,
        tpl,
        page.replace("<article class=\"article\"", "<article class=\"artikkel\"")
            .as_bytes(),
    );
    let r = preview.rebuild_changed(Some(&edited(tpl))).unwrap();
    assert_eq!(
        (r.parsed, r.quick),
        (0, false),
        "a template edit reads no content"
    );
    same(&preview, root, "template edit");
    write(
        root,
        tpl,
        b"{% extends \"base.html\" %}{% block content %}{{ page.title ",
    );
    assert!(preview.rebuild_changed(Some(&edited(tpl))).is_err());
    write(root, tpl, page.as_bytes());
    preview.rebuild_changed(Some(&edited(tpl))).unwrap();
    same(&preview, root, "template fixed");

    // A theme's catalogue is under themes/ but is read with the content: not the
    // template-only path, or the pages would keep the old words.
    let words = "themes/default/i18n/nb.yaml";
    edit(
        root,
        words,
        "skip_link: Hopp til innholdet",
        "skip_link: Til innholdet",
    );
    let r = preview.rebuild_changed(Some(&edited(words))).unwrap();
    assert!(!r.quick && r.rendered > 0, "the pages get the new word");
    same(&preview, root, "catalogue edit");

    // Back to the very first text through a full rebuild: what the quick path rendered must
    // not be mistaken for up to date.
    fs::copy(repo().join(news), root.join(news)).unwrap();
    rebuilt(&mut preview, root, "reverted by a full rebuild");
    edit(root, news, "Det er plass til 10", "Det er rom til 10");
    preview.rebuild_changed(Some(&edited(news))).unwrap();
    fs::copy(repo().join(news), root.join(news)).unwrap();
    let r = preview.rebuild_changed(None).unwrap();
    assert!(!r.quick);
    same(&preview, root, "reverted after a quick edit");
}

#[test]
fn an_edit_to_a_data_file_renders_what_reads_it() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let home = fs::read_to_string(repo().join("themes/default/templates/index.html")).unwrap();
    let marked = home.replacen(
        "{% block content %}",
        "{% block content %}<p class=\"data\">{{ site.data.kontor.telefon }}</p>",
        1,
    );
    assert_ne!(marked, home, "the home template has a content block");
    write(root, "templates/index.html", marked.as_bytes());
    write(root, "data/kontor.yaml", b"telefon: \"22 33 44 55\"\n");
    let mut preview = preview_of(root);
    rebuilt(&mut preview, root, "with a data file");
    write(root, "data/kontor.yaml", b"telefon: \"55 44 33 22\"\n");
    let r = preview
        .rebuild_changed(Some(&[root.join("data/kontor.yaml")]))
        .unwrap();
    assert!(!r.quick && r.rendered > 0, "a data edit renders again");
    same(&preview, root, "data edit");
    let served = preview.snapshot();
    assert!(String::from_utf8_lossy(&served["/index.html"]).contains("55 44 33 22"));
}

#[test]
fn shortcodes_follow_their_templates_and_the_services_they_show() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let page = "content/nas/kort.md";
    write(
        root,
        page,
        "---\ntitle: Kort\ndescription: Kort\n---\nFør.\n\n{{ tjeneste(sti=\"tjenester/oslohjelpa\") }}\n\n{% viktig(tittel=\"Nå\") %}\nRing 113.\n{% end %}\n".as_bytes(),
    );
    let viktig =
        fs::read_to_string(repo().join("themes/default/templates/shortcodes/viktig.html")).unwrap();
    write(root, "templates/shortcodes/viktig.html", viktig.as_bytes());
    let mut preview = preview_of(root);
    rebuilt(&mut preview, root, "with shortcodes");
    let shown = |preview: &Preview| {
        String::from_utf8_lossy(&preview.snapshot()["/nas/kort/index.html"]).into_owned()
    };
    assert!(shown(&preview).contains("lavterskeltilbud i Oslo"));

    // The service a card shows changes: the page with the card follows.
    let service = "content/tjenester/oslohjelpa.md";
    edit(
        root,
        service,
        "lavterskeltilbud i Oslo",
        "lavterskeltilbud i hele Oslo",
    );
    preview
        .rebuild_changed(Some(&[root.join(service)]))
        .unwrap();
    same(&preview, root, "service edit");
    assert!(shown(&preview).contains("lavterskeltilbud i hele Oslo"));

    // The shortcode's template changes: not themed again from the old model.
    let tpl = "templates/shortcodes/viktig.html";
    write(
        root,
        tpl,
        viktig.replace("callout-title", "callout-tittel").as_bytes(),
    );
    preview.rebuild_changed(Some(&[root.join(tpl)])).unwrap();
    same(&preview, root, "shortcode template edit");
    assert!(shown(&preview).contains("callout-tittel"));

    // A body edit to a page with shortcodes: not the quick path's page-only render.
    edit(root, page, "Ring 113.", "Ring 113 ved fare.");
    let r = preview.rebuild_changed(Some(&[root.join(page)])).unwrap();
    assert!(!r.quick);
    same(&preview, root, "body edit around shortcodes");
    assert!(shown(&preview).contains("Ring 113 ved fare."));
}

#[test]
fn an_edit_to_the_service_sheet_renders_what_shows_it() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let mut preview = preview_of(root);
    rebuilt(&mut preview, root, "with the sheet");
    let sheet = "content/tjenester/tjenesteliste.csv";
    edit(
        root,
        sheet,
        "Barnevernet i kommunen kan gi familien hjelp og støtte.",
        "Barnevernet i kommunen kan gi hele familien hjelp og støtte.",
    );
    let r = preview.rebuild_changed(Some(&[root.join(sheet)])).unwrap();
    assert!(!r.quick && r.rendered > 0);
    same(&preview, root, "a cell edited");
    let page = String::from_utf8_lossy(&preview.snapshot()["/tjenester/barnevern/index.html"])
        .into_owned();
    assert!(page.contains("hele familien"), "{page}");
}

#[test]
fn pages_with_images_rebuild_to_what_a_full_build_makes() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let dir = example_copy();
    let root = dir.path();
    let img = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x / 4) as u8, (y / 3) as u8, 120])
    });
    let mut jpg = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpg, 85)
        .encode_image(&img)
        .unwrap();
    write(root, "content/nas/bilde/foto.jpg", &jpg);
    let page = "content/nas/bilde/index.md";
    write(
        root,
        page,
        b"---\ntitle: Bilde\ndescription: Et bilde.\n---\nFoer.\n\n![Et barn](foto.jpg)\n\nEtter.\n",
    );
    let mut preview = preview_of(root);
    rebuilt(&mut preview, root, "with an image");
    let shown = String::from_utf8_lossy(&preview.snapshot()["/nas/bilde/index.html"]).into_owned();
    assert!(shown.contains("foto-800w.jpg 800w"), "{shown}");
    // A body edit on a page with an image: the copies and srcset stay.
    edit(root, page, "Etter.", "Etter dette.");
    let r = preview.rebuild_changed(Some(&[root.join(page)])).unwrap();
    assert!(!r.quick);
    same(&preview, root, "body edit around an image");
    // A template edit themes the last model again: no copies of copies.
    let tpl = "templates/page.html";
    let text = fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    write(
        root,
        tpl,
        text.replace("<article class=\"article\"", "<article class=\"artikkel\"")
            .as_bytes(),
    );
    preview.rebuild_changed(Some(&[root.join(tpl)])).unwrap();
    same(&preview, root, "template edit with an image");
}

/// The preview's first look at a template edit (the open pages, rendered before the rest)
/// gives those pages as the whole render that follows does, with the edit in them.
#[test]
fn a_first_look_at_a_template_edit_is_what_the_whole_render_gives() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let site = example_copy();
    let root = site.path();
    let mut preview = preview_of(root);
    preview.rebuild().unwrap();
    let open: Vec<String> = [
        "/index.html",
        "/nas/hva-er-nas/index.html",
        "/tjenester/index.html",
    ]
    .map(String::from)
    .into();
    let files = preview.snapshot();
    for key in &open {
        assert!(files.contains_key(key), "the example has no {key}");
    }
    // (template, text in it, what it becomes, the open pages that show the change)
    let cases = [
        (
            "page.html",
            "<article class=\"article\"",
            "<article class=\"a article\"",
            &open[1..2],
        ),
        (
            "base.html",
            "<a class=\"skip-link\"",
            "<a class=\"b skip-link\"",
            &open[..],
        ),
        // The service cards (the directory's lists), which the render makes ahead.
        (
            "components.html",
            "class=\"service-title\"",
            "class=\"c service-title\"",
            &open[2..],
        ),
    ];
    for (name, from, to, changed) in cases {
        let tpl = format!("templates/{name}");
        let text = fs::read_to_string(repo().join("themes/default/templates").join(name)).unwrap();
        assert!(text.contains(from), "{name} lacks {from}");
        write(root, &tpl, text.as_bytes());
        preview.rebuild().unwrap();
        write(root, &tpl, text.replacen(from, to, 1).as_bytes());
        let edited = [root.join(&tpl)];
        let first = preview
            .first_look(&edited, &open)
            .unwrap_or_else(|| panic!("{name}: no first look"));
        assert_eq!(first.len(), open.len(), "{name}: every open page");
        for key in changed {
            let (_, page) = first.iter().find(|(k, _)| k == key).unwrap();
            let page = String::from_utf8_lossy(&page.bytes);
            assert!(page.contains(to), "{name}: {key} lacks the edit");
        }
        preview.rebuild_changed(Some(&edited)).unwrap();
        let whole = preview.snapshot();
        for (key, page) in &first {
            assert!(
                *page.bytes == whole[key],
                "{name}: {key} differs from the whole render"
            );
        }
        same(&preview, root, name);
    }
    // A template that does not render: no first look, and the whole render reports it.
    let tpl = root.join("templates/page.html");
    fs::write(
        &tpl,
        "{% extends \"base.html\" %}{% block content %}{{ page.title ",
    )
    .unwrap();
    assert!(preview
        .first_look(std::slice::from_ref(&tpl), &open)
        .is_none());
    assert!(preview.rebuild_changed(Some(&[tpl])).is_err());
}

/// A front-matter edit of a page that is open: its first look shows the new title and tags
/// as the whole render does. A body edit (the quick path's) and a page not open get none.
#[test]
fn a_first_look_at_a_page_s_front_matter_is_what_the_whole_render_gives() {
    std::env::set_var("SOURCE_DATE_EPOCH", "1795305600");
    let site = example_copy();
    let root = site.path();
    let mut preview = preview_of(root);
    preview.rebuild().unwrap();
    let md = "content/om-nettstedet.md";
    let key = "/om-nettstedet/index.html".to_string();
    assert!(preview.snapshot().contains_key(&key));
    let open = [key.clone(), "/index.html".to_string()];
    let edited = [root.join(md)];
    // (from, to, what the page then shows)
    let cases = [
        (
            "title: Om nettstedet",
            "title: Om nettstedet og oss",
            "Om nettstedet og oss",
        ),
        ("weight: 90", "weight: 90\ntags: [personvern]", "personvern"),
    ];
    for (from, to, shown) in cases {
        edit(root, md, from, to);
        let first = preview
            .first_look(&edited, &open)
            .unwrap_or_else(|| panic!("{to}: no first look"));
        let (_, page) = first
            .iter()
            .find(|(k, _)| *k == key)
            .expect("the open page");
        assert!(
            String::from_utf8_lossy(&page.bytes).contains(shown),
            "{to}: not shown"
        );
        preview.rebuild_changed(Some(&edited)).unwrap();
        assert!(
            *page.bytes == preview.snapshot()[&key],
            "{to}: the page differs from the whole render"
        );
        same(&preview, root, to);
    }
    edit(
        root,
        md,
        "Dette nettstedet er et eksempel",
        "Dette nettstedet er et lite eksempel",
    );
    assert!(preview.first_look(&edited, &open).is_none(), "a body edit");
    edit(root, md, "title: Om nettstedet og oss", "title: Om oss");
    let elsewhere = ["/index.html".to_string()];
    assert!(
        preview.first_look(&edited, &elsewhere).is_none(),
        "not open"
    );
}
