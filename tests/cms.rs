//! `cms:` in site.yaml: a web editor for office staff at `/admin/`, configured from varde's
//! own fields, and nowhere else on the site.

mod common;
use common::*;

use serde_json::Value;

const SITE: &str = "title: Med redaktør\nbase_url: https://example.org/\ncms:\n  name: sveltia\n  backend: github\n  repo: kommunen/nettsted\ndirectory:\n  categories:\n    - {id: kurs, label: Kurs}\n    - {id: helse, label: Helsehjelp}\n  audience:\n    - {id: gravide, label: Gravide}\n";

#[test]
fn the_editor_lists_every_service_field_with_its_widget_and_required_flag() {
    let dir = site(&[
        ("site.yaml", SITE),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/nas/_index.md", "---\ntitle: NAS\n---\n"),
        ("content/nas/a.md", "---\ntitle: A\n---\nTekst.\n"),
        (
            "content/tjenester/_index.md",
            "---\ntitle: Tjenester\ndirectory: true\n---\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let admin = std::fs::read_to_string(out.join("admin/index.html")).unwrap();
    assert!(
        admin.contains(r#"<script src="/admin/sveltia-cms.js"></script>"#),
        "{admin}"
    );
    assert!(admin.contains(r#"href="/admin/config.yml""#) && admin.contains("noindex"));
    assert_eq!(
        std::fs::read(out.join("admin/sveltia-cms.js")).unwrap(),
        std::fs::read(repo().join("vendor/sveltia-cms/sveltia-cms.js")).unwrap(),
        "the vendored editor, from this site, not from another"
    );

    // JSON is YAML too: the configuration as the editor reads it.
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("admin/config.yml")).unwrap())
            .unwrap();
    assert_eq!(config["backend"]["name"], "github");
    assert_eq!(config["backend"]["repo"], "kommunen/nettsted");
    let collection = |folder: &str| {
        config["collections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["folder"] == folder)
            .unwrap_or_else(|| panic!("no collection for {folder}"))
            .clone()
    };
    let services = collection("content/tjenester");
    let fields = services["fields"].as_array().unwrap();
    let by_name = |n: &str| fields.iter().find(|f| f["name"] == n).cloned();
    // Every service field, with the widget and the required flag the build enforces.
    // (field, widget, required)
    let table: &[(&str, &str, bool)] = &[
        ("title", "string", true),
        ("organisation", "string", true),
        ("summary", "text", true),
        ("categories", "select", true),
        ("audience", "select", false),
        ("service_area", "list", true),
        ("referral", "object", false),
        ("cost", "object", false),
        ("eligibility", "text", false),
        ("languages", "list", false),
        ("contact", "object", false),
        ("opening_hours", "object", false),
        ("how_to_apply", "text", false),
        ("last_reviewed", "datetime", true),
        ("reviewed_by", "string", false),
        ("body", "markdown", false),
    ];
    for name in varde::directory::SERVICE_FIELDS {
        assert!(
            table.iter().any(|(n, _, _)| n == name),
            "the table misses {name}"
        );
    }
    for (name, widget, required) in table {
        let f = by_name(name).unwrap_or_else(|| panic!("no field {name}"));
        assert_eq!(f["widget"], *widget, "{name}");
        assert_eq!(f["required"], *required, "{name}");
    }
    let categories = by_name("categories").unwrap();
    let options: Vec<&str> = categories["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["kurs", "helse"]);
    let referral = by_name("referral").unwrap();
    assert_eq!(referral["fields"][0]["name"], "required");
    assert_eq!(referral["fields"][0]["required"], true);
    // A section of pages gets the page fields.
    let nas = collection("content/nas");
    assert!(nas["fields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "tags"));

    // Nowhere else: not in the sitemap, robots keep out, no reader page loads the editor.
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/admin/"), "{sitemap}");
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Disallow: /admin/"), "{robots}");
    for (path, html) in html_files(&out) {
        if !path.starts_with("admin/") {
            assert!(!html.contains("sveltia"), "{path}");
        }
    }

    // Without `cms:` there is no /admin/ at all.
    write(dir.path(), "site.yaml", b"title: Uten\n");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.join("admin").exists());
    // A `cms:` without a repository says what it needs.
    write(dir.path(), "site.yaml", b"title: T\ncms: decap\n");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("the editor needs to know the site's repository"),
        "{}",
        r.stderr
    );
}
