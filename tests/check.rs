//! `varde check`: each editor check finds its defect in a fixture made for it, in the same
//! diagnostics format as the build, as text and as JSON.

mod common;
use common::*;

use serde_json::Value;

fn check(files: &[(&str, &str)], extra: &[&str]) -> (Run, tempfile::TempDir) {
    let dir = site(files);
    let mut cmd = varde();
    cmd.env("SOURCE_DATE_EPOCH", "1780272000")
        .arg("check")
        .arg("--root")
        .arg(dir.path())
        .args(extra);
    (run(&mut cmd), dir)
}

const HOME: &str = "---\ntitle: Hjem\ndescription: Forsiden.\n---\n";

#[test]
fn image_without_alt_text_is_an_error() {
    let (r, dir) = check(
        &[
            ("content/_index.md", HOME),
            (
                "content/a.md",
                "---\ntitle: A\ndescription: x\n---\nTekst.\n\n![](bilde.png)\n",
            ),
        ],
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error: content/a.md:7:1: image without alt text"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("public").exists(), "check writes nothing");
}

#[test]
fn empty_link_text_is_an_error_but_an_image_link_with_alt_is_fine() {
    let (r, _) = check(&[("content/_index.md", HOME), ("content/a.md", "---\ntitle: A\ndescription: x\n---\nSe [](https://example.org/).\n\n[![Logo for kurset](logo.png)](https://example.org/)\n")], &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("content/a.md:5:4: link without text"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stderr.matches("link without text").count(),
        1,
        "{}",
        r.stderr
    );
}

#[test]
fn warnings_only_exit_zero() {
    let (r, _) = check(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\n---\n## To\n\n#### Fire\n\nLes [her](b.md) og [klikk her](b.md).\n\n# En ekstra tittel\n"),
            ("content/b.md", "---\ntitle: B\ndescription: x\n---\nDette er en setning med altfor mange ord i seg fordi forfatteren glemte å sette punktum mellom tankene sine og bare fortsatte og fortsatte videre uten pause.\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = &r.stderr;
    assert!(
        e.contains("warning: content/a.md:1:1: the page has no description"),
        "{e}"
    );
    assert!(
        e.contains("content/a.md:6:1: heading level skipped: level 4 after level 2"),
        "{e}"
    );
    assert!(e.contains("use ### here"), "{e}");
    assert!(
        e.contains("content/a.md:8:5: vague link text \"her\""),
        "{e}"
    );
    assert!(e.contains("vague link text \"klikk her\""), "{e}");
    assert!(
        e.contains("content/a.md:10:1: a level-1 heading in the text"),
        "{e}"
    );
    assert!(
        e.contains("content/b.md:5:1: a long sentence (27 words)"),
        "{e}"
    );
    assert!(!e.contains("error:"), "{e}");
}

#[test]
fn lix_is_scored_with_a_configurable_limit_and_summarised() {
    let long_words = "Helsepersonell koordinerer behandlingsopplegget. ".repeat(20);
    let easy = "Vi går ut. Vi ser en hund. Den er fin. ".repeat(10);
    let files = [
        ("content/_index.md", HOME),
        (
            "content/tung.md",
            &*format!("---\ntitle: Tung\ndescription: x\n---\n{long_words}\n"),
        ),
        (
            "content/lett.md",
            &*format!("---\ntitle: Lett\ndescription: x\n---\n{easy}\n"),
        ),
    ];
    let (r, _) = check(&files, &[]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("content/tung.md:1:1: LIX 103 is above 45"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("content/lett.md:1:1: LIX"),
        "{}",
        r.stderr
    );
    let table = &r.stdout;
    assert!(table.starts_with("LIX   words  page"), "{table}");
    let tung = table.find("content/tung.md").unwrap();
    let lett = table.find("content/lett.md").unwrap();
    assert!(tung < lett, "hardest first:\n{table}");
    assert!(table.contains("(above the limit)"));

    let mut with_limit = files.to_vec();
    with_limit.push(("site.yaml", "check:\n  lix_max: 2\n"));
    let (r, _) = check(&with_limit, &[]);
    assert!(
        r.stderr.contains("content/lett.md:1:1: LIX 3 is above 2"),
        "{}",
        r.stderr
    );
}

#[test]
fn stale_services_are_listed() {
    let (r, _) = check(
        &[
            ("site.yaml", "directory:\n  categories: [{id: helse, label: Helse}]\n"),
            ("content/_index.md", HOME),
            ("content/tj/_index.md", "---\ntitle: Tjenester\ndescription: x\ndirectory: true\n---\n"),
            ("content/tj/a.md", "---\ntitle: A\norganisation: O\nsummary: S.\ncategories: [helse]\nservice_area: [Oslo]\nlast_reviewed: 2025-01-01\n---\n"),
            ("content/tj/b.md", "---\ntitle: B\norganisation: O\nsummary: S.\ncategories: [helse]\nservice_area: [Oslo]\nlast_reviewed: 2026-05-01\n---\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("content/tj/a.md:7:1: last checked 2025-01-01, more than 12 months ago"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("content/tj/b.md"), "{}", r.stderr);
}

#[test]
fn json_format() {
    let (r, _) = check(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\n---\n![](/x.png)\n"),
            ("static/x.png", "png"),
        ],
        &["--format", "json"],
    );
    assert_eq!(r.code, 1);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    assert_eq!(v["errors"], 1);
    assert_eq!(v["warnings"], 1);
    let d = v["diagnostics"].as_array().unwrap();
    let img = d
        .iter()
        .find(|d| d["message"] == "image without alt text")
        .unwrap();
    assert_eq!(img["file"], "content/a.md");
    assert_eq!(img["line"], 4);
    assert_eq!(img["severity"], "error");
    assert!(img["hint"]
        .as_str()
        .unwrap()
        .contains("describe what the image shows"));
}

#[test]
fn build_errors_are_check_errors_too() {
    let (r, _) = check(
        &[
            ("content/_index.md", HOME),
            ("content/a.md", "---\ntitle: A\ndate: 2019-02-30\n---\n"),
        ],
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("content/a.md:3:7: no such date 2019-02-30"),
        "{}",
        r.stderr
    );
}

#[test]
fn example_site_is_clean_but_for_the_honestly_stale_smil_entry() {
    let mut cmd = varde();
    cmd.arg("check")
        .arg("--root")
        .arg(repo())
        .args(["--format", "json"]);
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"], 0);
    let d = v["diagnostics"].as_array().unwrap();
    // SMIL's facts come from January 2019; the entry says so rather than pretend otherwise.
    assert!(
        d.iter()
            .all(|d| d["file"] == "content/tjenester/smil-kurset.md"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("last checked 2019-01-15")),
        "{d:#?}"
    );
    for row in v["lix"].as_array().unwrap() {
        assert!(row["lix"].as_f64().unwrap() <= 45.0, "{row}");
    }
}

#[test]
fn services_are_listed_by_last_review_with_who_is_responsible() {
    let service = |title: &str, reviewed: &str, by: &str| {
        format!("---\ntitle: {title}\norganisation: O\nsummary: S.\ncategories: [a]\nservice_area: [Oslo]\nlast_reviewed: {reviewed}\n{by}---\n")
    };
    let (b, c, a) = (
        service(
            "Bydelen",
            "2026-03-01",
            "reviewed_by: Kari, bydelskontoret\n",
        ),
        service("Senteret", "2024-05-31", ""),
        service("Ambulatoriet", "2026-03-01", "reviewed_by: \"=SUM(A1)\"\n"),
    );
    let out = tempfile::tempdir().unwrap();
    let csv_path = out.path().join("kontroll.csv");
    let csv_arg = csv_path.to_str().unwrap();
    let (r, dir) = check(
        &[
            ("site.yaml", "title: S\ndirectory:\n  review_max_age_months: 12\n  categories:\n    - id: a\n      label: A\n"),
            ("content/_index.md", HOME),
            ("content/tjenester/_index.md", "---\ntitle: Tjenester\ndescription: d\ndirectory: true\n---\n"),
            ("content/tjenester/b.md", &b),
            ("content/tjenester/c.md", &c),
            ("content/tjenester/a.md", &a),
        ],
        &["--review-csv", csv_arg],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Oldest first; on one day, by title. 2026-06-01 is the build day.
    let table: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("last checked"))
        .collect();
    assert_eq!(
        table[1..4],
        [
            "2024-05-31   731  (nobody named)        content/tjenester/c.md (out of date)",
            "2026-03-01    92  =SUM(A1)              content/tjenester/a.md",
            "2026-03-01    92  Kari, bydelskontoret  content/tjenester/b.md",
        ],
        "{}",
        r.stdout
    );
    assert!(
        table[4].starts_with("3 services, 1 out of date"),
        "{}",
        r.stdout
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(
        csv,
        "\u{feff}sist_kontrollert,dager_siden,ansvarlig,utdatert,navn,fil\r\n\
         \"2024-05-31\",731,\"\",ja,\"Senteret\",\"content/tjenester/c.md\"\r\n\
         \"2026-03-01\",92,\"'=SUM(A1)\",nei,\"Ambulatoriet\",\"content/tjenester/a.md\"\r\n\
         \"2026-03-01\",92,\"Kari, bydelskontoret\",nei,\"Bydelen\",\"content/tjenester/b.md\"\r\n"
    );
    // The JSON report carries the same list.
    let mut cmd = varde();
    cmd.env("SOURCE_DATE_EPOCH", "1780272000")
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path());
    let json: Value = serde_json::from_str(&run(&mut cmd).stdout).unwrap();
    let list = json["services_by_review"].as_array().unwrap();
    assert_eq!(list[0]["title"], "Senteret");
    assert_eq!(list[0]["stale"], true);
    assert_eq!(list[2]["reviewed_by"], "Kari, bydelskontoret");
}

#[test]
fn lix_is_given_only_for_scandinavian_text() {
    let long = "Dette er en setning med mange ord som gjentas for å gi nok tekst. ".repeat(8);
    let en = "This is a sentence with several words repeated to give enough text. ".repeat(8);
    let (r, _) = check(
        &[
            ("content/_index.md", HOME),
            (
                "content/norsk.md",
                &format!("---\ntitle: Norsk\ndescription: d\n---\n{long}\n"),
            ),
            (
                "content/engelsk.md",
                &format!("---\ntitle: English\ndescription: d\nlang: en\n---\n{en}\n"),
            ),
        ],
        &["--format", "json"],
    );
    let json: Value = serde_json::from_str(&r.stdout).unwrap();
    let files: Vec<&str> = json["lix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["content/norsk.md"], "{}", r.stdout);
    assert_eq!(json["lix_skipped"], 1);
    let (r, _) = check(
        &[
            ("content/_index.md", HOME),
            (
                "content/engelsk.md",
                &format!("---\ntitle: English\ndescription: d\nlang: en\n---\n{en}\n"),
            ),
        ],
        &[],
    );
    assert!(
        r.stdout
            .contains("LIX is not given for 1 page in other languages"),
        "{}",
        r.stdout
    );
}
