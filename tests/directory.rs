//! The service directory: validation, filter pages, service pages and open-data exports.

mod common;
use common::*;

use std::fs;
use std::path::Path;

use serde_json::{json, Value};

/// 2026-06-01, so staleness is judged against a fixed day.
const TODAY_EPOCH: &str = "1780272000";

const SITE_YAML: &str = "title: Test\nbase_url: https://example.org/\ndirectory:\n  categories:\n    - {id: kurs, label: Kurs}\n    - {id: helse, label: Helsehjelp}\n  audience:\n    - {id: gravide, label: Gravide}\n    - {id: fagfolk, label: Fagfolk}\n  regions:\n    - {name: Agder, municipalities: [Kristiansand, Arendal]}\n";
const DIR_INDEX: &str = "---\ntitle: Tjenester\ndirectory: true\n---\nAlle tjenester.\n";

fn build_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, Run) {
    let dir = site(files);
    let mut cmd = varde();
    cmd.env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("public"));
    let r = run(&mut cmd);
    (dir, r)
}

fn read(dir: &Path, p: &str) -> String {
    fs::read_to_string(dir.join("public").join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const FULL: &str = r#"---
title: Familiesenteret i Kristiansand
organisation: Kristiansand kommune
summary: Samtaler og kurs for gravide.
categories: [kurs, helse]
audience: [gravide]
service_area: [Kristiansand]
referral:
  required: false
  how: Ring oss.
cost:
  free: true
  text: Gratis
eligibility: Bor i Kristiansand.
languages: [nb, en]
contact:
  phones:
    - number: "38 07 50 00"
      label: Sentralbord
    - number: "113"
      label: Akutt
  email: post@example.no
  website: https://example.no/familie/
  address:
    street: Storgata 1
    postcode: "4611"
    city: Kristiansand
opening_hours:
  regular:
    - days: [man, tir, ons, tor, fre]
      opens: "08:00"
      closes: "15:30"
  closed: [Stengt i juli]
how_to_apply: Ring eller send e-post.
last_reviewed: 2026-05-01
---
Mer om senteret.
"#;

const OLD: &str = "---\ntitle: Gammel tjeneste\norganisation: Helse Sør\nsummary: Noe.\ncategories: [helse]\nservice_area: [hele-landet]\nreferral: {required: true, who_can_refer: Fastlege}\nopening_hours: Etter avtale\nlast_reviewed: 2024-01-01\n---\n";

fn good_site() -> (tempfile::TempDir, Run) {
    build_dir(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tjenester/_index.md", DIR_INDEX),
        ("content/tjenester/familiesenter.md", FULL),
        ("content/tjenester/gammel.md", OLD),
    ])
}

#[test]
fn service_page_has_a_contact_card_with_tap_targets() {
    let (dir, r) = good_site();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("warning"),
        "stale services warn in `check`, not in build: {}",
        r.stderr
    );
    let html = read(dir.path(), "tjenester/familiesenter/index.html");
    assert!(
        html.contains(r#"href="tel:+4738075000">+47 38 07 50 00</a> (Sentralbord)"#),
        "{html}"
    );
    assert!(html.contains(r#"href="tel:113">113</a>"#));
    assert!(html.contains(r#"href="mailto:post@example.no""#));
    // Languages by name, as readers say them, not as codes.
    assert!(
        html.contains("<p>Språk: norsk bokmål, engelsk.</p>"),
        "{html}"
    );
    // The address opens in the phone's own map app: a `geo:` link, no map of ours.
    assert!(
        html.contains(r#"href="geo:0,0?q=Storgata+1,+4611+Kristiansand,+Norge">"#),
        "{html}"
    );
    assert!(html.contains("Storgata 1<br>4611 Kristiansand"));
    assert!(html.contains("Mandag–fredag 08:00–15:30"));
    assert!(html.contains("Stengt i juli"));
    assert!(html.contains("Du trenger ikke henvisning"));
    assert!(
        html.contains("Uten henvisning") && html.contains("Gratis"),
        "badges"
    );
    assert!(
        html.contains("Sist kontrollert <time datetime=\"2026-05-01\">1. mai 2026</time>."),
        "{html}"
    );
    assert!(!html.contains("kan være utdatert"));
    assert!(
        !html.contains("maps.google") && !html.contains("<iframe"),
        "no third-party map"
    );
    let old = read(dir.path(), "tjenester/gammel/index.html");
    assert!(
        old.contains("(kan være utdatert)"),
        "a service reviewed over 12 months ago is flagged"
    );
    assert!(old.contains("Du trenger henvisning") && old.contains("Hvem kan henvise: Fastlege"));
    assert!(old.contains("Etter avtale"));
}

fn json_ld(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("valid JSON-LD")
}

#[test]
fn json_ld_describes_the_service() {
    let (dir, r) = good_site();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_ld(&read(dir.path(), "tjenester/familiesenter/index.html"));
    assert_eq!(v["@context"], "https://schema.org");
    assert_eq!(v["@type"], "GovernmentService");
    assert_eq!(v["name"], "Familiesenteret i Kristiansand");
    assert_eq!(v["provider"]["name"], "Kristiansand kommune");
    assert_eq!(v["areaServed"][0]["name"], "Kristiansand");
    let cp = &v["provider"]["contactPoint"][0];
    assert_eq!(cp["@type"], "ContactPoint");
    assert_eq!(cp["telephone"], "+4738075000");
    let hours = &v["hoursAvailable"][0];
    assert_eq!(hours["@type"], "OpeningHoursSpecification");
    assert_eq!(hours["opens"], "08:00");
    assert_eq!(hours["dayOfWeek"][4], "https://schema.org/Friday");
    assert_eq!(
        v["availableChannel"]["serviceLocation"]["address"]["postalCode"],
        "4611"
    );
    assert_eq!(v["isAccessibleForFree"], true);
    let old = json_ld(&read(dir.path(), "tjenester/gammel/index.html"));
    assert_eq!(old["areaServed"][0]["@type"], "Country");
}

#[test]
fn json_ld_cannot_break_out_of_its_script_element() {
    let evil = FULL.replace(
        "summary: Samtaler og kurs for gravide.",
        "summary: \"</script><script>alert(1)</script>\"",
    );
    let (dir, r) = build_dir(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tjenester/_index.md", DIR_INDEX),
        ("content/tjenester/a.md", &evil),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = read(dir.path(), "tjenester/a/index.html");
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert_eq!(
        json_ld(&html)["description"],
        "</script><script>alert(1)</script>"
    );
}

#[test]
fn filter_pages_are_real_urls_with_counts() {
    let (dir, r) = good_site();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let front = read(dir.path(), "tjenester/index.html");
    assert!(front.contains("Viser 2 av 2 tjenester."), "{front}");
    assert!(
        front.contains(r#"<h2 id="gruppe-helse">Helsehjelp <span class="count">(2)</span></h2>"#),
        "grouped by category"
    );
    assert!(
        front.contains(r#"href="/tjenester/uten-henvisning/">Uten henvisning</a> (1)"#),
        "{front}"
    );
    assert!(front.contains(r#"href="/tjenester/gratis/">Gratis</a> (1)"#));
    assert!(front.contains(r#"href="/tjenester/kategori/kurs/">Kurs</a> (1)"#));
    assert!(
        front.contains(r#"<details class="dir-filter" id="dir-filter-box" hidden>"#),
        "the JS form is hidden without JS"
    );
    assert!(front.contains(r#"role="status""#), "hit count is announced");
    assert!(front.contains("/js/directory.js"));

    let no_ref = read(dir.path(), "tjenester/uten-henvisning/index.html");
    assert!(no_ref.contains("Familiesenteret") && !no_ref.contains("Gammel tjeneste"));
    assert!(no_ref.contains("Viser 1 av 2 tjenester."));
    // A county page lists its municipalities' services and the whole-country ones.
    let agder = read(dir.path(), "tjenester/omrade/agder/index.html");
    assert!(
        agder.contains("Familiesenteret") && agder.contains("Gammel tjeneste"),
        "{agder}"
    );
    let krs = read(dir.path(), "tjenester/omrade/kristiansand/index.html");
    assert!(krs.contains("Viser 2 av 2"));
    let gravide = read(dir.path(), "tjenester/malgruppe/gravide/index.html");
    assert!(gravide.contains("Familiesenteret") && !gravide.contains("Gammel tjeneste"));
    // The data the filter script matches on.
    assert!(
        front.contains(r#"data-areas="agder kristiansand""#),
        "{front}"
    );
    assert!(front.contains(r#"data-areas="*""#));
    assert!(front.contains(r#"data-referral="nei""#) && front.contains(r#"data-free="gratis""#));
}

#[test]
fn hsds_export_validates_against_the_shipped_schema_and_ids_are_stable() {
    let schema_path = repo().join("../shared/hsds/compiled/service_with_definitions.json");
    // The official schema lives in the project's shared folder beside the checkout, which
    // CI has (and there its absence is a failure); a bare clone elsewhere says it skipped.
    let Ok(text) = fs::read_to_string(&schema_path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs ../shared/hsds beside the checkout"
        );
        skipped("the HSDS schema check: ../shared/hsds is not beside this checkout");
        return;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");

    for (name, root) in [
        ("example site", repo()),
        ("fixture", good_site().0.path().to_path_buf()),
    ] {
        let out = tempfile::tempdir().unwrap();
        let r = build(&root, out.path(), &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = fs::read_to_string(out.path().join("tjenester/hsds/services.json")).unwrap();
        let list: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert!(!list.is_empty());
        for svc in &list {
            let errors: Vec<String> = validator
                .iter_errors(svc)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{name}: {} does not validate:\n{}",
                svc["name"],
                errors.join("\n")
            );
        }
        let out2 = tempfile::tempdir().unwrap();
        build(&root, out2.path(), &[]);
        assert_eq!(
            text,
            fs::read_to_string(out2.path().join("tjenester/hsds/services.json")).unwrap(),
            "ids change between builds"
        );
    }
    let (dir, _) = good_site();
    let list: Vec<Value> =
        serde_json::from_str(&read(dir.path(), "tjenester/hsds/services.json")).unwrap();
    let fam = list
        .iter()
        .find(|s| s["name"] == "Familiesenteret i Kristiansand")
        .unwrap();
    assert_eq!(fam["phones"][0]["number"], "+47 38 07 50 00");
    assert_eq!(fam["schedules"][0]["byday"], "MO,TU,WE,TH,FR");
    assert_eq!(fam["schedules"][0]["opens_at"], "08:00");
    assert_eq!(fam["cost_options"][0]["amount"], 0);
    assert_eq!(fam["service_areas"][0]["name"], "Kristiansand");
    // The street address, as a physical location.
    let place = &fam["service_at_locations"][0]["location"];
    assert_eq!(place["location_type"], "physical");
    let address = &place["addresses"][0];
    assert_eq!(
        (
            &address["address_1"],
            &address["postal_code"],
            &address["city"],
            &address["country"]
        ),
        (
            &json!("Storgata 1"),
            &json!("4611"),
            &json!("Kristiansand"),
            &json!("NO")
        )
    );
    assert_eq!(fam["languages"][1]["code"], "en");
    let referral: Vec<&Value> = fam["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["taxonomy_term"]["taxonomy"] == "varde-henvisning")
        .collect();
    assert_eq!(referral[0]["taxonomy_term"]["code"], "uten-henvisning");
    assert!(fam["application_process"]
        .as_str()
        .unwrap()
        .starts_with("Du trenger ikke henvisning."));
}

#[test]
fn csv_has_one_row_per_service() {
    let (dir, r) = good_site();
    assert_eq!(r.code, 0);
    let csv = read(dir.path(), "tjenester/tjenester.csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheet programs");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].contains("navn,organisasjon"));
    assert!(
        lines[1].contains("\"Familiesenteret i Kristiansand\",\"Kristiansand kommune\""),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains("\"'+47 38 07 50 00 (Sentralbord); 113 (Akutt)\""),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",\"nei\","), "referral required: nei");
}

#[test]
fn example_directory_covers_the_brief() {
    let out = tempfile::tempdir().unwrap();
    let r = build(&repo(), out.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for slug in [
        "smil-kurset",
        "oslohjelpa",
        "helsestasjon",
        "fastlege",
        "familievern",
        "krisesenter",
        "barnevern",
        "familieambulatorium",
        "dps",
        "spesialisert-rusbehandling",
        "pasientforlop-gravide-og-rusmidler",
    ] {
        assert!(
            out.path()
                .join(format!("tjenester/{slug}/index.html"))
                .is_file(),
            "{slug}"
        );
    }
    let oslo = fs::read_to_string(out.path().join("tjenester/oslohjelpa/index.html")).unwrap();
    assert!(oslo.contains("Du trenger ikke henvisning"));
    assert!(
        oslo.contains("Vi har ikke kontaktinformasjon"),
        "missing contact details are shown as missing, not made up"
    );
    let no_ref =
        fs::read_to_string(out.path().join("tjenester/uten-henvisning/index.html")).unwrap();
    assert!(no_ref.contains("Oslohjelpa"));
}

fn fails(service: &str) -> String {
    let (_dir, r) = build_dir(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tjenester/_index.md", DIR_INDEX),
        ("content/tjenester/x.md", service),
    ]);
    assert_eq!(r.code, 1, "expected errors:\n{}", r.stderr);
    r.stderr
}

#[test]
fn bad_services_name_every_problem() {
    // (the service's front matter, what the errors must say)
    let table: Vec<(String, &[&str])> = vec![
        (
            "---\ntitle: X\n---\n".into(),
            &[
                "content/tjenester/x.md:",
                "`organisation` is required",
                "`summary` is required",
                "`categories` is required",
                "`service_area` is required",
                "`last_reviewed` is required",
            ],
        ),
        (
            FULL.replace("categories: [kurs, helse]", "categories: [kurs, helsee]"),
            &[
                "content/tjenester/x.md:5:13: `helsee` is not one of the categories in site.yaml",
                "did you mean `helse`? Valid categories: kurs, helse",
            ],
        ),
        (
            FULL.replace("audience: [gravide]", "audience: [studenter]"),
            &["valid audience: gravide, fagfolk"],
        ),
        (
            FULL.replace("\"38 07 50 00\"", "\"38 07 50\"")
                .replace("post@example.no", "post.example.no")
                .replace("https://example.no/familie/", "www.example.no"),
            &[
                "content/tjenester/x.md:18:15: phone 1: `38 07 50` has 6 digits",
                "`post.example.no` is not an e-mail address",
                "`www.example.no` is not a web address starting with https://",
            ],
        ),
        (
            FULL.replace("last_reviewed: 2026-05-01", "last_reviewed: 2026-07-01"),
            &["`last_reviewed` is in the future (2026-07-01)"],
        ),
    ];
    for (service, says) in &table {
        let err = fails(service);
        for s in *says {
            assert!(err.contains(s), "wanted: {s}\n{err}");
        }
    }
}

#[test]
fn an_unencrypted_web_address_is_a_warning() {
    let http = FULL.replace("https://example.no/familie/", "http://example.no/familie/");
    let (_dir, r) = build_dir(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tjenester/_index.md", DIR_INDEX),
        ("content/tjenester/x.md", &http),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "warning: content/tjenester/x.md:23:12: `http://example.no/familie/` is not encrypted"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_page_may_not_take_a_directory_url() {
    let (_dir, r) = build_dir(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/tjenester/_index.md", DIR_INDEX),
        ("content/tjenester/gratis.md", FULL),
    ]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("content/tjenester/gratis.md:1:1: this page's URL /tjenester/gratis/ is used by the service directory"), "{}", r.stderr);
}

#[test]
fn structured_hours_reach_the_page_hsds_and_json_ld() {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = varde();
    cmd.env("SOURCE_DATE_EPOCH", "1796083200")
        .args(["build", "--root"])
        .arg(repo().join("tests/fixtures/open-now"))
        .arg("--out")
        .arg(out.path());
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = fs::read_to_string(out.path().join("tjenester/dagtid/index.html")).unwrap();
    assert!(page.contains("<dd>Stengt på helligdager</dd>"), "{page}");
    // The badge's data: the weekly hours, and 2026's and 2027's public holidays.
    assert!(
        page.contains("&quot;2026-12-26&quot;") && page.contains("&quot;2027-03-26&quot;"),
        "{page}"
    );
    assert!(page.contains("/js/open-now.js"));
    let list: Vec<Value> = serde_json::from_str(
        &fs::read_to_string(out.path().join("tjenester/hsds/services.json")).unwrap(),
    )
    .unwrap();
    let by_name = |n: &str| list.iter().find(|s| s["name"] == n).unwrap().clone();
    let always = by_name("Døgnåpent");
    assert_eq!(always["schedules"][0]["byday"], "MO,TU,WE,TH,FR,SA,SU");
    assert_eq!(always["schedules"][0]["description"], "Døgnåpent");
    let day = by_name("Dagtid");
    assert_eq!(day["schedules"][1]["byday"], "SA");
    assert_eq!(day["schedules"][0]["notes"], "Stengt på helligdager");
    let always_page =
        fs::read_to_string(out.path().join("tjenester/dognapent/index.html")).unwrap();
    assert!(
        always_page
            .contains("\"@type\": \"OpeningHoursSpecification\",\n      \"closes\": \"23:59\""),
        "{always_page}"
    );
    // Words alone carry no badge.
    let (dir, r) = good_site();
    assert_eq!(r.code, 0);
    let old = read(dir.path(), "tjenester/gammel/index.html");
    assert!(
        !old.contains("data-open-now") && !old.contains("open-now.js"),
        "{old}"
    );
}

#[test]
fn an_area_or_category_combines_with_no_referral_and_free_on_real_pages() {
    let (dir, r) = good_site();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Familiesenteret (Kristiansand, no referral, free) and the old service (whole country,
    // referral required, cost unknown).
    let kristiansand = read(dir.path(), "tjenester/omrade/kristiansand/index.html");
    for want in [
        r#"<span aria-current="page">Alle</span> (2)"#,
        r#"<a href="/tjenester/omrade/kristiansand/uten-henvisning/">Uten henvisning</a> (1)"#,
        r#"<a href="/tjenester/omrade/kristiansand/gratis/">Gratis</a> (1)"#,
        r#"<a href="/tjenester/omrade/kristiansand/uten-henvisning/gratis/">Uten henvisning og gratis</a> (1)"#,
    ] {
        assert!(kristiansand.contains(want), "wanted {want}\n{kristiansand}");
    }
    let both = read(
        dir.path(),
        "tjenester/omrade/kristiansand/uten-henvisning/gratis/index.html",
    );
    assert!(
        both.contains("<h1>Tjenester: Kristiansand, uten henvisning og gratis</h1>"),
        "{both}"
    );
    assert!(
        both.contains("Viser 1 av 2 tjenester.") && both.contains("Familiesenteret i Kristiansand")
    );
    assert!(!both.contains("Gammel tjeneste"));
    // The page without referral is also free in one step; a narrowing that lists nothing
    // is not made (the old service is in no category page "helse, gratis").
    assert!(dir
        .path()
        .join("public/tjenester/uten-henvisning/gratis/index.html")
        .is_file());
    assert!(dir
        .path()
        .join("public/tjenester/kategori/kurs/gratis/index.html")
        .is_file());
    assert!(!dir
        .path()
        .join("public/tjenester/malgruppe/gravide/gratis")
        .exists());
    // The bound: at most 3 × (areas + categories) + 1 narrowed pages.
    let narrowed = walkdir::WalkDir::new(dir.path().join("public/tjenester"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .filter(|e| {
            let p = e.path().to_string_lossy().to_string();
            (p.contains("/omrade/") || p.contains("/kategori/") || p.contains("/uten-henvisning/"))
                && (p.ends_with("uten-henvisning/index.html") || p.ends_with("gratis/index.html"))
                && !p.ends_with("tjenester/uten-henvisning/index.html")
        })
        .count();
    let areas = 2; // Kristiansand, and Agder (a declared region)
    let categories = 2;
    assert!(
        narrowed > 0 && narrowed <= 3 * (areas + categories) + 1,
        "{narrowed}"
    );
}
