//! The model's tree: sections from folders, pages in them, every page's and section's
//! path, assets placed next to their page or section, and the sort orders.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::files::{dated, file_name, lang_of, parent_key, rel_of, stem, Bundles, Found};
use super::meta::PageMeta;
use super::meta::{self, SortBy};
use super::parse::{Parsed, ParsedPage, ParsedSection};
use super::{Asset, Include, LeftOut, Page, Section, TaxonomyTerms, Term, Unpublished};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::slug::slugify;

/// Sections and pages as the loaded files make them.
pub(super) struct Tree {
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    /// Folder (relative to `content/`) and language -> its section.
    pub section_of_dir: HashMap<(String, usize), usize>,
    /// Content keys of the pages left out of this build, and why.
    pub unpublished: HashMap<String, Unpublished>,
    /// How many were left out, by reason.
    pub left_out: LeftOut,
}

impl Tree {
    /// Every folder that is not (inside) a bundle becomes a section, its section page
    /// giving its title; every page joins its folder's section, drafts left out.
    pub(super) fn new(
        dirs: &[String],
        bundles: &Bundles,
        section_files: Parsed<ParsedSection>,
        page_files: Parsed<ParsedPage>,
        include: Include,
        config: &Config,
        diags: &mut Vec<Diagnostic>,
    ) -> Tree {
        // A folder is a section in the default language, and in each other language that
        // has a section page or a page in it (and its parent folders, so every language's
        // sections form one tree from its own home).
        let mut wanted: HashSet<(String, usize)> = HashSet::new();
        let keys = section_files
            .iter()
            .flatten()
            .map(|p| (&p.file.key, true))
            .chain(page_files.iter().flatten().map(|p| (&p.file.key, false)));
        for (key, is_section) in keys {
            let (lang, _) = lang_of(key, config);
            if lang == 0 {
                continue;
            }
            let mut dir = if is_section {
                parent_key(key).to_string()
            } else {
                bundles.section_dir(key)
            };
            loop {
                let up = parent_key(&dir).to_string();
                let done = dir.is_empty();
                wanted.insert((dir, lang));
                if done {
                    break;
                }
                dir = up;
            }
        }
        let mut sections: Vec<Section> = Vec::new();
        let mut section_of_dir: HashMap<(String, usize), usize> = HashMap::new();
        for lang in 0..config.languages.len() {
            for dir in dirs {
                if bundles.contains(dir) || bundles.of(&format!("{dir}/x")).is_some() {
                    continue;
                }
                if lang > 0 && !wanted.contains(&(dir.clone(), lang)) {
                    continue;
                }
                section_of_dir.insert((dir.clone(), lang), sections.len());
                sections.push(Section {
                    file: None,
                    dir: dir.clone(),
                    meta: meta::section_defaults(&default_title(dir, lang, config)),
                    path: String::new(),
                    parent: None,
                    children: vec![],
                    pages: vec![],
                    assets: vec![],
                    content: Arc::default(),
                    lang,
                    translations: vec![],
                });
            }
        }
        let mut pages: Vec<Page> = Vec::with_capacity(page_files.len());
        let mut unpublished: HashMap<String, Unpublished> = HashMap::new();
        let mut left_out = LeftOut::default();
        let now = crate::date::now();
        for p in section_files {
            match p {
                Err(d) => diags.push(d),
                Ok(ParsedSection {
                    file,
                    meta,
                    diags: d,
                }) => {
                    diags.extend(d);
                    let (lang, _) = lang_of(&file.key, config);
                    let dir = parent_key(&file.key).to_string();
                    if let Some(&s) = section_of_dir.get(&(dir, lang)) {
                        sections[s].meta = meta;
                        sections[s].file = Some(file);
                    }
                }
            }
        }
        // A folder that is a directory in the default language is one in every language: a
        // translation of its section page lists the same services, in its own words.
        for i in 0..sections.len() {
            if sections[i].lang > 0 {
                let original = section_of_dir.get(&(sections[i].dir.clone(), 0)).copied();
                if original.is_some_and(|o| sections[o].meta.directory) {
                    sections[i].meta.directory = true;
                }
            }
        }
        for p in page_files {
            match p {
                Err(d) => diags.push(d),
                Ok(ParsedPage {
                    file,
                    meta,
                    service,
                    diags: d,
                }) => {
                    let in_directory = section_of_dir
                        .get(&(bundles.section_dir(&file.key), 0))
                        .is_some_and(|&s| sections[s].meta.directory);
                    if let Some(e) = in_directory
                        .then(|| translated_service(&file, config))
                        .flatten()
                    {
                        diags.push(e);
                        continue;
                    }
                    diags.extend(d);
                    let Some(m) = meta else {
                        unpublished.insert(file.key.clone(), Unpublished::Broken);
                        continue;
                    };
                    if let Some(why) = left_out_now(&m, include, config.timezone, now) {
                        if why == Unpublished::Future {
                            left_out.next_due =
                                left_out.next_due.min(m.publish_date).or(m.publish_date);
                        }
                        match why {
                            Unpublished::Draft => left_out.drafts += 1,
                            Unpublished::Future => left_out.future += 1,
                            Unpublished::Expired => left_out.expired += 1,
                            Unpublished::Broken => {}
                        }
                        unpublished.insert(file.key.clone(), why);
                        continue;
                    }
                    let dir = bundles.section_dir(&file.key);
                    let (lang, _) = lang_of(&file.key, config);
                    let section = section_of_dir.get(&(dir, lang)).copied().unwrap_or(0);
                    pages.push(Page {
                        file,
                        meta: m,
                        section,
                        path: String::new(),
                        assets: vec![],
                        content: Arc::default(),
                        service,
                        lang,
                        translations: vec![],
                    });
                }
            }
        }
        for s in &sections {
            if s.file.is_none() && !s.dir.is_empty() {
                let index = match s.lang {
                    0 => "_index.md".to_string(),
                    l => format!("_index.{}.md", config.languages[l].code),
                };
                diags.push(
                    Diagnostic::warning(format!(
                        "this folder has no {index}, so its section has no title of its own"
                    ))
                    .in_file(rel_of(&s.dir))
                    .hint(format!(
                        "add content/{}/{index} with `title: ...` in its front matter",
                        s.dir
                    )),
                );
            }
        }
        Tree {
            sections,
            pages,
            section_of_dir,
            unpublished,
            left_out,
        }
    }

    /// The tree and its paths: a section's path is its parent's plus its folder's slug, a
    /// page's is its section's plus its slug.
    pub(super) fn set_paths(
        &mut self,
        config: &Config,
        bundles: &Bundles,
        diags: &mut Vec<Diagnostic>,
    ) {
        for i in 0..self.sections.len() {
            let dir = self.sections[i].dir.clone();
            let lang = self.sections[i].lang;
            if dir.is_empty() {
                self.sections[i].path = format!("{}/", config.lang_prefix(lang));
                continue;
            }
            let parent = self
                .section_of_dir
                .get(&(parent_key(&dir).to_string(), lang))
                .copied()
                .unwrap_or(0);
            self.sections[i].parent = Some(parent);
            self.sections[parent].children.push(i);
            let seg = slugify(file_name(&dir));
            if seg.is_empty() {
                diags.push(
                    Diagnostic::error(
                        "this folder name has no letters or digits to make a URL from",
                    )
                    .in_file(rel_of(&dir))
                    .hint("rename the folder, e.g. `nas` or `om-kurset`"),
                );
            }
            // Parents come before children in walk order, so the parent's path is set.
            self.sections[i].path = format!(
                "{}{}/",
                self.sections[parent].path,
                if seg.is_empty() { "x" } else { &seg }
            );
        }
        for sec in &mut self.sections {
            if let Some(file) = &sec.file {
                drop_own_alias(file, &sec.path, &mut sec.meta.aliases, diags);
            }
        }
        for (i, page) in self.pages.iter_mut().enumerate() {
            let stem = match bundles.of(&page.file.key) {
                Some(b) => file_name(&b).to_string(),
                None => stem(file_name(&lang_of(&page.file.key, config).1)).to_string(),
            };
            // `2015-11-17-welcome.md` is `welcome` (its date is read in `meta`).
            let stem = dated(&stem)
                .map_or(stem.as_str(), |(_, rest)| rest)
                .to_string();
            let slug = page.meta.slug.clone().unwrap_or_else(|| slugify(&stem));
            if slug.is_empty() {
                diags.push(
                    Diagnostic::error("this file name has no letters or digits to make a URL from")
                        .in_file(&page.file.rel)
                        .hint("rename the file, or set `slug: ...` in its front matter"),
                );
            }
            let slug = if slug.is_empty() {
                format!("side-{i}")
            } else {
                slug
            };
            let section = &self.sections[page.section];
            page.path = match (&page.meta.url, permalink_for(config, &section.dir)) {
                (Some(url), _) => url.clone(),
                (None, Some(p)) => match fill_permalink(&p.pattern, page, &slug, &stem, section) {
                    Ok(path) => config.in_lang(page.lang, &path),
                    Err(why) => {
                        diags.push(
                            Diagnostic::error(format!(
                                "the permalink `{}` for `{}` cannot be filled in: {why}",
                                p.pattern, p.section
                            ))
                            .in_file(&page.file.rel)
                            .at_line(1, 1)
                            .hint("set `url:` on this page, or give it what the pattern needs"),
                        );
                        format!("{}{slug}/", section.path)
                    }
                },
                (None, None) => format!("{}{slug}/", section.path),
            };
            drop_own_alias(&page.file, &page.path, &mut page.meta.aliases, diags);
            self.sections[page.section].pages.push(i);
        }
        self.link_translations(config);
    }

    /// Ties each page to its translations (the same key but for the language) and each
    /// section to the same folder's section in the other languages.
    fn link_translations(&mut self, config: &Config) {
        if config.languages.len() < 2 {
            for (i, p) in self.pages.iter_mut().enumerate() {
                p.translations = vec![i];
            }
            for (i, s) in self.sections.iter_mut().enumerate() {
                s.translations = vec![i];
            }
            return;
        }
        let mut pages: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            pages
                .entry(lang_of(&p.file.key, config).1)
                .or_default()
                .push(i);
        }
        for mut list in pages.into_values() {
            list.sort_by_key(|&i| self.pages[i].lang);
            for &i in &list {
                self.pages[i].translations.clone_from(&list);
            }
        }
        let mut sections: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, s) in self.sections.iter().enumerate() {
            sections.entry(s.dir.as_str()).or_default().push(i);
        }
        let lists: Vec<Vec<usize>> = sections.into_values().collect();
        for mut list in lists {
            list.sort_by_key(|&i| self.sections[i].lang);
            for &i in &list {
                self.sections[i].translations.clone_from(&list);
            }
        }
    }

    /// Assets: bundle files go next to their page, loose files next to their section.
    /// Returns (content key, site path) of each.
    pub(super) fn place_assets(
        &mut self,
        assets: &[&Found],
        bundles: &Bundles,
    ) -> Vec<(String, String)> {
        let page_of_bundle: HashMap<String, usize> = self
            .pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| bundles.of(&p.file.key).map(|b| (b, i)))
            .collect();
        let mut asset_paths: Vec<(String, String)> = Vec::new();
        for f in assets {
            if let Some(b) = bundles.of(&f.key) {
                if let Some(&p) = page_of_bundle.get(&b) {
                    let rest = &f.key[b.len() + 1..];
                    let path = format!("{}{rest}", self.pages[p].path);
                    asset_paths.push((f.key.clone(), path.clone()));
                    self.pages[p].assets.push(Asset {
                        source: f.abs.clone(),
                        path,
                    });
                }
                continue;
            }
            if let Some(&s) = self
                .section_of_dir
                .get(&(parent_key(&f.key).to_string(), 0))
            {
                let path = format!("{}{}", self.sections[s].path, file_name(&f.key));
                asset_paths.push((f.key.clone(), path.clone()));
                self.sections[s].assets.push(Asset {
                    source: f.abs.clone(),
                    path,
                });
            }
        }
        asset_paths
    }

    /// Sorts each section's pages and subsections now that everything is known.
    pub(super) fn sort(&mut self) {
        for s in 0..self.sections.len() {
            let mut list = std::mem::take(&mut self.sections[s].pages);
            sort_pages(&mut list, &self.pages, self.sections[s].meta.sort_by);
            self.sections[s].pages = list;
            let mut kids = std::mem::take(&mut self.sections[s].children);
            kids.sort_by(|&a, &b| {
                (self.sections[a].meta.weight, &self.sections[a].meta.title)
                    .cmp(&(self.sections[b].meta.weight, &self.sections[b].meta.title))
            });
            self.sections[s].children = kids;
        }
    }
}

/// A translation of a service (`oslohjelpa.en.md` in a directory section): the directory
/// is in the default language only, so it is one error rather than a page with no place.
fn translated_service(file: &super::source::SourceFile, config: &Config) -> Option<Diagnostic> {
    let (lang, base) = lang_of(&file.key, config);
    (lang > 0).then(|| {
        Diagnostic::error(format!(
            "a service in `{}`: the service directory is in the site's default language only",
            config.languages[lang].code
        ))
        .in_file(&file.rel)
        .hint(format!(
            "keep the service in content/{base}, and write what readers of other languages need on a translated page that links to it"
        ))
    })
}

/// Why a page is left out of a build that takes in `include`, if it is: a draft, a
/// `publish_date` still to come, an `expiry_date` passed (Hugo's rules).
fn left_out_now(
    m: &PageMeta,
    include: Include,
    tz: crate::date::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Unpublished> {
    if m.draft && !include.drafts {
        return Some(Unpublished::Draft);
    }
    if !include.future && m.publish_date.is_some_and(|d| d.instant(tz) > now) {
        return Some(Unpublished::Future);
    }
    if !include.expired && m.expiry_date.is_some_and(|d| d.instant(tz) <= now) {
        return Some(Unpublished::Expired);
    }
    None
}

pub(super) fn default_title(dir: &str, lang: usize, config: &Config) -> String {
    if dir.is_empty() {
        return config.languages[lang]
            .title
            .clone()
            .unwrap_or_else(|| config.title.clone());
    }
    let name = file_name(dir).replace(['-', '_'], " ");
    let mut c = name.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => name,
    }
}

fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    match by {
        SortBy::Weight => list.sort_by(|&a, &b| {
            (pages[a].meta.weight, &pages[a].meta.title)
                .cmp(&(pages[b].meta.weight, &pages[b].meta.title))
        }),
        SortBy::Title => list.sort_by(|&a, &b| {
            pages[a]
                .meta
                .title
                .to_lowercase()
                .cmp(&pages[b].meta.title.to_lowercase())
        }),
        SortBy::Date => list.sort_by(|&a, &b| newest_first(&pages[a], &pages[b])),
    }
}

fn newest_first(a: &Page, b: &Page) -> std::cmp::Ordering {
    // Undated pages go last; ties keep a stable order by title.
    b.meta
        .date
        .cmp(&a.meta.date)
        .then_with(|| a.meta.title.cmp(&b.meta.title))
}

/// Every taxonomy in every language (language by language, in `config.taxonomies`
/// order; see `Site::taxonomies_of`): a language's terms list only its own pages.
pub(super) fn collect_taxonomies(config: &Config, pages: &[Page]) -> Vec<TaxonomyTerms> {
    let mut out = vec![];
    for lang in 0..config.languages.len() {
        for (ti, t) in config.taxonomies.iter().enumerate() {
            let base = config.in_lang(lang, &format!("/{}/", t.slug));
            let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
            for (i, p) in pages.iter().enumerate().filter(|(_, p)| p.lang == lang) {
                for name in p.meta.taxonomies.get(&t.name).into_iter().flatten() {
                    let slug = slugify(name);
                    let term = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                        name: name.clone(),
                        path: format!("{base}{slug}/"),
                        slug,
                        pages: vec![],
                    });
                    if term.pages.last() != Some(&i) {
                        term.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = by_slug.into_values().collect();
            for term in &mut terms {
                term.pages
                    .sort_by(|&a, &b| newest_first(&pages[a], &pages[b]));
            }
            terms.sort_by_key(|t| t.name.to_lowercase());
            out.push(TaxonomyTerms {
                name: t.name.clone(),
                taxonomy: ti,
                lang,
                path: base,
                paginate_by: t.paginate_by.unwrap_or(config.paginate_by),
                terms,
            });
        }
    }
    out
}

/// The `permalinks:` entry for a section's folder: its own, or its nearest parent's.
fn permalink_for<'c>(config: &'c Config, dir: &str) -> Option<&'c crate::config::Permalink> {
    config
        .permalinks
        .iter()
        .filter(|p| dir == p.section || dir.starts_with(&format!("{}/", p.section)))
        .max_by_key(|p| p.section.len())
}

/// A page's path from its section's pattern (`/:year/:month/:slug/`), checked as a site path.
fn fill_permalink(
    pattern: &str,
    page: &Page,
    slug: &str,
    stem: &str,
    section: &Section,
) -> Result<String, String> {
    let date = || {
        page.meta
            .date
            .map(|d| d.day)
            .ok_or_else(|| "the page has no `date:` (nor a date in its file name)".to_string())
    };
    let mut out = crate::config::Permalink::fill(pattern, |token| {
        Ok(match token {
            "year" => date()?.format("%Y").to_string(),
            "month" => date()?.format("%m").to_string(),
            "day" => date()?.format("%d").to_string(),
            "slug" => slug.to_string(),
            "title" => slugify(&page.meta.title),
            "filename" => slugify(stem),
            "section" => slugify(file_name(&section.dir)),
            "categories" => page
                .meta
                .taxonomies
                .get("categories")
                .into_iter()
                .flatten()
                .map(|c| slugify(c))
                .collect::<Vec<_>>()
                .join("/"),
            "output_ext" => ".html".to_string(),
            other => return Err(format!("`:{other}` is not a token")),
        })
    })?;
    // An empty token (no categories) leaves no empty folder behind, as in Jekyll.
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    crate::slug::check_path(&out)
}

/// An alias that is the page's own address would overwrite the page with a redirect to
/// itself (Hugo's documentation has some, made by lower-casing): left out, with a word.
fn drop_own_alias(
    file: &super::source::SourceFile,
    path: &str,
    aliases: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) {
    if !aliases.iter().any(|a| a == path) {
        return;
    }
    aliases.retain(|a| a != path);
    let mut d = Diagnostic::warning(format!(
        "the alias {path} is this page's own address (ignored)"
    ))
    .in_file(&file.rel)
    .hint("remove it from `aliases:`");
    if let Some((line, col)) = file.locate(&["aliases"]) {
        d = d.at_line_col(&file.text, line, col, "aliases".len());
    }
    diags.push(d);
}
