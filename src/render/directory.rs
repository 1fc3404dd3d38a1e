//! Template data for the service directory: service summaries for lists, the full service
//! for its own page (contact card, JSON-LD, related services), and the filter links.

use rayon::prelude::*;
use serde_json::{json, Value};
use tera::Context;

use super::theme::{Theme, SERVICE_CARD};
use crate::config::label_in;
use crate::content::listing::{Directory, Filter, FilterKind};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::directory::export;
use crate::directory::WHOLE_COUNTRY;

fn filter_url(site: &Site, dir: &Directory, kind: FilterKind, id: &str) -> Option<String> {
    dir.filters_of(kind)
        .find(|f| f.id == id)
        .map(|f| site.config.url(&f.path))
}

/// What a list of services shows of each, plus the data the filter script matches on.
pub fn service_summary(site: &Site, dir: &Directory, p: usize) -> Value {
    let page = &site.pages[p];
    let Some(s) = page.service.as_ref() else {
        return Value::Null;
    };
    let c = &site.config;
    let d = &c.directory;
    let stale = s.is_stale(c, site.today);
    // A directory in another language shows the services as written, in the default
    // language: their text is marked so (`lang`), the rest is in the directory's words.
    let lang = site.sections[dir.section].lang;
    let code = c.languages[lang].code.as_str();
    let text_lang = (lang != page.lang).then(|| c.languages[page.lang].code.clone());
    json!({
        "id": crate::slug::slugify(&page.meta.title),
        "title": page.meta.title,
        "url": c.url(&page.path),
        "organisation": s.organisation,
        "summary": s.summary,
        "categories": s.categories.iter().map(|id| json!({"id": id, "label": label_in(&d.categories, id, code), "url": filter_url(site, dir, FilterKind::Category, id)})).collect::<Vec<_>>(),
        "audience": s.audience.iter().map(|id| json!({"id": id, "label": label_in(&d.audience, id, code), "url": filter_url(site, dir, FilterKind::Audience, id)})).collect::<Vec<_>>(),
        "areas": s.service_area.iter().map(|a| {
            let whole = a == WHOLE_COUNTRY;
            json!({"name": if whole { site.i18n.word(lang, "dir_whole_country") } else { a.clone() }, "slug": crate::slug::slugify(a),
                   "url": if whole { None } else { filter_url(site, dir, FilterKind::Area, &crate::slug::slugify(a)) }})
        }).collect::<Vec<_>>(),
        "area_slugs": if s.service_area.iter().any(|a| a == WHOLE_COUNTRY) { vec!["*".to_string()] } else { dir.area_slugs.get(&p).cloned().unwrap_or_default() },
        "referral_required": s.requires_referral(),
        "free": s.is_free(),
        "cost_text": s.cost.as_ref().and_then(|c| c.text.clone()),
        "phones": s.contact.phones,
        "email": s.contact.email,
        "website": s.contact.website,
        "last_reviewed": s.last_reviewed.iso(),
        "last_reviewed_display": site.i18n.date(lang, &s.last_reviewed),
        "stale": stale,
        "text_lang": text_lang,
    })
}

/// `service` on a service page.
pub fn service_full(site: &Site, dir: &Directory, p: usize) -> Value {
    let page = &site.pages[p];
    let mut v = service_summary(site, dir, p);
    let Some(s) = page.service.as_ref() else {
        return v;
    };
    let c = &site.config;
    if let Value::Object(m) = &mut v {
        m.insert("referral".into(), json!(s.referral));
        m.insert("cost".into(), json!(s.cost));
        m.insert("eligibility".into(), json!(s.eligibility));
        m.insert("languages".into(), json!(s.languages));
        let names: Vec<String> = s
            .languages
            .iter()
            .map(|l| crate::directory::language_name(l))
            .collect();
        m.insert("language_names".into(), json!(names));
        m.insert("address".into(), json!(s.contact.address));
        // The phone's own map app, by a `geo:` link with the address as its query: no
        // map of ours, no request to anyone.
        let geo = s.contact.address.as_ref().map(|a| {
            format!(
                "geo:0,0?q={}",
                geo_query(&format!("{}, {} {}, Norge", a.street, a.postcode, a.city))
            )
        });
        m.insert("geo".into(), json!(geo));
        m.insert("open_now".into(), json!(open_now(s, site.today)));
        m.insert("opening_hours".into(), json!(export::opening_lines(s)));
        m.insert("how_to_apply".into(), json!(s.how_to_apply));
        m.insert(
            "json_ld".into(),
            json!(export::json_ld(c, s, &page.meta.title, &page.path)),
        );
        let rel: Vec<Value> = dir
            .related
            .get(&p)
            .into_iter()
            .flatten()
            .map(|&q| service_summary(site, dir, q))
            .collect();
        m.insert("related".into(), Value::Array(rel));
        m.insert(
            "directory_url".into(),
            json!(c.url(&site.sections[dir.section].path)),
        );
    }
    v
}

/// What the reader's browser needs to say whether the service is open now (in
/// Europe/Oslo time, `open-now.js`), as JSON: the weekly hours, or `always`, and the
/// public holidays of this year and the next when it is closed on them. `None` for hours
/// that are only words.
fn open_now(s: &crate::directory::Service, today: crate::date::Date) -> Option<String> {
    use crate::directory::OpeningHours;
    use chrono::Datelike;
    let v = match s.opening_hours.as_ref()? {
        OpeningHours::Text { .. } => return None,
        OpeningHours::Always => json!({"always": true}),
        OpeningHours::Structured {
            regular,
            holidays_closed,
            ..
        } => {
            let year = today.day.year();
            let holidays: Vec<String> = if *holidays_closed {
                [year, year + 1]
                    .into_iter()
                    .flat_map(crate::directory::public_holidays)
                    .map(|d| d.to_string())
                    .collect()
            } else {
                vec![]
            };
            let hours: Vec<Value> = regular
                .iter()
                .map(|h| json!({"d": h.days, "o": h.opens, "c": h.closes}))
                .collect();
            json!({"hours": hours, "holidays": holidays})
        }
    };
    Some(v.to_string())
}

/// Percent-encodes a `geo:` query (RFC 5870 takes it as a URI query): unreserved
/// characters stay, spaces become `+`, everything else is its UTF-8 bytes.
fn geo_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b',' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn filter_link(site: &Site, f: &Filter, current: Option<&Filter>) -> Value {
    json!({
        "kind": f.kind.key(),
        "id": f.id,
        "label": f.label,
        "url": site.config.url(&f.path),
        "count": f.services.len(),
        "current": current.is_some_and(|c| c.path == f.path),
    })
}

/// Everything `directory.html` needs: the services shown, grouped by category, and every
/// filter with its count.
pub fn directory_context(
    site: &Site,
    dir: &Directory,
    filter: Option<&Filter>,
    summaries: &[Value],
) -> Value {
    let c = &site.config;
    let lang = site.sections[dir.section].lang;
    let code = c.languages[lang].code.as_str();
    let shown: &[usize] = filter.map_or(&dir.services, |f| &f.services);
    // The cards (rendered once per service) joined here: a listing of 2 000 services would
    // otherwise copy every service's data into every directory page's context.
    let cards = |list: &mut dyn Iterator<Item = usize>| -> String {
        list.filter_map(|p| summaries[p].get("card").and_then(Value::as_str))
            .collect()
    };
    let cards_html = cards(&mut shown.iter().copied());
    let groups: Vec<Value> = c
        .directory
        .categories
        .iter()
        .filter_map(|t| {
            let list: Vec<usize> = shown
                .iter()
                .copied()
                .filter(|&p| site.pages[p].service.as_ref().is_some_and(|s| s.categories.contains(&t.id)))
                .collect();
            (!list.is_empty()).then(|| {
                json!({"id": t.id, "label": t.label_in(code), "count": list.len(), "cards_html": cards(&mut list.iter().copied())})
            })
        })
        .collect();
    let by = |kind| {
        dir.filters_of(kind)
            .map(|f| filter_link(site, f, filter))
            .collect::<Vec<_>>()
    };
    let one = |kind| {
        dir.filters_of(kind)
            .next()
            .map(|f| filter_link(site, f, filter))
    };
    // A filter page's narrower and wider pages: all of the area, without referral, free, both.
    let refine: Vec<Value> = filter
        .map(|f| {
            let base = dir.family(f).find(|g| g.refined.is_none()).unwrap_or(f);
            dir.family(base)
                .map(|g| {
                    let label = match (g.refined.is_none(), g.refined.words(site, lang)) {
                        (true, _) => site.i18n.word(lang, "dir_all"),
                        (false, w) => {
                            let mut c = w.chars();
                            c.next().map_or(String::new(), |f| f.to_uppercase().collect::<String>() + c.as_str())
                        }
                    };
                    json!({"label": label, "url": c.url(&g.path), "count": g.services.len(), "current": g.path == f.path})
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "cards_html": cards_html,
        "count": shown.len(),
        "total": dir.services.len(),
        "groups": groups,
        "refine": if refine.len() > 1 { refine } else { vec![] },
        "filter": filter.map(|f| filter_link(site, f, filter)),
        "filters": {
            "categories": by(FilterKind::Category),
            "audience": by(FilterKind::Audience),
            "areas": by(FilterKind::Area),
            "no_referral": one(FilterKind::NoReferral),
            "free": one(FilterKind::Free),
        },
        "hsds_url": c.url(&dir.hsds_path),
        "csv_url": c.url(&dir.csv_path),
        "url": c.url(&site.sections[dir.section].path),
    })
}

/// Each service's summary, by page index (`Null` for other pages), with its card rendered
/// once (`service_card.html`): every directory page that lists the service reuses it.
/// `words` is `t` by language, converted once for every card.
pub(super) fn service_data(
    site: &Site,
    theme: &Theme,
    words: &[tera::Value],
) -> Result<Vec<Vec<Value>>, Vec<Diagnostic>> {
    // Service summaries, built once per directory (a directory in another language shows
    // them in its words) and shared by every page of it that lists them.
    let made: Vec<Vec<(usize, Value)>> = site
        .directories
        .iter()
        .map(|dir| {
            dir.services
                .par_iter()
                .map(|&p| (p, service_summary(site, dir, p)))
                .collect()
        })
        .collect();
    let mut services: Vec<Vec<Value>> = made
        .into_iter()
        .map(|list| {
            let mut by_page = vec![Value::Null; site.pages.len()];
            for (p, v) in list {
                by_page[p] = v;
            }
            by_page
        })
        .collect();
    // Each service's card is rendered once per directory (`service_card.html`) and reused
    // by every page of it that lists the service, instead of once per listing.
    let jobs: Vec<(usize, usize)> = site
        .directories
        .iter()
        .enumerate()
        .flat_map(|(d, dir)| dir.services.iter().map(move |&p| (d, p)))
        .collect();
    let cards: Vec<(usize, usize, Result<String, Diagnostic>)> = jobs
        .par_iter()
        .map(|&(d, p)| {
            let mut ctx = Context::new();
            ctx.insert("s", &services[d][p]);
            let lang = site.sections[site.directories[d].section].lang;
            if let Some(words) = words.get(lang) {
                ctx.insert_value("t", words.clone());
            }
            (d, p, theme.render(SERVICE_CARD, &ctx, "a service card"))
        })
        .collect();
    let mut diags = vec![];
    for (d, p, card) in cards {
        match card {
            Ok(html) => {
                if let Value::Object(m) = &mut services[d][p] {
                    m.insert("card".into(), Value::String(html));
                }
            }
            Err(e) => diags.push(e),
        }
    }
    if diags.is_empty() {
        Ok(services)
    } else {
        Err(diags)
    }
}
