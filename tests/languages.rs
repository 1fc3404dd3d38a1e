//! A site in several languages, written the way Zola and Hugo write one: `side.en.md` beside
//! `side.md`, `_index.en.md`, `index.en.md` in a bundle, and `languages:` in site.yaml.

mod common;
use common::*;

const SITE_YAML: &str = "title: Nettsted\nbase_url: https://example.org/\nlanguage: nb\nlanguages:\n  nb: Norsk bokmål\n  en:\n    name: English\n    title: Website\n    menu:\n      - title: News\n        url: /en/nytt/\n    taxonomies:\n      tags: Topics\n  ar: العربية\n";

fn four_pages() -> tempfile::TempDir {
    site(&[
        ("site.yaml", SITE_YAML),
        ("content/_index.md", "---\ntitle: Hjem\n---\nVelkommen.\n"),
        ("content/_index.en.md", "---\ntitle: Home\n---\nWelcome. Read [the news](nytt/_index.md).\n"),
        ("content/_index.ar.md", "---\ntitle: الرئيسية\n---\nمرحبا.\n"),
        ("content/nytt/_index.md", "---\ntitle: Nytt\nfeed: true\n---\n"),
        ("content/nytt/_index.en.md", "---\ntitle: News\nfeed: true\n---\n"),
        ("content/nytt/_index.ar.md", "---\ntitle: أخبار\n---\n"),
        (
            "content/nytt/hei.md",
            "---\ntitle: Hei\ndate: 2026-03-01\nupdated: 2026-05-01\ntags: [Helse]\n---\nSe [den andre](andre.md).\n",
        ),
        (
            "content/nytt/hei.en.md",
            "---\ntitle: Hello\nslug: hello\ndate: 2026-03-01\nupdated: 2026-04-01\ntags: [Health]\n---\nSee [the other](andre.md) and [the only one](bare-norsk.md).\n",
        ),
        ("content/nytt/hei.ar.md", "---\ntitle: مرحبا\ndate: 2026-03-01\ntags: [صحة]\n---\nنص.\n"),
        ("content/nytt/andre.md", "---\ntitle: Andre\n---\nTekst.\n"),
        ("content/nytt/andre.en.md", "---\ntitle: Other\n---\nText.\n"),
        ("content/nytt/bare-norsk.md", "---\ntitle: Bare norsk\n---\nTekst.\n"),
        ("content/bunt/index.md", "---\ntitle: Bunt\n---\nTekst.\n"),
        ("content/bunt/index.en.md", "---\ntitle: Bundle\n---\nText.\n"),
    ])
}

fn read(out: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn each_language_gets_its_pages_under_its_code_with_a_switcher() {
    let dir = four_pages();
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // (site path, <html> start, a word of the theme in that language)
    let table = [
        (
            "index.html",
            "<html lang=\"nb\" dir=\"ltr\">",
            "Hopp til innholdet",
        ),
        (
            "en/index.html",
            "<html lang=\"en\" dir=\"ltr\">",
            "Skip to content",
        ),
        (
            "ar/index.html",
            "<html lang=\"ar\" dir=\"rtl\">",
            "انتقل إلى المحتوى",
        ),
        ("nytt/hei/index.html", "<html lang=\"nb\"", "Publisert"),
        ("en/nytt/hello/index.html", "<html lang=\"en\"", "Published"),
        (
            "ar/nytt/hei/index.html",
            "<html lang=\"ar\" dir=\"rtl\">",
            "نُشرت",
        ),
        ("bunt/index.html", "<html lang=\"nb\"", "Bunt"),
        ("en/bunt/index.html", "<html lang=\"en\"", "Bundle"),
    ];
    for (path, html, word) in table {
        let page = read(&out, path);
        assert!(page.contains(html), "{path}: {html}\n{page}");
        assert!(page.contains(word), "{path}: {word}\n{page}");
    }
    // Dates in the page's language.
    let en = read(&out, "en/nytt/hello/index.html");
    assert!(en.contains(">1 March 2026</time>"), "{en}");
    assert!(read(&out, "nytt/hei/index.html").contains(">1. mars 2026</time>"));
    // The switcher names each language in itself, with lang and hreflang, and marks this one.
    for (code, url, name) in [
        ("nb", "/nytt/hei/", "Norsk bokmål"),
        ("en", "/en/nytt/hello/", "English"),
        ("ar", "/ar/nytt/hei/", "العربية"),
    ] {
        let link = format!("<a href=\"{url}\" lang=\"{code}\" hreflang=\"{code}\"");
        assert!(en.contains(&link), "{link}\n{en}");
        assert!(en.contains(&format!(">{name}</a>")), "{name}");
        let alt = format!(
            "<link rel=\"alternate\" hreflang=\"{code}\" href=\"https://example.org{url}\">"
        );
        assert!(en.contains(&alt), "{alt}\n{en}");
    }
    assert!(en.contains("hreflang=\"x-default\" href=\"https://example.org/nytt/hei/\""));
    assert!(
        en.contains("dir=\"ltr\" aria-current=\"page\">English</a>"),
        "{en}"
    );
    // `.md` links lead to the same language's translation when there is one.
    assert!(en.contains("href=\"/en/nytt/andre/\""), "{en}");
    assert!(en.contains("href=\"/nytt/bare-norsk/\""), "{en}");
    assert!(read(&out, "en/index.html").contains("href=\"/en/nytt/\""));
    // A page with no translation has no switcher.
    assert!(!read(&out, "nytt/bare-norsk/index.html").contains("class=\"languages\""));
    // Listings, feeds and taxonomies per language.
    let news = read(&out, "en/nytt/index.html");
    assert!(
        news.contains("/en/nytt/hello/") && !news.contains("/nytt/hei/\""),
        "{news}"
    );
    let feed = read(&out, "en/nytt/atom.xml");
    assert!(feed.contains("Hello") && !feed.contains(">Hei<"), "{feed}");
    let topics = read(&out, "en/emner/index.html");
    assert!(
        topics.contains("Topics") && topics.contains("/en/emner/health/"),
        "{topics}"
    );
    assert!(!topics.contains("Helse"), "{topics}");
    assert!(read(&out, "emner/helse/index.html").contains("/nytt/hei/"));
    // Without a title of its own in site.yaml, a language's `tags` take the theme's word.
    assert!(read(&out, "ar/emner/index.html").contains("<h1>مواضيع</h1>"));
    // Without `list_untranslated`, a language's list names only its own pages.
    assert!(!news.contains("Bare norsk"), "{news}");
    // The menu and title of each language.
    let home = read(&out, "en/index.html");
    assert!(home.contains("<title>Website</title>"), "{home}");
    assert!(home.contains("href=\"/en/nytt/\">News</a>"), "{home}");
}

#[test]
fn the_sitemap_lists_every_version_of_a_page_on_each_of_them() {
    let dir = four_pages();
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    // Each <url>: its loc and its alternates. Google's rule: every version lists every
    // version, itself included, so the sets are the same on each.
    let mut sets: std::collections::HashMap<String, Vec<String>> = Default::default();
    for entry in sitemap.split("<url>").skip(1) {
        let loc = entry
            .split("<loc>")
            .nth(1)
            .unwrap()
            .split("</loc>")
            .next()
            .unwrap();
        let mut alts: Vec<String> = entry
            .split("href=\"")
            .skip(1)
            .map(|a| a.split('"').next().unwrap().to_string())
            .collect();
        alts.sort();
        sets.insert(loc.to_string(), alts);
    }
    let hei = &sets["https://example.org/nytt/hei/"];
    assert_eq!(
        hei,
        &[
            "https://example.org/ar/nytt/hei/",
            "https://example.org/en/nytt/hello/",
            "https://example.org/nytt/hei/",
        ]
    );
    let mut checked = 0;
    for (loc, alts) in &sets {
        if alts.is_empty() {
            continue;
        }
        assert!(alts.contains(loc), "{loc} is not among its own alternates");
        for a in alts {
            assert_eq!(&sets[a], alts, "{a} and {loc} disagree");
            checked += 1;
        }
    }
    assert!(checked > 10, "{sitemap}");
    assert!(sets["https://example.org/nytt/bare-norsk/"].is_empty());
}

#[test]
fn a_language_the_site_does_not_list_is_an_error_naming_the_list() {
    let table: &[(&str, &str, &str, bool)] = &[
        // (file, site.yaml, what the error says, builds)
        (
            "content/side.de.md",
            SITE_YAML,
            "`de`, which is not a language of the site (nb, en, ar)",
            false,
        ),
        (
            "content/side.en.md",
            "title: x\n",
            "`en`, which is not a language of the site (nb)",
            false,
        ),
        (
            "content/_index.sv.md",
            SITE_YAML,
            "`sv`, which is not a language of the site",
            false,
        ),
        // Not a language: a dot in a version number, a long word.
        ("content/versjon-1.2.md", SITE_YAML, "", true),
        ("content/notat.utkast.md", SITE_YAML, "", true),
    ];
    for (file, yaml, says, builds) in table {
        let dir = site(&[
            ("site.yaml", yaml),
            ("content/_index.md", "---\ntitle: Hjem\n---\n"),
            (file, "---\ntitle: Side\n---\nTekst.\n"),
        ]);
        let out = dir.path().join("public");
        let r = build(dir.path(), &out, &["--no-search"]);
        assert_eq!(r.code == 0, *builds, "{file}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{file}: {}", r.stderr);
        if !builds {
            assert!(r.stderr.contains(&format!("error: {file}")), "{}", r.stderr);
            assert!(r.stderr.contains("add `"), "{}", r.stderr);
        }
    }
}

#[test]
fn check_names_missing_words_and_translations_older_than_their_original() {
    let dir = four_pages();
    // Somali has no catalogue in the theme; the site gives two of its words.
    let yaml = SITE_YAML.replace("  ar: العربية\n", "  ar: العربية\n  so: Soomaali\n");
    write(dir.path(), "site.yaml", yaml.as_bytes());
    write(
        dir.path(),
        "i18n/so.yaml",
        "search: Raadi\nskip_link: U gudub\n".as_bytes(),
    );
    write(
        dir.path(),
        "content/_index.so.md",
        "---\ntitle: Hoyga\n---\nSoo dhawoow.\n".as_bytes(),
    );
    let r = run(varde().args(["check", "--root"]).arg(dir.path()));
    assert!(
        r.stderr
            .contains("warning: i18n/so.yaml: the theme has no `so` word for"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("i18n/en.yaml"), "{}", r.stderr);
    // hei.en.md was updated 2026-04-01, its original 2026-05-01; hei.ar.md has only a date.
    assert!(
        r.stderr.contains("warning: content/nytt/hei.en.md:5:1: this translation is older than its original: content/nytt/hei.md was updated 2026-05-01, this page 2026-04-01"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("content/nytt/hei.ar.md:3:1: this translation is older than its original: content/nytt/hei.md was updated 2026-05-01, this page 2026-03-01"),
        "{}",
        r.stderr
    );
    // The site's words go over the theme's; the rest fall back to bokmål.
    let out = dir.path().join("public");
    let b = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let so = read(&out, "so/index.html");
    assert!(
        so.contains(">U gudub</a>") && so.contains("Søk på nettstedet"),
        "{so}"
    );
}

#[test]
fn search_has_an_index_and_a_page_per_language() {
    let dir = four_pages();
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let entry: serde_json::Value =
        serde_json::from_str(&read(&out, "pagefind/entry.json")).unwrap();
    let langs = entry["languages"].as_object().unwrap();
    let pages = |l: &str| langs[l]["pages"].as_u64().unwrap();
    // Pages, not sections: hei, andre, bare-norsk, bunt; hello, other, bundle; the Arabic hei.
    assert_eq!(
        (pages("nb"), pages("en"), pages("ar")),
        (4, 3, 1),
        "{entry}"
    );
    // Each search page is in its language, and its A-Z list names only its own pages.
    let en = read(&out, "en/sok/index.html");
    assert!(en.contains("<html lang=\"en\"") && en.contains("What are you looking for?"));
    assert!(
        en.contains(">Hello</a>") && !en.contains(">Hei</a>"),
        "{en}"
    );
    assert!(en.contains("action=\"/en/sok/\""), "{en}");
    let nb = read(&out, "sok/index.html");
    assert!(
        nb.contains(">Hei</a>") && !nb.contains(">Hello</a>"),
        "{nb}"
    );
}

#[test]
fn what_cannot_be_a_translation_is_one_clear_error() {
    let service = "---\ntitle: Tjeneste\norganisation: X\nsummary: Y\ncategories: [kurs]\nservice_area: [Oslo]\nlast_reviewed: 2026-11-01\n---\n";
    let yaml = format!("{SITE_YAML}directory:\n  categories:\n    - {{ id: kurs, label: Kurs }}\n");
    // (extra files, what the error says)
    let table: &[(&[(&str, &str)], &str)] = &[
        // The directory is in the default language only.
        (
            &[
                ("content/tjenester/_index.md", "---\ntitle: Tjenester\ndirectory: true\n---\n"),
                ("content/tjenester/en.md", service),
                ("content/tjenester/en.en.md", "---\ntitle: Service\n---\nText.\n"),
            ],
            "error: content/tjenester/en.en.md: a service in `en`: the service directory is in the site's default language only",
        ),
        // A folder named like a language takes that language's home.
        (
            &[("content/en/_index.md", "---\ntitle: En mappe\n---\n")],
            "two sources claim the URL /en/",
        ),
    ];
    for (files, says) in table {
        let mut all: Vec<(&str, &str)> = vec![
            ("site.yaml", yaml.as_str()),
            ("content/_index.md", "---\ntitle: Hjem\n---\n"),
            ("content/_index.en.md", "---\ntitle: Home\n---\n"),
        ];
        all.extend(files.iter().copied());
        let dir = site(&all);
        let r = build(dir.path(), &dir.path().join("public"), &["--no-search"]);
        assert_eq!(r.code, 1, "{says}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn a_language_can_list_what_is_only_in_the_default_language() {
    let dir = four_pages();
    let yaml = SITE_YAML.replace(
        "    title: Website\n",
        "    title: Website\n    list_untranslated: true\n",
    );
    write(dir.path(), "site.yaml", yaml.as_bytes());
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let news = read(&out, "en/nytt/index.html");
    // hei and andre are in English; bare-norsk is not, and is named in its own language.
    assert!(news.contains("<h2>Only in Norsk bokmål</h2>"), "{news}");
    assert!(
        news.contains(
            "<a href=\"/nytt/bare-norsk/\" lang=\"nb\" hreflang=\"nb\" dir=\"ltr\">Bare norsk</a>"
        ),
        "{news}"
    );
    assert_eq!(
        news.matches("lang=\"nb\" hreflang").count() - 1,
        1,
        "only bare-norsk (and the switcher):\n{news}"
    );
    // Arabic did not opt in.
    assert!(!read(&out, "ar/nytt/index.html").contains("Bare norsk"));
}

#[test]
fn a_directory_is_listed_in_every_language_of_its_section() {
    let yaml = format!(
        "{SITE_YAML}directory:\n  categories:\n    - id: kurs\n      label: {{ nb: Kurs, en: Courses }}\n    - id: helse\n      label: Helsehjelp\n"
    );
    let service = |title: &str, cat: &str| {
        format!("---\ntitle: {title}\norganisation: Org\nsummary: Et tilbud.\ncategories: [{cat}]\nservice_area: [Oslo]\nlast_reviewed: 2026-11-01\nreferral:\n  required: false\ncost:\n  free: true\n---\n")
    };
    let (a, b) = (service("Alfa", "kurs"), service("Beta", "helse"));
    let dir = site(&[
        ("site.yaml", yaml.as_str()),
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ("content/_index.en.md", "---\ntitle: Home\n---\n"),
        (
            "content/tjenester/_index.md",
            "---\ntitle: Tjenester\ndirectory: true\n---\n",
        ),
        (
            "content/tjenester/_index.en.md",
            "---\ntitle: Services\n---\nIn Norwegian.\n",
        ),
        ("content/tjenester/alfa.md", a.as_str()),
        ("content/tjenester/beta.md", b.as_str()),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &["--no-search"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let en = read(&out, "en/tjenester/index.html");
    // The same services, in English words, with their Norwegian text marked as such.
    assert!(en.contains("<html lang=\"en\""), "{en}");
    assert!(
        en.contains("<a href=\"/tjenester/alfa/\" lang=\"nb\" hreflang=\"nb\">Alfa</a>"),
        "{en}"
    );
    assert!(en.contains("<p lang=\"nb\">Et tilbud.</p>"), "{en}");
    assert!(
        en.contains(">Courses</a> (1)"),
        "a category in English:\n{en}"
    );
    assert!(
        en.contains(">Helsehjelp</a> (1)"),
        "no English label: the default's\n{en}"
    );
    assert!(en.contains("No referral needed</li>"), "{en}");
    assert!(en.contains("Showing 2 of 2 services."), "{en}");
    // Filter pages under the language's own address, linked to their Norwegian version.
    let kurs = read(&out, "en/tjenester/kategori/kurs/index.html");
    assert!(kurs.contains("<h1>Services: Courses</h1>"), "{kurs}");
    assert!(
        kurs.contains("hreflang=\"nb\" href=\"https://example.org/tjenester/kategori/kurs/\""),
        "{kurs}"
    );
    assert!(read(&out, "en/tjenester/gratis/index.html").contains("Alfa"));
    // The open data is written once, by the default language's directory, and linked.
    assert!(out.join("tjenester/tjenester.csv").is_file());
    assert!(!out.join("en/tjenester/tjenester.csv").exists());
    assert!(en.contains("href=\"/tjenester/tjenester.csv\""), "{en}");
    // The Norwegian directory is as before.
    let nb = read(&out, "tjenester/index.html");
    assert!(
        nb.contains(">Kurs</a> (1)") && nb.contains("Viser 2 av 2 tjenester."),
        "{nb}"
    );
    assert!(!nb.contains("lang=\"nb\" hreflang=\"nb\">Alfa"), "{nb}");
}

#[test]
fn a_language_setting_that_cannot_be_used_is_an_error_at_its_line() {
    let label = format!(
        "{SITE_YAML}directory:\n  categories:\n    - id: kurs\n      label: {{ en: Courses }}\n"
    );
    // (site.yaml, what the errors say)
    let table: &[(&str, &[&str])] = &[
        (
            "languages:\n  nb: Norsk\n  EN: English\n  english: English\n",
            &[
                "site.yaml:3:3: `EN` is not a usable language code: write `en`",
                "site.yaml:4:3: `english` is not a usable language code",
            ],
        ),
        (
            &label,
            &[
                "the label is missing in the site's default language",
                "give it as `nb: ...`",
            ],
        ),
    ];
    for (yaml, says) in table {
        let dir = site(&[
            ("site.yaml", yaml),
            ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        ]);
        let r = build(dir.path(), &dir.path().join("public"), &["--no-search"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        for s in *says {
            assert!(r.stderr.contains(s), "{s}\n{}", r.stderr);
        }
    }
}
