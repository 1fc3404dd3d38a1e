//! Services kept in a spreadsheet: `.csv`, `.xlsx` and `.ods` in a directory section, beside
//! Markdown entries, checked by the same rules at row and column; the directory's CSV
//! export is itself a valid import that gives the same site back.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// A build day after the example site's services were checked (2026-11-22).
const EPOCH: &str = "1796083200"; // 2026-12-01

fn build_at(root: &Path, out: &Path) -> Run {
    let mut cmd = varde();
    cmd.env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["build", "--no-search", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out);
    run(&mut cmd)
}

/// A copy of the example site in `work/md`, built as it is into `work/out-md`.
fn example_built(work: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let md = work.join("md");
    copy_dir(&repo().join("content"), &md.join("content"));
    fs::copy(repo().join("site.yaml"), md.join("site.yaml")).unwrap();
    let out_md = work.join("out-md");
    let r = build_at(&md, &out_md);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (md, out_md)
}

#[test]
fn the_csv_export_imports_to_the_same_site() {
    let work = tempfile::tempdir().unwrap();
    let (md, out_md) = example_built(work.path());
    let export = fs::read(out_md.join("tjenester/tjenester.csv")).unwrap();

    // The same site with every service in that export instead of in Markdown files.
    let sheet = work.path().join("sheet");
    copy_dir(&md, &sheet);
    let dir = sheet.join("content/tjenester");
    // The example keeps most services in a sheet and a few as Markdown: all of them go.
    let mut removed = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        // The section's own pages stay (`_index.md` and its translations).
        let section_page = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("_index"));
        let md = p.extension().is_some_and(|x| x == "md") && !section_page;
        if md || p.extension().is_some_and(|x| x == "csv") {
            fs::remove_file(p).unwrap();
            removed += 1;
        }
    }
    assert!(removed >= 2, "the example directory has its services");
    fs::write(dir.join("tjenester.csv"), &export).unwrap();
    let out_sheet = work.path().join("out-sheet");
    let r = build_at(&sheet, &out_sheet);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // Export -> import -> export: the same CSV and the same HSDS, byte for byte, and every
    // page the same. Only the sitemap lists the pages in another order (rows come in the
    // sheet's order), so it is compared as a set of lines.
    let a = snapshot(&out_md);
    let b = snapshot(&out_sheet);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differ: Vec<&String> = a
        .keys()
        .filter(|k| a[*k] != b[*k] && *k != "sitemap.xml" && !k.ends_with(".varde-manifest"))
        .collect();
    assert!(differ.is_empty(), "differ: {differ:?}");
    assert_eq!(a["tjenester/tjenester.csv"], b["tjenester/tjenester.csv"]);
    assert_eq!(
        a["tjenester/hsds/services.json"],
        b["tjenester/hsds/services.json"]
    );
    let lines = |m: &BTreeMap<String, Vec<u8>>| {
        let mut l: Vec<String> = String::from_utf8_lossy(&m["sitemap.xml"])
            .lines()
            .map(str::to_string)
            .collect();
        l.sort();
        l
    };
    assert_eq!(lines(&a), lines(&b));
    // The source sheet is not published.
    assert!(!b.keys().any(|k| k.contains("#")));
}

const SITE: &str = "title: T\nbase_url: https://example.org/\ndirectory:\n  categories:\n    - {id: kurs, label: Kurs}\n    - {id: helse, label: Helsehjelp}\n  audience:\n    - {id: gravide, label: Gravide}\n";

fn directory_site(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut files = vec![
        ("site.yaml", SITE),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        (
            "content/tjenester/_index.md",
            "---\ntitle: Tjenester\ndirectory: true\n---\n",
        ),
    ];
    files.extend_from_slice(extra);
    site(&files)
}

#[test]
fn office_spreadsheets_are_read_with_every_problem_at_its_row_and_column() {
    for ext in ["xlsx", "ods"] {
        let dir = directory_site(&[]);
        let name = format!("content/tjenester/tjenester.{ext}");
        fs::copy(
            repo().join(format!("tests/fixtures/tjenester.{ext}")),
            dir.path().join(&name),
        )
        .unwrap();
        let out = dir.path().join("public");
        let r = build_at(dir.path(), &out);
        assert_eq!(r.code, 1, "{}", r.stderr);
        // Row 4 of the sheet (the header is row 1): both of its problems, in one run.
        for says in [
            format!("error: {name}:4:7: `referral.required` must be true or false, not text (column `henvisning_kreves`)"),
            format!("error: {name}:4:9: phone 1: `12` has 2 digits"),
        ] {
            assert!(r.stderr.contains(&says), "{ext}: wanted {says}\n{}", r.stderr);
        }
        assert!(r.stderr.contains("help: write ja or nei"), "{}", r.stderr);
        assert_eq!(r.stderr.matches("error:").count(), 2, "{}", r.stderr);
    }
    // The same rows as a CSV with `;` between cells (as Norwegian Excel saves it), minus
    // the faulty one, build; the numbers and dates come out as the office typed them.
    let dir = directory_site(&[(
        "content/tjenester/tjenester.csv",
        "navn;organisasjon;sammendrag;kategorier;malgruppe;omrade;henvisning_kreves;gratis;telefon;postnummer;sted;gateadresse;apningstider;sist_kontrollert;ansvarlig\n\
         Helsestasjonen på Grønland;Oslo kommune;Oppfølging av gravide og små barn.;Helsehjelp;Gravide;Oslo;nei;ja;23 42 10 00 (Sentralbord);190;Oslo;Tøyengata 2;Mandag–fredag 08:00–15:30;2026-05-01;Kari\n\
         Kurs for foreldre;Oslo kommune;Kurs om livet med en nyfødt.;Kurs;Gravide;Hele landet;ja;nei;;;;;Etter avtale;2026-04-15;\n",
    )]);
    let out = dir.path().join("public");
    let r = build_at(dir.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page =
        fs::read_to_string(out.join("tjenester/helsestasjonen-pa-gronland/index.html")).unwrap();
    for want in [
        "<h1>Helsestasjonen på Grønland</h1>",
        "href=\"tel:+4723421000\">+47 23 42 10 00</a> (Sentralbord)",
        "Tøyengata 2<br>0190 Oslo",
        "Mandag–fredag 08:00–15:30",
        "<li class=\"badge\">Uten henvisning</li>",
        "<time datetime=\"2026-05-01\">",
    ] {
        assert!(page.contains(want), "wanted {want}\n{page}");
    }
    let kurs = fs::read_to_string(out.join("tjenester/kurs-for-foreldre/index.html")).unwrap();
    assert!(
        kurs.contains("Etter avtale") && kurs.contains("Krever henvisning"),
        "{kurs}"
    );
    assert!(
        !out.join("tjenester/tjenester.csv").exists() || {
            // The directory's own export is written there, never the source sheet.
            fs::read_to_string(out.join("tjenester/tjenester.csv"))
                .unwrap()
                .starts_with("\u{feff}id,navn")
        }
    );
}

#[test]
fn sheets_and_markdown_live_side_by_side_and_a_service_given_twice_is_an_error() {
    let md = "---\ntitle: Familievernet\norganisation: Bufetat\nsummary: Samtaler.\ncategories: [helse]\nservice_area: [Oslo]\nlast_reviewed: 2026-05-01\n---\n";
    let dir = directory_site(&[
        ("content/tjenester/familievernet.md", md),
        (
            "content/tjenester/liste.csv",
            "navn,organisasjon,sammendrag,kategorier,omrade,sist_kontrollert\nAnnen tjeneste,O,S.,Kurs,Oslo,2026-05-01\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build_at(dir.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("tjenester/familievernet/index.html").is_file());
    assert!(out.join("tjenester/annen-tjeneste/index.html").is_file());
    let listing = fs::read_to_string(out.join("tjenester/index.html")).unwrap();
    assert!(listing.contains("Familievernet") && listing.contains("Annen tjeneste"));

    // The same service in the sheet and as a file: one error that names both.
    write(
        dir.path(),
        "content/tjenester/liste.csv",
        b"navn,organisasjon,sammendrag,kategorier,omrade,sist_kontrollert\nFamilievernet,Bufetat,Samtaler.,Helsehjelp,Oslo,2026-05-01\n",
    );
    let r = build_at(dir.path(), &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("two sources claim the URL /tjenester/familievernet/"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("content/tjenester/liste.csv")
            && r.stderr.contains("content/tjenester/familievernet.md"),
        "{}",
        r.stderr
    );

    // Columns the directory does not have, and a sheet without names.
    let table: &[(&str, &str)] = &[
        (
            "navn,organisasjon,telefonnummer\nX,O,22\n",
            "error: content/tjenester/liste.csv:1:3: unknown column `telefonnummer`",
        ),
        (
            "organisasjon,sammendrag\nO,S\n",
            "error: content/tjenester/liste.csv:1:1: the sheet has no column `navn`",
        ),
        (
            "navn,organisasjon,sammendrag,kategorier,omrade,sist_kontrollert\n,O,S.,Kurs,Oslo,2026-05-01\n",
            "error: content/tjenester/liste.csv:2:1: the service has no name (column `navn`)",
        ),
    ];
    for (text, says) in table {
        write(dir.path(), "content/tjenester/liste.csv", text.as_bytes());
        let r = build_at(dir.path(), &out);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(says), "wanted {says}\n{}", r.stderr);
    }
    // In a section that is not a directory, a spreadsheet is a file to download.
    let plain = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tall/_index.md", "---\ntitle: Tall\n---\n"),
        ("content/tall/tall.csv", "a,b\n1,2\n"),
    ]);
    let out = plain.path().join("public");
    let r = build_at(plain.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(out.join("tall/tall.csv")).unwrap(),
        "a,b\n1,2\n"
    );
}

#[test]
fn new_directory_with_a_spreadsheet_writes_a_template_that_builds() {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
    ]);
    let r = run(varde()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["new", "directory", "hjelp", "--spreadsheet", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sheet = fs::read_to_string(dir.path().join("content/hjelp/tjenester.csv")).unwrap();
    let mut lines = sheet.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    assert!(
        header.starts_with(
            "navn,organisasjon,sammendrag,kategorier,malgruppe,omrade,henvisning_kreves"
        ),
        "{header}"
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("\"Familiesenteret\",\"Kommunen\""));
    let out = dir.path().join("public");
    let r = build_at(dir.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("hjelp/familiesenteret/index.html").is_file());
    // It never overwrites.
    let r = run(varde()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["new", "directory", "hjelp", "--spreadsheet", "--root"])
        .arg(dir.path()));
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
}

#[test]
fn an_hsds_file_imports_to_the_same_hsds() {
    let work = tempfile::tempdir().unwrap();
    let (md, out_md) = example_built(work.path());
    let hsds = fs::read(out_md.join("tjenester/hsds/services.json")).unwrap();

    // The directory as only that HSDS file: a directory kept elsewhere, published here.
    let dir = md.join("content/tjenester");
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let is_md = p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md");
        if is_md || p.extension().is_some_and(|x| x == "csv") {
            fs::remove_file(p).unwrap();
        }
    }
    fs::write(dir.join("fra-kommunen.json"), &hsds).unwrap();
    let out = work.path().join("out-hsds");
    let r = build_at(&md, &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read(out.join("tjenester/hsds/services.json")).unwrap(),
        hsds,
        "HSDS -> import -> HSDS is the same, byte for byte"
    );

    // A service that breaks the rules: the error is at the line its object starts, and
    // names the HSDS field.
    let mut list: Vec<serde_json::Value> = serde_json::from_slice(&hsds).unwrap();
    list[1]["phones"] = serde_json::json!([{"id": "x", "number": "12"}]);
    let text = serde_json::to_string_pretty(&list).unwrap();
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "  {")
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap();
    fs::write(dir.join("fra-kommunen.json"), text).unwrap();
    let r = build_at(&md, &out);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let says = format!("error: content/tjenester/fra-kommunen.json:{line}:1: phone 1: `12` has 2 digits; a Norwegian number has eight (HSDS field `phones`)");
    assert!(r.stderr.contains(&says), "wanted {says}\n{}", r.stderr);
    fs::write(
        dir.join("fra-kommunen.json"),
        "{\"name\": \"ikke en liste\"}",
    )
    .unwrap();
    let r = build_at(&md, &out);
    assert!(
        r.stderr
            .contains("cannot read the HSDS file: it is not a list"),
        "{}",
        r.stderr
    );
}
