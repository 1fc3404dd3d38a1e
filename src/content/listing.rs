//! The directory's pages as data: for each directory section, its services and every filter
//! page (by category, area, audience, "uten henvisning", "gratis") with the services it lists.
//! Filter pages are real URLs, so the directory works without JavaScript.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::Site;
use crate::slug::slugify;

use crate::directory::WHOLE_COUNTRY;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FilterKind {
    Category,
    Area,
    Audience,
    NoReferral,
    Free,
}

impl FilterKind {
    /// The URL segment and the query-string key the filter form uses.
    pub fn key(self) -> &'static str {
        match self {
            FilterKind::Category => "kategori",
            FilterKind::Area => "omrade",
            FilterKind::Audience => "malgruppe",
            FilterKind::NoReferral => "henvisning",
            FilterKind::Free => "pris",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Filter {
    pub kind: FilterKind,
    pub id: String,
    pub label: String,
    /// Site path of the filter page.
    pub path: String,
    /// Page indexes of the services it lists, by title.
    pub services: Vec<usize>,
    /// Narrowed further to services without referral and/or free (`…/uten-henvisning/`,
    /// `…/gratis/`, both): how a worker combines an area or a category with them without
    /// JavaScript.
    pub refined: Refined,
}

/// The narrowing of a filter page beyond its own kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refined {
    pub no_referral: bool,
    pub free: bool,
}

impl Refined {
    /// The three narrowings a page offers: without referral, free, both.
    pub const ALL: [Refined; 3] = [
        Refined {
            no_referral: true,
            free: false,
        },
        Refined {
            no_referral: false,
            free: true,
        },
        Refined {
            no_referral: true,
            free: true,
        },
    ];

    pub fn is_none(self) -> bool {
        self == Refined::default()
    }

    /// `uten henvisning og gratis`, for labels, in language `lang` (the theme's words).
    pub fn words(self, site: &Site, lang: usize) -> String {
        let key = match (self.no_referral, self.free) {
            (true, true) => "dir_refined_both",
            (true, false) => "dir_refined_no_referral",
            (false, true) => "dir_refined_free",
            (false, false) => return String::new(),
        };
        site.i18n.word(lang, key)
    }
}

#[derive(Debug, Clone)]
pub struct Directory {
    pub section: usize,
    /// Page indexes of every service in the section, by title.
    pub services: Vec<usize>,
    pub filters: Vec<Filter>,
    /// The open-data files' site paths.
    pub hsds_path: String,
    pub csv_path: String,
    /// Each service's area slugs (regions included), by page index, computed once.
    pub area_slugs: HashMap<usize, Vec<String>>,
    /// Up to three related services per service, by page index, computed once.
    pub related: HashMap<usize, Vec<usize>>,
}

impl Directory {
    /// The filter pages of one kind, not narrowed further.
    pub fn filters_of(&self, kind: FilterKind) -> impl Iterator<Item = &Filter> {
        self.filters
            .iter()
            .filter(move |f| f.kind == kind && f.refined.is_none())
    }

    /// A filter page and its narrowed pages (the page itself first).
    pub fn family<'d>(&'d self, of: &'d Filter) -> impl Iterator<Item = &'d Filter> {
        self.filters
            .iter()
            .filter(move |f| f.kind == of.kind && f.id == of.id)
    }
}

/// What related-services scoring needs of a service, in a form that compares in nanoseconds:
/// categories and audience as bit sets, areas as interned numbers, the title as its rank.
struct Features {
    categories: u128,
    audience: u128,
    areas: Vec<u32>,
    whole_country: bool,
    rank: u32,
}

fn bits(values: &[String], vocab: &[crate::config::Term]) -> u128 {
    values
        .iter()
        .filter_map(|v| vocab.iter().position(|t| &t.id == v))
        .fold(0u128, |acc, i| acc | (1u128 << (i % 128)))
}

/// Up to three services most like each one: a shared area counts most, then category, then
/// audience. Only services sharing a category qualify; ties go by title, so the choice is
/// stable. All pairs are scored, so this is built to be cheap per pair.
fn related_all(
    site: &Site,
    services: &[usize],
    areas: &HashMap<usize, Vec<String>>,
) -> HashMap<usize, Vec<usize>> {
    let d = &site.config.directory;
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let feats: Vec<Option<Features>> = services
        .iter()
        .enumerate()
        .map(|(rank, &p)| {
            let s = site.pages[p].service.as_ref()?;
            let mut a: Vec<u32> = areas
                .get(&p)
                .into_iter()
                .flatten()
                .map(|x| {
                    let n = ids.len() as u32;
                    *ids.entry(x.as_str()).or_insert(n)
                })
                .collect();
            a.sort_unstable();
            Some(Features {
                categories: bits(&s.categories, &d.categories),
                audience: bits(&s.audience, &d.audience),
                areas: a,
                whole_country: s.service_area.iter().any(|x| x == WHOLE_COUNTRY),
                rank: rank as u32,
            })
        })
        .collect();
    (0..services.len())
        .into_par_iter()
        .filter_map(|i| {
            let me = feats[i].as_ref()?;
            // The best three as (score, title rank, index); higher score, then lower rank wins.
            let mut best: Vec<(u32, u32, usize)> = Vec::with_capacity(4);
            for (j, other) in feats.iter().enumerate() {
                let Some(o) = other else { continue };
                if j == i || me.categories & o.categories == 0 {
                    continue;
                }
                let cat = (me.categories & o.categories).count_ones();
                let aud = (me.audience & o.audience).count_ones();
                let area = o
                    .areas
                    .iter()
                    .filter(|a| me.areas.binary_search(a).is_ok())
                    .count() as u32
                    + u32::from(o.whole_country);
                let entry = (area * 4 + cat * 3 + aud, o.rank, j);
                let pos = best
                    .iter()
                    .position(|b| entry.0 > b.0 || (entry.0 == b.0 && entry.1 < b.1))
                    .unwrap_or(best.len());
                if pos < 3 {
                    best.insert(pos, entry);
                    best.truncate(3);
                }
            }
            Some((
                services[i],
                best.into_iter().map(|(_, _, j)| services[j]).collect(),
            ))
        })
        .collect()
}

/// The narrowed pages: each area and category page also without referral, free, and both;
/// the page of services without referral also free. Only those that list a service are
/// made, so a directory has at most 3 × (areas + categories) + 1 of them.
fn refinements(
    (site, lang): (&Site, usize),
    filters: &[Filter],
    no_referral: &dyn Fn(usize) -> bool,
    free: &dyn Fn(usize) -> bool,
) -> Vec<Filter> {
    let mut out = vec![];
    for base in filters {
        let narrowings: &[Refined] = match base.kind {
            FilterKind::Area | FilterKind::Category => &Refined::ALL,
            FilterKind::NoReferral => &[Refined {
                no_referral: true,
                free: true,
            }],
            FilterKind::Audience | FilterKind::Free => &[],
        };
        for &r in narrowings {
            let services: Vec<usize> = base
                .services
                .iter()
                .copied()
                .filter(|&p| (!r.no_referral || no_referral(p)) && (!r.free || free(p)))
                .collect();
            if services.is_empty() {
                continue;
            }
            let (path, label) = if base.kind == FilterKind::NoReferral {
                (
                    format!("{}gratis/", base.path),
                    site.i18n.word(lang, "dir_no_referral_and_free"),
                )
            } else {
                let mut path = base.path.clone();
                if r.no_referral {
                    path.push_str("uten-henvisning/");
                }
                if r.free {
                    path.push_str("gratis/");
                }
                (path, format!("{}, {}", base.label, r.words(site, lang)))
            };
            out.push(Filter {
                kind: base.kind,
                id: base.id.clone(),
                label,
                path,
                services,
                refined: r,
            });
        }
    }
    out
}

/// Directories for every section marked `directory: true`.
pub fn build(site: &Site) -> Vec<Directory> {
    let c = &site.config;
    let d = &c.directory;
    let mut out = vec![];
    for (s, sec) in site.sections.iter().enumerate() {
        if !sec.meta.directory {
            continue;
        }
        // A directory in another language lists the default language's services (the
        // services are written in it only), under its own filter pages and in its words.
        let lang = sec.lang;
        let code = c.languages[lang].code.as_str();
        let original = sec
            .translations
            .first()
            .copied()
            .filter(|&o| site.sections[o].lang == 0)
            .unwrap_or(s);
        let mut services: Vec<usize> = site.sections[original]
            .pages
            .iter()
            .copied()
            .filter(|&p| site.pages[p].service.is_some())
            .collect();
        services.sort_by_cached_key(|&p| site.pages[p].meta.title.to_lowercase());
        let svc = |p: usize| site.pages[p].service.as_ref();
        let base = &sec.path;
        let mut filters = vec![];
        let pick = |f: &dyn Fn(usize) -> bool| {
            services
                .iter()
                .copied()
                .filter(|&p| f(p))
                .collect::<Vec<_>>()
        };
        for t in &d.categories {
            let list = pick(&|p| svc(p).is_some_and(|s| s.categories.contains(&t.id)));
            filters.push(Filter {
                kind: FilterKind::Category,
                id: t.id.clone(),
                label: t.label_in(code).to_string(),
                path: format!("{base}kategori/{}/", t.id),
                services: list,
                refined: Refined::default(),
            });
        }
        for t in &d.audience {
            let list = pick(&|p| svc(p).is_some_and(|s| s.audience.contains(&t.id)));
            filters.push(Filter {
                kind: FilterKind::Audience,
                id: t.id.clone(),
                label: t.label_in(code).to_string(),
                path: format!("{base}malgruppe/{}/", t.id),
                services: list,
                refined: Refined::default(),
            });
        }
        // Areas: every place a service names, plus the declared regions. A service for the
        // whole country belongs on every area page.
        let mut areas: BTreeMap<String, String> = BTreeMap::new();
        for &p in &services {
            for a in svc(p)
                .map(|s| s.service_area.as_slice())
                .unwrap_or_default()
            {
                if a != WHOLE_COUNTRY {
                    areas.entry(slugify(a)).or_insert_with(|| a.clone());
                }
            }
        }
        for r in &d.regions {
            areas
                .entry(slugify(&r.name))
                .or_insert_with(|| r.name.clone());
        }
        // Each service's area slugs, worked out once: every area page asks of every service.
        let area_slugs: HashMap<usize, Vec<String>> = services
            .iter()
            .filter_map(|&p| Some((p, svc(p)?.area_slugs(c))))
            .collect();
        let mut area_filters: Vec<Filter> = areas
            .into_iter()
            .filter(|(slug, _)| !slug.is_empty())
            .map(|(slug, name)| {
                let list = pick(&|p| {
                    svc(p).is_some_and(|s| {
                        s.service_area.iter().any(|a| a == WHOLE_COUNTRY)
                            || area_slugs.get(&p).is_some_and(|own| own.contains(&slug))
                    })
                });
                Filter {
                    kind: FilterKind::Area,
                    path: format!("{base}omrade/{slug}/"),
                    id: slug,
                    label: name,
                    services: list,
                    refined: Refined::default(),
                }
            })
            .collect();
        area_filters.sort_by_key(|f| f.label.to_lowercase());
        filters.extend(area_filters);
        let list = pick(&|p| svc(p).and_then(|s| s.requires_referral()) == Some(false));
        filters.push(Filter {
            kind: FilterKind::NoReferral,
            id: "nei".into(),
            label: site.i18n.word(lang, "no_referral"),
            path: format!("{base}uten-henvisning/"),
            services: list,
            refined: Refined::default(),
        });
        let list = pick(&|p| svc(p).and_then(|s| s.is_free()) == Some(true));
        filters.push(Filter {
            kind: FilterKind::Free,
            id: "gratis".into(),
            label: site.i18n.word(lang, "free"),
            path: format!("{base}gratis/"),
            services: list,
            refined: Refined::default(),
        });
        filters.extend(refinements(
            (site, lang),
            &filters,
            &|p| svc(p).and_then(|s| s.requires_referral()) == Some(false),
            &|p| svc(p).and_then(|s| s.is_free()) == Some(true),
        ));
        let related = related_all(site, &services, &area_slugs);
        // The open data is the default language's, written once.
        let data = &site.sections[original].path;
        out.push(Directory {
            section: s,
            services,
            filters,
            hsds_path: format!("{data}hsds/services.json"),
            csv_path: format!("{data}tjenester.csv"),
            area_slugs,
            related,
        });
    }
    out
}
