//! The directory's pages as data: for each directory section, its services and every filter
//! page (by category, area, audience, "uten henvisning", "gratis") with the services it lists.
//! Filter pages are real URLs, so the directory works without JavaScript.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::content::Site;
use crate::slug::slugify;

use super::WHOLE_COUNTRY;

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
    pub fn filters_of(&self, kind: FilterKind) -> impl Iterator<Item = &Filter> {
        self.filters.iter().filter(move |f| f.kind == kind)
    }
}

/// Up to three services most like `p`: a shared area counts most, then category, then
/// audience. Only services sharing a category qualify; ties go by title, so the choice is stable.
fn related(
    site: &Site,
    services: &[usize],
    areas: &HashMap<usize, Vec<String>>,
    p: usize,
) -> Vec<usize> {
    let Some(s) = site.pages[p].service.as_ref() else {
        return vec![];
    };
    let empty = Vec::new();
    let mine = areas.get(&p).unwrap_or(&empty);
    let mut scored: Vec<(usize, usize)> = services
        .iter()
        .copied()
        .filter(|&q| q != p)
        .filter_map(|q| {
            let o = site.pages[q].service.as_ref()?;
            let cat = o
                .categories
                .iter()
                .filter(|c| s.categories.contains(c))
                .count();
            if cat == 0 {
                return None;
            }
            let theirs = areas.get(&q).unwrap_or(&empty);
            let area = theirs.iter().filter(|a| mine.contains(a)).count()
                + usize::from(o.service_area.iter().any(|a| a == WHOLE_COUNTRY));
            let aud = o.audience.iter().filter(|a| s.audience.contains(a)).count();
            Some((area * 4 + cat * 3 + aud, q))
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| site.pages[a.1].meta.title.cmp(&site.pages[b.1].meta.title))
    });
    scored.into_iter().take(3).map(|(_, q)| q).collect()
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
        let mut services: Vec<usize> = sec
            .pages
            .iter()
            .copied()
            .filter(|&p| site.pages[p].service.is_some())
            .collect();
        services.sort_by_key(|&p| site.pages[p].meta.title.to_lowercase());
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
                label: t.label.clone(),
                path: format!("{base}kategori/{}/", t.id),
                services: list,
            });
        }
        for t in &d.audience {
            let list = pick(&|p| svc(p).is_some_and(|s| s.audience.contains(&t.id)));
            filters.push(Filter {
                kind: FilterKind::Audience,
                id: t.id.clone(),
                label: t.label.clone(),
                path: format!("{base}malgruppe/{}/", t.id),
                services: list,
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
        let mut area_filters: Vec<Filter> = areas
            .into_iter()
            .filter(|(slug, _)| !slug.is_empty())
            .map(|(slug, name)| {
                let list = pick(&|p| {
                    svc(p).is_some_and(|s| {
                        s.service_area.iter().any(|a| a == WHOLE_COUNTRY)
                            || s.area_slugs(c).contains(&slug)
                    })
                });
                Filter {
                    kind: FilterKind::Area,
                    path: format!("{base}omrade/{slug}/"),
                    id: slug,
                    label: name,
                    services: list,
                }
            })
            .collect();
        area_filters.sort_by_key(|f| f.label.to_lowercase());
        filters.extend(area_filters);
        let list = pick(&|p| svc(p).and_then(|s| s.requires_referral()) == Some(false));
        filters.push(Filter {
            kind: FilterKind::NoReferral,
            id: "nei".into(),
            label: "Uten henvisning".into(),
            path: format!("{base}uten-henvisning/"),
            services: list,
        });
        let list = pick(&|p| svc(p).and_then(|s| s.is_free()) == Some(true));
        filters.push(Filter {
            kind: FilterKind::Free,
            id: "gratis".into(),
            label: "Gratis".into(),
            path: format!("{base}gratis/"),
            services: list,
        });
        let area_slugs: HashMap<usize, Vec<String>> = services
            .iter()
            .filter_map(|&p| Some((p, svc(p)?.area_slugs(c))))
            .collect();
        let related = services
            .par_iter()
            .map(|&p| (p, related(site, &services, &area_slugs, p)))
            .collect();
        out.push(Directory {
            section: s,
            services,
            filters,
            hsds_path: format!("{base}hsds/services.json"),
            csv_path: format!("{base}tjenester.csv"),
            area_slugs,
            related,
        });
    }
    out
}
