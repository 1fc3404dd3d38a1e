//! A directory kept elsewhere, published by varde: an Open Referral HSDS 3.0 file (a list
//! of service objects, as `tjenester/hsds/services.json` writes it) read as the same front
//! matter a Markdown entry gives. What varde's own export puts in HSDS comes back: the
//! `varde-*` taxonomies as categories, audience and referral, the schedules as opening
//! hours, the first physical address, and the page's address when `url` is on this site.

use serde_json::{json, Map, Value};

use super::table::Row;
use super::{DAY_CODES, DAY_NAMES_NB, WHOLE_COUNTRY};
use crate::config::Config;

/// The HSDS fields a service object may have that varde reads; others are left alone.
pub const READ: &[&str] = &[
    "name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "assured_date",
    "organization",
    "phones",
    "schedules",
    "service_areas",
    "cost_options",
    "languages",
    "attributes",
    "service_at_locations",
];

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One HSDS service object as a row of front matter (see `table::Row`).
pub fn service(v: &Value, config: &Config) -> Row {
    let mut f = Map::new();
    let mut put = |k: &str, val: Value| {
        f.insert(k.to_string(), val);
    };
    if let Some(o) = v.get("organization").and_then(|o| text(o, "name")) {
        put("organisation", json!(o));
    }
    if let Some(d) = text(v, "description") {
        put("summary", json!(d));
    }
    if let Some(e) = text(v, "eligibility_description") {
        put("eligibility", json!(e));
    }
    if let Some(d) = text(v, "assured_date") {
        put("last_reviewed", json!(d));
    }
    // Attributes in varde's own taxonomies.
    let mut categories = vec![];
    let mut audience = vec![];
    let mut referral_required = None;
    for a in list(v, "attributes") {
        let Some(t) = a.get("taxonomy_term") else {
            continue;
        };
        let code = text(t, "code").unwrap_or_default();
        match text(t, "taxonomy") {
            Some("varde-kategorier") => categories.push(json!(code)),
            Some("varde-malgruppe") => audience.push(json!(code)),
            Some("varde-henvisning") => referral_required = Some(code == "henvisning-kreves"),
            _ => {}
        }
    }
    if !categories.is_empty() {
        put("categories", Value::Array(categories));
    }
    if !audience.is_empty() {
        put("audience", Value::Array(audience));
    }
    let areas: Vec<Value> = list(v, "service_areas")
        .iter()
        .filter_map(|a| text(a, "name"))
        .map(|n| {
            json!(if n.eq_ignore_ascii_case("hele landet") {
                WHOLE_COUNTRY
            } else {
                n
            })
        })
        .collect();
    if !areas.is_empty() {
        put("service_area", Value::Array(areas));
    }
    // The export writes the referral as its first sentence; the rest is how to apply.
    let process = text(v, "application_process").unwrap_or_default();
    let (required, rest) = if let Some(r) = process.strip_prefix("Krever henvisning.") {
        (Some(true), r.trim())
    } else if let Some(r) = process.strip_prefix("Du trenger ikke henvisning.") {
        (Some(false), r.trim())
    } else {
        (None, process)
    };
    if let Some(r) = referral_required.or(required) {
        put("referral", json!({"required": r}));
    }
    if !rest.is_empty() {
        put("how_to_apply", json!(rest));
    }
    let fees = text(v, "fees_description");
    if let Some(c) = list(v, "cost_options").first() {
        let mut cost = json!({"free": c.get("amount").and_then(Value::as_f64) == Some(0.0)});
        if let Some(t) = fees.or_else(|| text(c, "amount_description")) {
            cost["text"] = json!(t);
        }
        put("cost", cost);
    }
    let mut contact = Map::new();
    let phones: Vec<Value> = list(v, "phones")
        .iter()
        .filter_map(|p| {
            let number = text(p, "number")?;
            Some(match text(p, "description") {
                Some(l) => json!({"number": number, "label": l}),
                None => json!({"number": number}),
            })
        })
        .collect();
    if !phones.is_empty() {
        contact.insert("phones".into(), Value::Array(phones));
    }
    if let Some(e) = text(v, "email") {
        contact.insert("email".into(), json!(e));
    }
    // `url` is the service's website, or (from varde's export) its page on this site.
    let site = config.permalink("/");
    let mut page_url = None;
    if let Some(u) = text(v, "url") {
        if u.starts_with(&site) {
            page_url = Some(u.to_string());
        } else {
            contact.insert("website".into(), json!(u));
        }
    }
    let address = list(v, "service_at_locations")
        .iter()
        .filter_map(|l| l.get("location"))
        .flat_map(|l| list(l, "addresses"))
        .find(|a| text(a, "address_type").is_none_or(|t| t == "physical"));
    if let Some(a) = address {
        contact.insert(
            "address".into(),
            json!({
                "street": text(a, "address_1").unwrap_or_default(),
                "postcode": text(a, "postal_code").unwrap_or_default(),
                "city": text(a, "city").unwrap_or_default(),
            }),
        );
    }
    if !contact.is_empty() {
        put("contact", Value::Object(contact));
    }
    if let Some(h) = hours(list(v, "schedules")) {
        put("opening_hours", h);
    }
    if let Some(l) = languages(list(v, "languages")) {
        put("languages", l);
    }
    Row {
        fields: f,
        title: text(v, "name").unwrap_or_default().to_string(),
        url: page_url,
        body: String::new(),
    }
}

/// Weekly schedules as regular hours (their notes as one note); a schedule with only a
/// description as that text; every day from 00:00 to 23:59 as `døgnåpent`.
fn hours(schedules: &[Value]) -> Option<Value> {
    let mut regular = vec![];
    let mut notes: Option<&str> = None;
    for s in schedules {
        let (Some(byday), Some(opens), Some(closes)) =
            (text(s, "byday"), text(s, "opens_at"), text(s, "closes_at"))
        else {
            continue;
        };
        if byday.split(',').count() == 7 && opens == "00:00" && closes == "23:59" {
            return Some(json!("døgnåpent"));
        }
        let days: Vec<&str> = byday
            .split(',')
            .filter_map(|c| DAY_CODES.iter().position(|d| *d == c.trim()))
            .map(|i| DAY_NAMES_NB[i])
            .collect();
        // `08:00:00` is `08:00`; anything else is left for the rules to refuse.
        let hhmm = |t: &str| t.get(..5).filter(|_| t.len() > 5).unwrap_or(t).to_string();
        regular.push(json!({"days": days, "opens": hhmm(opens), "closes": hhmm(closes)}));
        notes = notes.or(text(s, "notes"));
    }
    if regular.is_empty() {
        return schedules
            .iter()
            .find_map(|s| text(s, "description"))
            .map(|d| json!(d));
    }
    let mut m = json!({"regular": regular});
    if let Some(n) = notes {
        match n.strip_prefix(super::HOLIDAYS_CLOSED) {
            Some(rest) => {
                m["public_holidays"] = json!("closed");
                let rest = rest.trim_start_matches('.').trim();
                if !rest.is_empty() {
                    m["note"] = json!(rest);
                }
            }
            None => m["note"] = json!(n),
        }
    }
    Some(m)
}

fn languages(langs: &[Value]) -> Option<Value> {
    let l: Vec<Value> = langs
        .iter()
        .filter_map(|l| text(l, "code").or_else(|| text(l, "name")))
        .map(|s| json!(s))
        .collect();
    (!l.is_empty()).then_some(Value::Array(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hsds_service_reads_as_front_matter() {
        let v = json!({
            "id": "x", "name": "Senteret", "description": "Samtaler.",
            "url": "https://example.no/", "email": "post@example.no",
            "application_process": "Du trenger ikke henvisning. Ring oss.",
            "assured_date": "2026-05-01",
            "organization": {"id": "o", "name": "Kommunen"},
            "phones": [{"id": "p", "number": "+47 38 07 50 00", "description": "Sentralbord"}],
            "schedules": [{"id": "s", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "08:00", "closes_at": "15:30", "notes": "Stengt på helligdager. Stengt i juli"}],
            "service_areas": [{"id": "a", "name": "Hele landet"}],
            "cost_options": [{"id": "c", "amount": 0, "currency": "NOK"}],
            "attributes": [{"taxonomy_term": {"taxonomy": "varde-kategorier", "code": "kurs"}}],
            "service_at_locations": [{"location": {"location_type": "physical", "addresses": [{"address_1": "Storgata 1", "postal_code": "4611", "city": "Kristiansand", "address_type": "physical"}]}}],
        });
        let row = service(&v, &Config::default());
        assert_eq!(row.title, "Senteret");
        let f = Value::Object(row.fields);
        assert_eq!(f["organisation"], "Kommunen");
        assert_eq!(f["referral"]["required"], false);
        assert_eq!(f["how_to_apply"], "Ring oss.");
        assert_eq!(f["cost"]["free"], true);
        assert_eq!(f["service_area"][0], WHOLE_COUNTRY);
        assert_eq!(f["contact"]["website"], "https://example.no/");
        assert_eq!(f["contact"]["phones"][0]["label"], "Sentralbord");
        assert_eq!(f["contact"]["address"]["postcode"], "4611");
        assert_eq!(f["opening_hours"]["regular"][0]["days"][4], "fredag");
        assert_eq!(f["opening_hours"]["public_holidays"], "closed");
        assert_eq!(f["opening_hours"]["note"], "Stengt i juli");
        assert_eq!(f["categories"][0], "kurs");
    }
}
