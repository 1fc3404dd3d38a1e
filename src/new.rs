//! Starting and working: `varde init` (a new site that builds), `varde new page|service
//! PATH` (a new Markdown file with every front-matter field shown and explained), and
//! finding the site folder from wherever in it a command is run, as git and cargo do.

use std::path::{Path, PathBuf};

use crate::content::CONTENT_DIR;
use crate::date::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Service,
}

/// Where `PATH` goes: under `content/` unless it already says so; `.md` added if missing.
pub fn target(root: &Path, path: &Path) -> PathBuf {
    let mut p = if path.starts_with(CONTENT_DIR) {
        root.join(path)
    } else {
        root.join(CONTENT_DIR).join(path)
    };
    if p.extension().is_none() {
        p.set_extension("md");
    }
    p
}

fn title_from(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = if stem == "index" {
        path.parent()
            .and_then(Path::file_name)
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(stem)
    } else {
        stem
    };
    let words = stem.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => "Ny side".into(),
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn template(kind: Kind, path: &Path) -> String {
    let title = quote(&title_from(path));
    let today = Date::today().iso();
    match kind {
        Kind::Page => format!(
            r#"---
# Required. The page's heading and the browser tab's title.
title: {title}
# One or two plain sentences: shown in lists, search results and link previews.
description: ""
# YYYY-MM-DD (or RFC 3339 with a time). Used for sorting news and in feeds.
date: {today}
# updated: {today}
# true keeps the page out of the site until you remove it (build with --drafts to preview).
draft: true
# slug: annen-adresse        # the last part of the URL; made from the file name if left out
# weight: 10                 # lower numbers come first in sections sorted by weight
# tags: [eksempel, emne]     # topics; each gets a list page
# aliases: [/gammel/adresse/]  # old addresses that should lead here
# template: page.html        # a template from the theme or the site's templates/
# lang: nn                   # only if this page is in another language than the site
# extra:                     # free fields for your own templates
#   hero: bilde.jpg
---

Skriv teksten her. Bruk `##` for mellomtitler.

Lenk til andre sider med stien til filen, for eksempel `[om kurset](../smil/_index.md)`.
"#
        ),
        Kind::Service => format!(
            r#"---
# Required. The service's name as people know it.
title: {title}
# Required. Who runs it.
organisation: ""
# Required. One sentence about what the service offers.
summary: ""
# Values from the vocabularies in site.yaml (categories and audience).
categories: []
audience: []
# Municipalities and/or counties, or `hele-landet`.
service_area: []
# Left out, referral and cost show as "not known". Fill them in when you know.
# referral:
#   required: true           # false if anyone can get in touch directly
#   who_can_refer: "Fastlege eller helsestasjon"
#   how: "Fastlegen sender henvisning."
# cost:
#   free: false
#   text: "Egenandel 375 kr"
# eligibility: ""
# languages: [nb]
contact:
  # phones:
  #   - number: "+47 12 34 56 78"
  #     label: "Sentralbord"
  # email: post@example.no
  # website: https://example.no/
  # address: {{ street: "Gate 1", postcode: "0001", city: "Oslo" }}
# opening_hours: "Mandag–fredag 08:00–15:30"
# how_to_apply: ""
# Required. The day someone last checked these facts.
last_reviewed: {today}
# Who checks them next time (a person or an office); `varde check` lists it.
# reviewed_by: ""
draft: true
---

Beskriv tjenesten: hva den gir, hvem den er for og hva som skjer når man tar kontakt.
"#
        ),
    }
}

/// `varde new directory PATH [--spreadsheet]`: a directory section (`_index.md` with
/// `directory: true`) and, with `spreadsheet`, `tjenester.csv` in it: the columns of the
/// directory's export and one example row, ready for a spreadsheet program. The example
/// uses the first category and audience of `site.yaml`, so it builds as it is.
pub fn create_directory(
    root: &Path,
    path: &Path,
    spreadsheet: bool,
) -> Result<Vec<PathBuf>, String> {
    if path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "{} must be a folder inside content/, such as tjenester",
            path.display()
        ));
    }
    let dir = if path.starts_with(CONTENT_DIR) {
        root.join(path)
    } else {
        root.join(CONTENT_DIR).join(path)
    };
    let index = dir.join("_index.md");
    let sheet = dir.join("tjenester.csv");
    for p in [&index, &sheet] {
        if p.exists() {
            return Err(format!(
                "{} already exists; varde will not overwrite it",
                p.display()
            ));
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let title = dir
        .file_name()
        .map(|n| n.to_string_lossy().replace('-', " "))
        .map(|t| {
            let mut c = t.chars();
            c.next().map_or(String::new(), |f| {
                f.to_uppercase().collect::<String>() + c.as_str()
            })
        })
        .unwrap_or_else(|| "Tjenester".into());
    let index_text = format!(
        "---\ntitle: {title}\ndescription: Hjelp og tjenester, med kontaktinformasjon.\n# Every page in this folder, and every row of a .csv, .xlsx or .ods here, is a service.\ndirectory: true\n---\n"
    );
    std::fs::write(&index, index_text)
        .map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    let mut made = vec![index];
    if spreadsheet {
        let (config, _) = crate::config::load(root);
        let first = |terms: &[crate::config::Term]| {
            terms.first().map(|t| t.label.clone()).unwrap_or_default()
        };
        let today = crate::date::Date::build_day().iso();
        let example: Vec<(&str, String)> = vec![
            ("navn", "Familiesenteret".into()),
            ("organisasjon", "Kommunen".into()),
            (
                "sammendrag",
                "Samtaler og kurs for gravide og foreldre.".into(),
            ),
            ("kategorier", first(&config.directory.categories)),
            ("malgruppe", first(&config.directory.audience)),
            ("omrade", "Hele landet".into()),
            ("henvisning_kreves", "nei".into()),
            ("gratis", "ja".into()),
            ("telefon", "+47 22 33 44 55 (Sentralbord)".into()),
            (
                "apningstider",
                "Mandag–fredag 08:00–15:30; Stengt i juli".into(),
            ),
            ("sist_kontrollert", today),
            ("ansvarlig", "Kontoret".into()),
        ];
        let headers: Vec<&str> = crate::directory::table::COLUMNS
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| *c != "id" && *c != "url")
            .collect();
        let row: Vec<String> = headers
            .iter()
            .map(|h| {
                let v = example
                    .iter()
                    .find(|(k, _)| k == h)
                    .map_or("", |(_, v)| v.as_str());
                format!("\"{}\"", v.replace('"', "\"\""))
            })
            .collect();
        let text = format!("\u{feff}{}\r\n{}\r\n", headers.join(","), row.join(","));
        std::fs::write(&sheet, text)
            .map_err(|e| format!("cannot write {}: {e}", sheet.display()))?;
        made.push(sheet);
    }
    Ok(made)
}

/// The site folder for a command run in `here` without `--root`: the nearest folder, from
/// `here` up, that holds `site.yaml` or `content/`; `here` itself when there is none.
pub fn find_root(here: &Path) -> PathBuf {
    here.ancestors()
        .find(|d| d.join(crate::config::FILE).is_file() || d.join(CONTENT_DIR).is_dir())
        .unwrap_or(here)
        .to_path_buf()
}

/// `PATH` for `varde new` as the editor means it: relative to the folder they are in when
/// that is inside `content/` (`new ny.md` in `content/nas/` is `nas/ny.md`).
pub fn under_content(root: &Path, here: &Path, path: &Path) -> PathBuf {
    let content = root.join(CONTENT_DIR);
    match (content.canonicalize(), here.canonicalize()) {
        (Ok(c), Ok(h)) if h.starts_with(&c) && !path.starts_with(CONTENT_DIR) => {
            h.strip_prefix(&c).unwrap_or(Path::new("")).join(path)
        }
        _ => path.to_path_buf(),
    }
}

const INIT_SITE: &str = "# The settings of the whole site: see the README's \"site.yaml\" section.\ntitle: Mitt nettsted\ndescription: Hva nettstedet handler om, i én setning.\nlanguage: nb\n# base_url: https://example.org/\n";
const INIT_HOME: &str = "---\ntitle: Velkommen\ndescription: Hva nettstedet handler om, i én setning.\n---\n\nSkriv forsiden her. Nye sider lager du med `varde new page navn.md`.\n";
/// The built site and the build cache beside it (`build_cache`), for git to leave alone.
const INIT_GITIGNORE: &str = "/public/\n/.varde-cache/\n";

const INIT_PAGE: &str = "---\ntitle: Om oss\ndescription: Hvem som står bak nettstedet.\n---\n\nSkriv om dere selv her.\n";

/// `varde init [DIR]`: a minimal site that builds (site.yaml, a home page and one page).
/// Refuses a folder that already holds a site.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.join(crate::config::FILE).exists() || dir.join(CONTENT_DIR).exists() {
        return Err(format!(
            "{} already holds a site (site.yaml or content/); varde will not overwrite it",
            dir.display()
        ));
    }
    let files = [
        (dir.join(crate::config::FILE), INIT_SITE),
        (dir.join(CONTENT_DIR).join("_index.md"), INIT_HOME),
        (dir.join(CONTENT_DIR).join("om.md"), INIT_PAGE),
    ];
    // What a build writes and keeps is not to be committed (as `jekyll new` does for its
    // own); a folder that already has a .gitignore keeps it as it is.
    let ignore = dir.join(".gitignore");
    let ignore = (!ignore.exists()).then_some((ignore, INIT_GITIGNORE));
    let files: Vec<(PathBuf, &str)> = files.into_iter().chain(ignore).collect();
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes the new file; refuses to overwrite one that exists.
pub fn create(root: &Path, kind: Kind, path: &Path) -> Result<PathBuf, String> {
    if path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "{} must be a path inside content/, such as nas/ny-side.md",
            path.display()
        ));
    }
    let target = target(root, path);
    if target.exists() {
        return Err(format!(
            "{} already exists; varde will not overwrite it",
            target.display()
        ));
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(&target, template(kind, path))
        .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    Ok(target)
}
