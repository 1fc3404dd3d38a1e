//! Sites moved over from Hugo, Zola, Jekyll or mdBook: what those generators accept builds
//! here too, or gets a message that names the fix.

mod common;
use common::*;

#[test]
fn a_page_without_title_takes_its_first_heading_once() {
    let dir = site(&[
        ("content/_index.md", "# Velkommen\n\nHei.\n"),
        (
            "content/nas/_index.md",
            "---\ndescription: Om NAS\n---\n# Om NAS\n\nTekst.\n",
        ),
        (
            "content/nas/tegn.md",
            "Innledning.\n\n# Tegn hos `barnet`\n\n## Første døgn\n\nTekst.\n\n# En annen\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(out.join("nas/tegn/index.html")).unwrap();
    assert!(page.contains("<title>Tegn hos barnet"), "{page}");
    // The theme's <h1> shows it; the heading itself is not shown again in the text.
    assert_eq!(count(&page, "<h1>Tegn hos barnet</h1>"), 1, "{page}");
    assert!(!page.contains("id=\"tegn-hos-barnet\""), "{page}");
    // Later headings stay, the first is not shown twice.
    assert!(page.contains("En annen"), "{page}");
    assert!(page.contains("Første døgn"), "{page}");
    let section = std::fs::read_to_string(out.join("nas/index.html")).unwrap();
    assert!(section.contains("<title>Om NAS"), "{section}");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("Velkommen"), "{home}");

    // Neither a title nor a heading: an error that says both ways out.
    write(
        dir.path(),
        "content/nas/tom.md",
        b"Bare tekst.\n\n## Under\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: content/nas/tom.md:1:1: `title` is required"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("or start the text with a `# heading`"),
        "{}",
        r.stderr
    );
}

#[test]
fn dates_in_the_forms_hugo_and_jekyll_write_build() {
    let page =
        |title: &str, date: &str| format!("---\ntitle: {title}\ndate: {date}\n---\nTekst.\n");
    let dir = site(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\n"),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "content/nytt/_index.md",
            "---\ntitle: Nytt\nfeed: true\nsort_by: date\n---\n",
        ),
        (
            "content/nytt/a.md",
            &page("Jekyll", "2013-12-02 7:37:00 -0400"),
        ),
        ("content/nytt/b.md", &page("Hugo", "2019-05-07 10:00:00")),
        (
            "content/nytt/c.md",
            &page("Uten sone", "2019-05-07T09:00:00"),
        ),
        ("content/nytt/d.md", &page("Dag", "2020-01-01")),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let feed = std::fs::read_to_string(out.join("nytt/atom.xml")).unwrap();
    for when in [
        "2013-12-02T07:37:00-04:00",
        // No zone: the site's timezone, Europe/Oslo by default, in summer time.
        "2019-05-07T10:00:00+02:00",
        "2019-05-07T09:00:00+02:00",
    ] {
        assert!(feed.contains(when), "{when}: {feed}");
    }
    // Newest first, by the times as read.
    let list = std::fs::read_to_string(out.join("nytt/index.html")).unwrap();
    let at = |t: &str| {
        list.find(&format!(">{t}<"))
            .unwrap_or_else(|| panic!("{t}: {list}"))
    };
    assert!(
        at("Dag") < at("Hugo") && at("Hugo") < at("Uten sone") && at("Uten sone") < at("Jekyll")
    );

    // Another timezone, and one that does not exist.
    write(
        dir.path(),
        "site.yaml",
        b"title: T\nbase_url: https://example.org/\ntimezone: America/New_York\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let feed = std::fs::read_to_string(out.join("nytt/atom.xml")).unwrap();
    assert!(feed.contains("2019-05-07T10:00:00-04:00"), "{feed}");
    write(
        dir.path(),
        "site.yaml",
        b"title: T\ntimezone: Europe/Bergen\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: site.yaml:2:11: `Europe/Bergen` is not a time zone"),
        "{}",
        r.stderr
    );

    // An impossible date is still an error.
    write(dir.path(), "site.yaml", b"title: T\n");
    write(
        dir.path(),
        "content/nytt/e.md",
        page("Feil", "2019-02-29 10:00:00").as_bytes(),
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: content/nytt/e.md:3:7: no such date 2019-02-29"),
        "{}",
        r.stderr
    );
}

#[test]
fn scheduled_pages_wait_for_their_date_and_leave_when_expired() {
    // 2026-06-01 00:00 UTC, so "now" is fixed.
    let now = "1780272000";
    let page = |title: &str, fm: &str| {
        format!("---\ntitle: {title}\ndate: 2026-01-01\n{fm}---\nTekst om {title}.\n")
    };
    let dir = site(&[
        (
            "site.yaml",
            "title: T\nbase_url: https://example.org/\ntaxonomies:\n  - name: tags\n",
        ),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "content/nytt/_index.md",
            "---\ntitle: Nytt\nfeed: true\n---\n",
        ),
        ("content/nytt/ute.md", &page("Ute", "tags: [a]\n")),
        // Hugo's and Zola's spellings, a day and a time in the site's timezone.
        (
            "content/nytt/snart.md",
            &page("Snart", "publishDate: 2026-07-01\ntags: [a]\n"),
        ),
        (
            "content/nytt/senere.md",
            &page("Senere", "publish_date: 2026-09-01 08:00\n"),
        ),
        (
            "content/nytt/gammel.md",
            &page("Gammel", "expiryDate: 2026-05-31\ntags: [a]\n"),
        ),
        (
            "content/nytt/fortsatt.md",
            &page("Fortsatt", "expiry_date: 2026-06-02\n"),
        ),
        // Jekyll's `published: false` is a draft.
        (
            "content/nytt/upublisert.md",
            &page("Upublisert", "published: false\n"),
        ),
        (
            "content/nytt/oppdatert.md",
            &page("Oppdatert", "lastmod: 2026-02-01\nsummary: Kort om den.\n"),
        ),
    ]);
    let out = dir.path().join("public");
    let built = |extra: &[&str]| {
        let mut cmd = varde();
        cmd.env("SOURCE_DATE_EPOCH", now)
            .arg("build")
            .arg("--root")
            .arg(dir.path())
            .arg("--out")
            .arg(&out)
            .args(extra);
        run(&mut cmd)
    };
    let r = built(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The peers' names are read without a word.
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let files = snapshot(&out);
    let all: String = files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for shown in [
        "nytt/ute/index.html",
        "nytt/fortsatt/index.html",
        "nytt/oppdatert/index.html",
    ] {
        assert!(files.contains_key(shown), "{shown}");
    }
    for hidden in ["Snart", "Senere", "Gammel", "Upublisert"] {
        assert!(
            !all.contains(&format!("Tekst om {hidden}")),
            "{hidden} is in the site"
        );
        assert!(
            !all.contains(&format!("/nytt/{}/", hidden.to_lowercase())),
            "{hidden} is listed"
        );
    }
    assert!(
        r.stderr.contains(
            "4 Markdown files left out (1 draft, 2 not due yet, 1 expired, the next on 2026-07-01)"
        ),
        "{}",
        r.stderr
    );
    let oppdatert = String::from_utf8_lossy(&files["nytt/oppdatert/index.html"]).into_owned();
    assert!(
        oppdatert.contains("Kort om den."),
        "summary is the description"
    );
    assert!(
        oppdatert.contains("2026-02-01") || oppdatert.contains("1. februar 2026"),
        "lastmod is updated"
    );

    // --future and --expired take them in; a link to a page still to come is an error.
    let r = built(&["--future", "--expired"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("nytt/snart/index.html").is_file());
    assert!(out.join("nytt/gammel/index.html").is_file());
    assert!(r.stderr.contains("; 1 draft left out"), "{}", r.stderr);
    write(
        dir.path(),
        "content/nytt/ute.md",
        page("Ute", "")
            .replace("Tekst", "[Snart](snart.md). Tekst")
            .as_bytes(),
    );
    let r = built(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("points to a page not published yet"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("build with --future"), "{}", r.stderr);

    // Hugo's and varde's name for one field at once is an error.
    write(
        dir.path(),
        "content/nytt/ute.md",
        page("Ute", "publishDate: 2026-01-01\npublish_date: 2026-01-02\n").as_bytes(),
    );
    let r = built(&[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`publishDate` and `publish_date` are the same field, given twice"),
        "{}",
        r.stderr
    );
}

#[test]
fn many_messages_of_one_kind_are_grouped_and_json_keeps_every_one() {
    let dir = site(&[("content/_index.md", "---\ntitle: Hjem\n---\n")]);
    for i in 0..40 {
        write(
            dir.path(),
            &format!("content/s{i:02}.md"),
            format!("---\ntitle: S{i}\ndate: 2019-02-30\n---\nx\n").as_bytes(),
        );
    }
    write(
        dir.path(),
        "content/annen.md",
        "---\ntitle: A\ndate: i går\n---\nx\n".as_bytes(),
    );
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let full = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("error: content/"))
            .count()
    };
    // Three in full, one line for the other 37, and the one of another kind.
    assert_eq!(full(&r.stderr), 4, "{}", r.stderr);
    assert!(
        r.stderr.contains("40 × error: no such date #-#-#: 37 more at content/s03.md:3:7, content/s04.md:3:7, content/s05.md:3:7 and 34 other places"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("41 errors, 0 warnings"), "{}", r.stderr);
    let r = build(dir.path(), &out, &["--all"]);
    assert_eq!(full(&r.stderr), 41, "{}", r.stderr);
    let r = run(varde()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let errors = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(errors, 41);
}

#[test]
fn url_sets_a_pages_whole_path() {
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Hjem\n---\n[k](nas/kontakt.md)\n",
        ),
        ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
        (
            "content/nas/kontakt.md",
            "---\ntitle: Kontakt\nurl: /om/kontakt/\n---\nRing oss.\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("om/kontakt/index.html").is_file());
    assert!(!out.join("nas/kontakt/index.html").exists());
    // Links to the source file follow it.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("href=\"/om/kontakt/\""), "{home}");

    // A slug with `/` is pointed to `url:`; `url:` claiming a taken URL names its line.
    // (file, front matter, what the error says)
    let table: &[(&str, &str, &str)] = &[
        (
            "content/nas/a.md",
            "slug: om/noe\n",
            "for the whole path write `url: /om/noe/`",
        ),
        (
            "content/nas/b.md",
            "url: /nas/\n",
            "error: content/nas/b.md:3:1: two sources claim the URL /nas/",
        ),
        (
            "content/nas/c.md",
            "url: /a/../b/\n",
            "error: content/nas/c.md:3:6: `/a/../b/` is not a usable site path",
        ),
    ];
    for (file, fm, says) in table {
        write(
            dir.path(),
            file,
            format!("---\ntitle: X\n{fm}---\nx\n").as_bytes(),
        );
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(says), "wanted: {says}\n{}", r.stderr);
        std::fs::remove_file(dir.path().join(file)).unwrap();
    }
}

#[test]
fn init_and_working_from_inside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nettsted");
    let r = run(varde().arg("init").arg(&dir));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // git leaves the built site and the build cache alone.
    let ignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public/"), "{ignore}");
    assert!(ignore.lines().any(|l| l == "/.varde-cache/"), "{ignore}");
    // It builds as it is, from a folder inside it, with no --root.
    let nas = dir.join("content/nas");
    std::fs::create_dir_all(&nas).unwrap();
    let r = run(varde().current_dir(&nas).args(["build"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.join("public/om/index.html").is_file(), "{}", r.stderr);
    // `new` in content/nas writes there, not into content/content/ or content/nas/nas/.
    let r = run(varde().current_dir(&nas).args(["new", "page", "ny.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(nas.join("ny.md").is_file(), "{}", r.stderr);
    // A new service says nothing it does not know about referral and cost.
    let r = run(varde()
        .current_dir(&dir)
        .args(["new", "service", "tjenester/ny.md"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let service = std::fs::read_to_string(dir.join("content/tjenester/ny.md")).unwrap();
    assert!(!service.lines().any(|l| l.trim_start().starts_with("free:") || l.trim_start().starts_with("required:")), "{service}");
    // init refuses a site, and serve refuses a folder without one.
    let r = run(varde().arg("init").arg(&dir));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("already holds a site"), "{}", r.stderr);
    let empty = tmp.path().join("tom");
    std::fs::create_dir_all(&empty).unwrap();
    let r = run(varde()
        .current_dir(&empty)
        .args(["serve", "--port", &free_port().to_string()]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no site in"), "{}", r.stderr);
}

#[test]
fn every_internal_link_is_checked() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\nHei.\n"),
        ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
        ("content/nas/tegn.md", "---\ntitle: Tegn\n---\n## Tegn\n"),
        (
            "content/nas/hjelp/index.md",
            "---\ntitle: Hjelp\n---\n![Kart](kart.png)\n",
        ),
        ("content/nas/hjelp/kart.png", "png"),
        ("static/filer/skjema.pdf", "pdf"),
    ]);
    // Links that reach something: a site path with and without its slash, a list, a
    // generated file, a static file, an asset in a bundle, `.md` from content/, a folder.
    write(
        dir.path(),
        "content/om.md",
        b"---\ntitle: Om\n---\n[a](/nas/) [b](/nas) [c](/sitemap.xml) [d](/filer/skjema.pdf) [e](nas/hjelp/kart.png) [f](/nas/tegn.md#tegn) [g](nas/) [h](/nas/tegn/)\n",
    );
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let om = std::fs::read_to_string(out.join("om/index.html")).unwrap();
    assert!(
        om.contains("href=\"/nas/tegn/#tegn\""),
        "/nas/tegn.md is the page: {om}"
    );

    // (Markdown, the error) for links that reach nothing.
    let table: &[(&str, &str)] = &[
        (
            "[x](/nsa/)",
            "content/om.md:4:5: the link points to /nsa/, which this site does not have",
        ),
        ("[x](/filer/skjem.pdf)", "did you mean `/filer/skjema.pdf`?"),
        (
            "![kart](bilder/kart.png)",
            "the link points to /om/bilder/kart.png",
        ),
        (
            "[x](/nas/tgn.md)",
            "points to a missing file (content/nas/tgn.md)",
        ),
        ("[x](/nas/tegn.md#tgn)", "no heading `#tgn`"),
    ];
    for (md, says) in table {
        write(
            dir.path(),
            "content/om.md",
            format!("---\ntitle: Om\n---\n{md}\n").as_bytes(),
        );
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{md}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{md}: wanted {says}\n{}", r.stderr);
        // `check` finds it too, without building.
        let r = run(varde().args(["check", "--root"]).arg(dir.path()));
        assert_eq!(r.code, 1, "{md}: {}", r.stderr);
        assert!(
            r.stderr.contains(says),
            "check, {md}: wanted {says}\n{}",
            r.stderr
        );
    }
}

#[test]
fn an_anchor_may_point_at_an_id_in_raw_html() {
    let dir = site(&[
        ("site.yaml", "title: T\nraw_html: true\n"),
        ("content/_index.md", "---\ntitle: Hjem\n---\n[Se](side.md#kart)\n"),
        ("content/side.md", "---\ntitle: Side\n---\n[Opp](#topp)\n\n<a id=\"topp\"></a>\n\n<div id=\"kart\">Kart</div>\n"),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    write(
        dir.path(),
        "content/_index.md",
        b"---\ntitle: Hjem\n---\n[Se](side.md#krat)\n",
    );
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `#kart`?"), "{}", r.stderr);
}

#[test]
fn heading_ids_the_way_the_old_generator_made_them() {
    // (anchors:, the id of "Støtte i svangerskapet")
    let table: &[(&str, &str)] = &[
        ("", "stotte-i-svangerskapet"),
        ("anchors: zola\n", "stotte-i-svangerskapet"),
        ("anchors: hugo\n", "støtte-i-svangerskapet"),
        ("anchors: github\n", "støtte-i-svangerskapet"),
    ];
    for (setting, id) in table {
        let dir = site(&[
            ("site.yaml", &format!("title: T\n{setting}")),
            (
                "content/_index.md",
                &format!("---\ntitle: Hjem\n---\n[Se](side.md#{id})\n"),
            ),
            (
                "content/side.md",
                "---\ntitle: Side\n---\n## Støtte i svangerskapet\n",
            ),
        ]);
        let out = dir.path().join("public");
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 0, "{setting}: {}", r.stderr);
        let page = std::fs::read_to_string(out.join("side/index.html")).unwrap();
        assert!(page.contains(&format!("id=\"{id}\"")), "{setting}: {page}");
    }
    let dir = site(&[
        ("site.yaml", "title: T\nanchors: jekyll\n"),
        ("content/_index.md", "# Hjem\n"),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("site.yaml:2:10: `jekyll` is not a way of making heading ids"),
        "{}",
        r.stderr
    );
}

#[test]
fn check_checks_drafts_and_a_build_warns_of_images_without_alt_text() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\nHei.\n"),
        (
            "content/utkast.md",
            "---\ntitle: Utkast\ndraft: true\n---\n[x](mangler.md)\n",
        ),
        (
            "content/bilde/index.md",
            "---\ntitle: Bilde\n---\n![](kart.png)\n",
        ),
        ("content/bilde/kart.png", "png"),
    ]);
    let r = build(dir.path(), &dir.path().join("public"), &[]);
    assert_eq!(
        r.code, 0,
        "a draft's error does not stop the build: {}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("warning: content/bilde/index.md:4:1: image without alt text"),
        "{}",
        r.stderr
    );
    let r = run(varde().args(["check", "--root"]).arg(dir.path()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: content/utkast.md:5:5: the link `mangler.md` points to a missing file"
        ),
        "{}",
        r.stderr
    );
    // In check the missing alt text is an error, once.
    assert_eq!(
        count(&r.stderr, "image without alt text"),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn data_files_reach_templates() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\nHei.\n"),
        ("data/kontakt/kontor.yaml", "telefon: \"22 33 44 55\"\n"),
        ("data/kurs.csv", "navn,sted\nSMIL,Oslo\nMOR,Bergen\n"),
        ("data/oppsett.toml", "farge = \"blå\"\n"),
        ("data/tall.json", "{\"antall\": 7}\n"),
        (
            "templates/index.html",
            "{% extends \"base.html\" %}{% block content %}<p id=\"t\">{{ site.data.kontakt.kontor.telefon }}</p>{% for k in load_data(path=\"kurs.csv\") %}<i>{{ k.navn }}/{{ k.sted }}</i>{% endfor %}{% set o = load_data(path=\"data/oppsett.toml\") %}<b>{{ o.farge }} {{ site.data.tall.antall }}</b>{% endblock content %}",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    for shown in [
        "<p id=\"t\">22 33 44 55</p>",
        "<i>SMIL/Oslo</i><i>MOR/Bergen</i>",
        "<b>blå 7</b>",
    ] {
        assert!(home.contains(shown), "{shown}: {home}");
    }
    // A data file that does not parse is an error at its line; the output stays as it was.
    write(dir.path(), "data/tall.json", b"{\n  \"antall\": 7,\n}\n");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("error: data/tall.json:3:"),
        "{}",
        r.stderr
    );
    // A missing one, asked for by name, is a template error that says where data lives.
    write(dir.path(), "data/tall.json", b"{\"antall\": 7}\n");
    write(dir.path(), "templates/index.html", b"{% extends \"base.html\" %}{% block content %}{{ load_data(path=\"mangler.yaml\") }}{% endblock content %}");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("there is no data/mangler.yaml"),
        "{}",
        r.stderr
    );
}
