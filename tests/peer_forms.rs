//! Small sites written the way Zola's, Hugo's and Jekyll's documentation writes them: TOML
//! front matter, the peers' field names, dated file names, layouts and permalinks. Each
//! builds with the pages expected, and what varde ignores is one warning per field name.

mod common;
use common::*;

fn read(out: &std::path::Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_zola_site_builds_from_toml_front_matter() {
    let dir = site(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Hjem\"\nsort_by = \"none\"\n+++\nSe [bloggen](@/blogg/_index.md) og [hei](@/blogg/2018-10-10-hei.md#starten).\n",
        ),
        (
            "content/blogg/_index.md",
            "+++\ntitle = \"Blogg\"\nsort_by = \"date\"\npaginate_by = 5\ngenerate_feeds = true\ntransparent = false\n+++\n",
        ),
        (
            "content/blogg/2018-10-10-hei.md",
            "+++\ntitle = \"Hei\"\ndescription = \"Det første innlegget\"\nauthors = [\"Ola\"]\n\n[taxonomies]\ntags = [\"rust\", \"web\"]\n\n[extra]\nnote = 1\n+++\n## Starten\n\nTekst.\n",
        ),
        (
            "content/blogg/andre.md",
            "+++\ntitle = \"Andre\"\ndate = 2019-01-02T10:00:00Z\npath = \"blogg/andre-innlegg\"\nauthors = [\"Kari\"]\n+++\nTekst.\n",
        ),
        (
            "content/blogg/tredje.md",
            "+++\ntitle = \"Tredje\"\ndate = 2019-02-03\nauthors = [\"Kari\"]\n+++\nTekst.\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The dated file name gives the slug and the date; `path` sets the whole path.
    let hei = read(&out, "blogg/hei/index.html");
    assert!(hei.contains("<time datetime=\"2018-10-10\">"), "{hei}");
    assert!(hei.contains("href=\"/emner/rust/\""), "{hei}");
    assert!(out.join("blogg/andre-innlegg/index.html").is_file());
    assert!(
        out.join("blogg/atom.xml").is_file(),
        "generate_feeds is feed"
    );
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"/blogg/\""), "{home}");
    assert!(home.contains("href=\"/blogg/hei/#starten\""), "{home}");
    // `authors` on three pages is one finding, with the other places on one line.
    assert_eq!(
        count(&r.stderr, "warning: content/blogg/"),
        2,
        "one for authors, one for transparent:\n{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("3 × warning: `authors` is another generator's field; varde has no use for it (ignored): 2 more at content/blogg/andre.md:5:1, content/blogg/tredje.md:4:1"),
        "{}",
        r.stderr
    );
    // `--all` shows each one.
    let r = build(dir.path(), &out, &["--all"]);
    assert_eq!(
        count(&r.stderr, "`authors` is another generator's field"),
        3
    );

    // TOML mistakes point at their line in the file, and so do field errors.
    let table: &[(&str, &str)] = &[
        (
            "+++\ntitle = \"X\"\ndate = 2019-13-01\n+++\n",
            "error: content/blogg/feil.md:3:8: invalid TOML",
        ),
        (
            "+++\ntitle = \"X\"\nweight = \"tung\"\n+++\n",
            "error: content/blogg/feil.md:3:",
        ),
        (
            "+++\ntitle = \"X\"\n",
            "the front matter opened on line 1 is never closed",
        ),
    ];
    for (text, says) in table {
        write(dir.path(), "content/blogg/feil.md", text.as_bytes());
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(says), "wanted: {says}\n{}", r.stderr);
    }
}

#[test]
fn a_jekyll_site_keeps_its_post_paths_and_layouts() {
    let dir = site(&[
        (
            "site.yaml",
            "title: J\nbase_url: https://example.org/\npermalinks:\n  posts: /:categories/:year/:month/:day/:title:output_ext\n",
        ),
        ("content/_index.md", "---\nlayout: home\ntitle: Hjem\n---\n"),
        ("content/posts/_index.md", "---\ntitle: Innlegg\n---\n"),
        (
            "content/posts/2015-11-17-welcome-to-jekyll.markdown",
            "---\nlayout: post\ntitle:  \"Welcome to Jekyll!\"\ndate:   2015-11-17 16:16:01 -0600\ncategories: [jekyll, update]\nexcerpt: Kort om Jekyll\nredirect_from: [/gammel/]\n---\nHei.\n",
        ),
        (
            "content/posts/2016-02-01-uten-kategori.md",
            "---\nlayout: post\ntitle: Uten kategori\n---\nHei.\n",
        ),
        (
            "content/posts/2016-03-01-utkast.md",
            "---\nlayout: post\ntitle: Utkast\npublished: false\n---\nHei.\n",
        ),
        ("content/om.md", "---\nlayout: page\ntitle: Om\n---\nOm oss.\n"),
        ("content/_posts/2014-01-01-old.md", "---\ntitle: Gammel\n---\n"),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let welcome = read(&out, "jekyll/update/2015/11/17/welcome-to-jekyll.html");
    assert!(welcome.contains("content=\"Kort om Jekyll\""), "{welcome}");
    assert!(
        welcome.contains("href=\"/kategorier/jekyll/\""),
        "{welcome}"
    );
    // No categories: no empty folder in the path; the date comes from the file name.
    assert!(out.join("2016/02/01/uten-kategori.html").is_file());
    assert!(!out.join("2016/03/01/utkast.html").exists());
    assert!(out.join("gammel/index.html").is_file());
    assert!(out.join("om/index.html").is_file());
    // `layout: page` is the theme's page.html: no word. `post` and `home` have no template:
    // one warning per layout name, however many pages.
    assert!(!r.stderr.contains("layout: page"), "{}", r.stderr);
    assert_eq!(
        count(&r.stderr, "there is no template for `layout: post`"),
        2,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("2 × warning: there is no template for `layout: post`, so the page uses page.html: 1 more at"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("there is no template for `layout: home`, so the page uses index.html"),
        "{}",
        r.stderr
    );

    // With templates/post.html the layout is used.
    write(
        dir.path(),
        "templates/post.html",
        b"{% extends \"page.html\" %}{% block title %}INNLEGG {{ page.title }}{% endblock title %}",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("layout: post"), "{}", r.stderr);
    let welcome = read(&out, "jekyll/update/2015/11/17/welcome-to-jekyll.html");
    assert!(
        welcome.contains("<title>INNLEGG Welcome to Jekyll!"),
        "{welcome}"
    );

    // What a pattern cannot fill in is an error at the page; a bad pattern at site.yaml.
    let table: &[(&str, &str, &str)] = &[
        (
            "content/posts/udatert.md",
            "---\ntitle: Udatert\n---\n",
            "error: content/posts/udatert.md:1:1: the permalink `/:categories/:year/:month/:day/:title:output_ext` for `posts` cannot be filled in: the page has no `date:`",
        ),
        (
            "site.yaml",
            "title: J\npermalinks:\n  posts: /:aar/:slug/\n",
            "error: site.yaml:3:10: `/:aar/:slug/` is not a usable permalink: `:aar` is not a token",
        ),
        (
            "site.yaml",
            "title: J\npermalinks:\n  posts: /:year/\n",
            "it needs `:slug`, `:title` or `:filename`",
        ),
    ];
    let yaml = std::fs::read(dir.path().join("site.yaml")).unwrap();
    for (file, text, says) in table {
        write(dir.path(), file, text.as_bytes());
        let r = build(dir.path(), &out, &[]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains(says), "wanted: {says}\n{}", r.stderr);
        if *file == "site.yaml" {
            write(dir.path(), file, &yaml);
        } else {
            std::fs::remove_file(dir.path().join(file)).unwrap();
        }
    }
    // Jekyll's `_posts` is not published, and the warning says how to move it.
    let r = build(dir.path(), &out, &[]);
    assert!(
        r.stderr
            .contains("Jekyll's posts: rename the folder to `posts`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_hugo_site_keeps_categories_keywords_and_gets_one_word_per_unused_field() {
    let mut files: Vec<(String, String)> = vec![
        ("content/_index.md".into(), "---\ntitle: Hjem\n---\n".into()),
        ("content/posts/_index.md".into(), "---\ntitle: Innlegg\n---\n".into()),
        (
            "content/posts/toml.md".into(),
            "+++\ntitle = \"Vårrengjøring\"\ndate = 2019-03-10T10:00:00-05:00\ndraft = false\ncategories = [\"Helse\"]\nkeywords = [\"vår\", \"rengjøring\"]\ntoc = true\n+++\nTekst.\n".into(),
        ),
    ];
    for i in 0..8 {
        files.push((
            format!("content/posts/p{i}.md"),
            format!("---\ntitle: \"Innlegg {i}\"\ndate: 2019-03-1{i}T10:00:00-05:00\ncategories: [\"Helse\", \"Familie\"]\ntags: [\"x\"]\nauthor: Ola\ntoc: true\nmenu: main\n---\nTekst.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = site(&refs);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `categories` is a taxonomy, as Hugo's default; keywords reach the head.
    let helse = read(&out, "kategorier/helse/index.html");
    assert_eq!(count(&helse, "href=\"/posts/p"), 8, "{helse}");
    assert!(helse.contains("href=\"/posts/toml/\""), "{helse}");
    let toml = read(&out, "posts/toml/index.html");
    assert!(
        toml.contains("<meta name=\"keywords\" content=\"vår, rengjøring\">"),
        "{toml}"
    );
    assert!(
        toml.contains("<time datetime=\"2019-03-10T10:00:00-05:00\">"),
        "{toml}"
    );
    // 9 × toc, 8 × author, 8 × menu: three findings shown in full, each with its hint.
    for field in ["toc", "author", "menu"] {
        let said =
            format!("`{field}` is another generator's field; varde has no use for it (ignored)\n");
        assert_eq!(count(&r.stderr, &said), 1, "{field}:\n{}", r.stderr);
    }
    assert!(
        r.stderr
            .contains("help: menus are set once, in site.yaml under `menu:`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("9 × warning: `toc` is"), "{}", r.stderr);
    // The JSON report keeps every one.
    let r = run(varde()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let tocs = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("`toc`"))
        })
        .count();
    assert_eq!(tocs, 9);

    // A site that declares its taxonomies without `categories` is told how to keep them.
    write(
        dir.path(),
        "site.yaml",
        b"title: H\ntaxonomies:\n  - name: tags\n",
    );
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("unknown field `categories` (ignored)"),
        "{}",
        r.stderr
    );
    assert!(!out.join("kategorier").exists());
}

#[test]
fn what_the_peers_own_documentation_sites_write_builds() {
    let dir = site(&[
        ("content/_index.md", "---\ntitle: Hjem\n---\n"),
        // Hugo's documentation: a section with what only pages have here, aliases and
        // `params`; a page whose alias is its own lower-cased address; a slug in capitals.
        (
            "content/functions/_index.md",
            "---\ntitle: Functions\nlinkTitle: Fn\ncategories: []\nkeywords: [functions, templates]\naliases: [/fn/]\nparams:\n  reference: x\n---\n",
        ),
        (
            "content/functions/HasSuffix.md",
            "---\ntitle: strings.HasSuffix\nparams:\n  returnType: bool\naliases: [/functions/hassuffix,/functions/strings/hassuffix]\n---\nTekst.\n\n`returnType`\n: What it gives back.\n",
        ),
        (
            "content/commands/hugo_convert_toJSON.md",
            "---\ntitle: hugo convert toJSON\nslug: hugo_convert_toJSON\n---\nTekst.\n",
        ),
        // Zola's documentation: a section with no title, a file that starts with an empty
        // line, a taxonomy the site does not declare.
        (
            "content/documentation/_index.md",
            "+++\nsort_by = \"weight\"\n+++\n",
        ),
        (
            "content/themes/a/index.md",
            "\n+++\ntitle = \"a\"\n\n[taxonomies]\ntheme-tags = ['dark']\n+++\nTekst.\n",
        ),
        (
            "content/themes/b/index.md",
            "\n+++\ntitle = \"b\"\n\n[taxonomies]\ntheme-tags = ['light']\n+++\nTekst.\n",
        ),
    ]);
    let out = dir.path().join("public");
    let r = build(dir.path(), &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let read =
        |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    // The section's alias redirects to it; its keywords reach the head.
    assert!(read("fn/index.html").contains("/functions/"));
    assert!(read("functions/index.html")
        .contains("<meta name=\"keywords\" content=\"functions, templates\">"));
    // The page's own address stays the page; its other alias redirects.
    let suffix = read("functions/hassuffix/index.html");
    assert!(suffix.contains("Tekst."));
    // A definition list, as Hugo renders it.
    assert!(
        suffix.contains("<dl>\n<dt><code>returnType</code></dt>\n<dd>What it gives back.</dd>"),
        "{suffix}"
    );
    assert!(read("functions/strings/hassuffix/index.html").contains("/functions/hassuffix/"));
    assert!(out
        .join("commands/hugo_convert_tojson/index.html")
        .is_file());
    assert!(out.join("themes/a/index.html").is_file());
    assert!(read("documentation/index.html").contains("<h1>Documentation</h1>"));
    for says in [
        "warning: content/functions/HasSuffix.md:5:1: the alias /functions/hassuffix/ is this page's own address (ignored)",
        "warning: content/functions/_index.md:4:1: `categories` is another generator's field; varde has no use for it (ignored)",
        "help: a section is not listed under a taxonomy: give the terms to its pages",
        "warning: content/documentation/_index.md:1:1: the section has no title, so it is shown as \"Documentation\"",
        "2 × warning: the taxonomy `theme-tags` is not declared in site.yaml (ignored): 1 more at content/themes/b/index.md:6:1",
        "help: declare it to keep its lists: `taxonomies:` in site.yaml, with `- name: theme-tags`",
    ] {
        assert!(r.stderr.contains(says), "wanted {says}\n{}", r.stderr);
    }
    // `params` is `extra`: no word about it.
    assert!(!r.stderr.contains("params"), "{}", r.stderr);
}
