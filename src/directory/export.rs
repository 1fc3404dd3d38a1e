//! Open data: every service as Open Referral HSDS 3.0 JSON, as schema.org JSON-LD for its
//! page, and as one CSV row for spreadsheets. Ids are UUIDs derived from the service's URL,
//! so they stay the same from build to build.

use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{days_text, OpeningHours, Service, DAY_CODES, SCHEMA_DAYS, WHOLE_COUNTRY};
use crate::config::{label, Config};

/// varde's namespace for name-based (v5) UUIDs. Never change it: ids would change with it.
const NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_4a3c_9b7e_4f2a_8c51_d0e3_a9b4_7c12);

pub fn id(kind: &str, name: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{name}").as_bytes()).to_string()
}

/// How a reader applies, in one text: referral, who can refer, how, and the steps.
pub fn application_process(s: &Service) -> Option<String> {
    let mut parts = vec![];
    if let Some(r) = &s.referral {
        parts.push(if r.required {
            "Krever henvisning.".to_string()
        } else {
            "Du trenger ikke henvisning.".to_string()
        });
        if let Some(w) = &r.who_can_refer {
            parts.push(format!("Hvem kan henvise: {w}"));
        }
        if let Some(h) = &r.how {
            parts.push(h.clone());
        }
    }
    if let Some(h) = &s.how_to_apply {
        parts.push(h.clone());
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Opening hours as lines a person reads ("mandag–fredag 08:00–15:30").
pub fn opening_lines(s: &Service) -> Vec<String> {
    match &s.opening_hours {
        None => vec![],
        Some(OpeningHours::Text { text }) => vec![text.clone()],
        Some(OpeningHours::Always) => vec!["Døgnåpent".to_string()],
        Some(OpeningHours::Structured {
            regular,
            holidays_closed,
            closed,
            note,
        }) => {
            let mut lines: Vec<String> = regular
                .iter()
                .map(|h| {
                    let d = days_text(&h.days);
                    let mut c = d.chars();
                    let d = c
                        .next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or(d);
                    format!("{d} {}–{}", h.opens, h.closes)
                })
                .collect();
            if *holidays_closed {
                lines.push(super::HOLIDAYS_CLOSED.to_string());
            }
            lines.extend(closed.iter().cloned());
            lines.extend(note.iter().cloned());
            lines
        }
    }
}

fn term(taxonomy: &str, code: &str, name: &str) -> Value {
    json!({
        "id": id("taxonomy_term", &format!("{taxonomy}/{code}")),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": taxonomy,
    })
}

/// One service as an HSDS 3.0 service object (validated against the official schema in tests).
/// HSDS has no "referral required" field, so it is carried twice: as an attribute with a term
/// from the `varde-henvisning` taxonomy (`henvisning-kreves` / `uten-henvisning`), and in
/// words in `application_process`.
///
/// Long on purpose: it writes one object field by field in the order of the HSDS schema,
/// so it can be read beside the schema; split up, that check gets harder, not easier.
pub fn hsds(config: &Config, s: &Service, title: &str, path: &str, description: &str) -> Value {
    let sid = id("service", path);
    let mut o = Map::new();
    o.insert("id".into(), json!(sid));
    o.insert("name".into(), json!(title));
    o.insert(
        "description".into(),
        json!(if description.is_empty() {
            &s.summary
        } else {
            description
        }),
    );
    o.insert(
        "url".into(),
        json!(s
            .contact
            .website
            .clone()
            .unwrap_or_else(|| config.permalink(path))),
    );
    if let Some(e) = &s.contact.email {
        o.insert("email".into(), json!(e));
    }
    o.insert("status".into(), json!("active"));
    if let Some(a) = application_process(s) {
        o.insert("application_process".into(), json!(a));
    }
    if let Some(c) = s.cost.as_ref().and_then(|c| c.text.clone()) {
        o.insert("fees_description".into(), json!(c));
    }
    if let Some(e) = &s.eligibility {
        o.insert("eligibility_description".into(), json!(e));
    }
    o.insert(
        "assured_date".into(),
        json!(s.last_reviewed.day.to_string()),
    );
    let org_id = id("organization", &s.organisation);
    o.insert("organization_id".into(), json!(org_id));
    o.insert(
        "organization".into(),
        json!({"id": org_id, "name": s.organisation, "description": format!("{} driver tjenesten {title}.", s.organisation)}),
    );
    let phones: Vec<Value> = s
        .contact
        .phones
        .iter()
        .map(|p| {
            let mut v = json!({"id": id("phone", &format!("{path}{}", p.tel)), "service_id": sid, "number": p.display, "type": "voice"});
            if let Some(l) = &p.label {
                v["description"] = json!(l);
            }
            v
        })
        .collect();
    o.insert("phones".into(), Value::Array(phones));
    let mut schedules = vec![];
    match &s.opening_hours {
        Some(OpeningHours::Text { text }) => {
            schedules.push(json!({"id": id("schedule", &format!("{path}0")), "service_id": sid, "description": text}));
        }
        Some(OpeningHours::Always) => {
            schedules.push(json!({
                "id": id("schedule", &format!("{path}0")),
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": DAY_CODES.join(","),
                "opens_at": "00:00",
                "closes_at": "23:59",
                "description": "Døgnåpent",
            }));
        }
        Some(OpeningHours::Structured {
            regular,
            holidays_closed,
            closed,
            note,
        }) => {
            let holidays = holidays_closed.then(|| super::HOLIDAYS_CLOSED.to_string());
            let notes: Vec<String> = holidays
                .iter()
                .chain(closed.iter())
                .chain(note.iter())
                .cloned()
                .collect();
            for (i, h) in regular.iter().enumerate() {
                let byday: Vec<&str> = h
                    .days
                    .iter()
                    .map(|&d| DAY_CODES[(d as usize - 1) % 7])
                    .collect();
                let mut v = json!({
                    "id": id("schedule", &format!("{path}{i}")),
                    "service_id": sid,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": byday.join(","),
                    "opens_at": h.opens,
                    "closes_at": h.closes,
                    "description": format!("{} {}–{}", days_text(&h.days), h.opens, h.closes),
                });
                if !notes.is_empty() {
                    v["notes"] = json!(notes.join(". "));
                }
                schedules.push(v);
            }
        }
        None => {}
    }
    o.insert("schedules".into(), Value::Array(schedules));
    if let Some(a) = &s.contact.address {
        o.insert(
            "service_at_locations".into(),
            json!([service_at_location(config, s, a, path, &sid, title)]),
        );
    }
    let areas: Vec<Value> = s
        .service_area
        .iter()
        .map(|a| {
            let name = if a == WHOLE_COUNTRY { "Hele landet" } else { a.as_str() };
            json!({"id": id("service_area", &format!("{path}{a}")), "service_id": sid, "name": name})
        })
        .collect();
    o.insert("service_areas".into(), Value::Array(areas));
    let costs: Vec<Value> = s
        .cost
        .iter()
        .map(|c| {
            let mut v =
                json!({"id": id("cost_option", path), "service_id": sid, "currency": "NOK"});
            if c.free {
                v["amount"] = json!(0);
                v["option"] = json!("Gratis");
            }
            if let Some(t) = &c.text {
                v["amount_description"] = json!(t);
            }
            v
        })
        .collect();
    o.insert("cost_options".into(), Value::Array(costs));
    let languages: Vec<Value> = s
        .languages
        .iter()
        .map(|l| {
            let is_code = (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase());
            let mut v = json!({"id": id("language", &format!("{path}{l}")), "service_id": sid});
            v[if is_code { "code" } else { "name" }] = json!(l);
            v
        })
        .collect();
    o.insert("languages".into(), Value::Array(languages));
    o.insert("contacts".into(), Value::Array(vec![]));
    let d = &config.directory;
    let mut attributes = vec![];
    let mut attr = |taxonomy: &str, code: &str, name: &str| {
        let t = term(taxonomy, code, name);
        attributes.push(json!({
            "id": id("attribute", &format!("{path}{taxonomy}/{code}")),
            "link_id": sid,
            "link_type": "service",
            "link_entity": "service",
            "taxonomy_term_id": t["id"],
            "taxonomy_term": t,
        }));
    };
    for c in &s.categories {
        attr("varde-kategorier", c, label(&d.categories, c));
    }
    for a in &s.audience {
        attr("varde-malgruppe", a, label(&d.audience, a));
    }
    if let Some(r) = s.requires_referral() {
        if r {
            attr("varde-henvisning", "henvisning-kreves", "Krever henvisning");
        } else {
            attr("varde-henvisning", "uten-henvisning", "Uten henvisning");
        }
    }
    o.insert("attributes".into(), Value::Array(attributes));
    Value::Object(o)
}

/// Where the service is met: its street address as an HSDS location (physical).
/// `state_province` is the county, when `directory.regions` names the city's municipality
/// (or a service area that is a county); HSDS requires the field, so it is "" otherwise.
fn service_at_location(
    config: &Config,
    s: &Service,
    a: &super::Address,
    path: &str,
    sid: &str,
    title: &str,
) -> Value {
    let regions = &config.directory.regions;
    let county = regions
        .iter()
        .find(|r| {
            r.municipalities
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&a.city))
                || s.service_area
                    .iter()
                    .any(|sa| sa.eq_ignore_ascii_case(&r.name))
        })
        .map_or("", |r| r.name.as_str());
    let lid = id("location", path);
    json!({
        "id": id("service_at_location", path),
        "service_id": sid,
        "location_id": lid,
        "location": {
            "id": lid,
            "location_type": "physical",
            "name": title,
            "addresses": [{
                "id": id("address", path),
                "location_id": lid,
                "address_1": a.street,
                "city": a.city,
                "state_province": county,
                "postal_code": a.postcode,
                "country": "NO",
                "address_type": "physical",
            }],
        },
    })
}

/// Public bodies get schema.org's GovernmentService; others the general Service.
fn schema_type(organisation: &str) -> &'static str {
    let o = organisation.to_lowercase();
    let public = [
        "kommune",
        "helse ",
        "helseforetak",
        "sykehus",
        "direktorat",
        "bufetat",
        "nav",
        "statens",
        "fylke",
    ];
    if public.iter().any(|p| o.contains(p)) || o.starts_with("helse") {
        "GovernmentService"
    } else {
        "Service"
    }
}

/// schema.org JSON-LD for a service page, made safe to sit inside a `<script>` element.
pub fn json_ld(config: &Config, s: &Service, title: &str, path: &str) -> String {
    let d = &config.directory;
    let areas: Vec<Value> = s
        .service_area
        .iter()
        .map(|a| {
            if a == WHOLE_COUNTRY {
                json!({"@type": "Country", "name": "Norge"})
            } else {
                json!({"@type": "AdministrativeArea", "name": a})
            }
        })
        .collect();
    let all_days: Vec<String> = SCHEMA_DAYS
        .iter()
        .map(|d| format!("https://schema.org/{d}"))
        .collect();
    let hours: Vec<Value> = match &s.opening_hours {
        Some(OpeningHours::Always) => vec![
            json!({"@type": "OpeningHoursSpecification", "dayOfWeek": all_days, "opens": "00:00", "closes": "23:59"}),
        ],
        Some(OpeningHours::Structured { regular, .. }) => regular
            .iter()
            .map(|h| {
                let days: Vec<String> = h.days.iter().map(|&d| format!("https://schema.org/{}", SCHEMA_DAYS[(d as usize - 1) % 7])).collect();
                json!({"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": h.opens, "closes": h.closes})
            })
            .collect(),
        _ => vec![],
    };
    let mut points: Vec<Value> = s
        .contact
        .phones
        .iter()
        .map(|p| {
            let mut v = json!({"@type": "ContactPoint", "telephone": p.tel, "contactType": p.label.clone().unwrap_or_else(|| "Telefon".into())});
            if !hours.is_empty() {
                v["hoursAvailable"] = json!(hours);
            }
            if let Some(e) = &s.contact.email {
                v["email"] = json!(e);
            }
            v
        })
        .collect();
    if points.is_empty() {
        if let Some(e) = &s.contact.email {
            points.push(json!({"@type": "ContactPoint", "email": e, "contactType": "E-post"}));
        }
    }
    let mut provider = json!({"@type": "Organization", "name": s.organisation});
    if !points.is_empty() {
        provider["contactPoint"] = json!(points);
    }
    let mut channel = json!({"@type": "ServiceChannel", "serviceUrl": s.contact.website.clone().unwrap_or_else(|| config.permalink(path))});
    if let Some(p) = points.first() {
        channel["servicePhone"] = p.clone();
    }
    if let Some(a) = &s.contact.address {
        channel["serviceLocation"] = json!({"@type": "Place", "address": {
            "@type": "PostalAddress", "streetAddress": a.street, "postalCode": a.postcode,
            "addressLocality": a.city, "addressCountry": "NO"}});
    }
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": schema_type(&s.organisation),
        "@id": config.permalink(path),
        "name": title,
        "description": s.summary,
        "url": config.permalink(path),
        "provider": provider,
        "areaServed": areas,
        "availableChannel": channel,
        "serviceType": s.categories.iter().map(|c| label(&d.categories, c)).collect::<Vec<_>>(),
        "audience": s.audience.iter().map(|a| json!({"@type": "Audience", "audienceType": label(&d.audience, a)})).collect::<Vec<_>>(),
    });
    if !hours.is_empty() {
        v["hoursAvailable"] = json!(hours);
    }
    if let Some(free) = s.is_free() {
        v["isAccessibleForFree"] = json!(free);
    }
    // Inside <script>, `</script>` would end the element early and `<!--` changes how the
    // rest is parsed; with every `<` written as \u003c (still the same JSON) neither can occur.
    serde_json::to_string_pretty(&v)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

pub const CSV_HEADER: &[&str] = &[
    "id",
    "navn",
    "organisasjon",
    "sammendrag",
    "kategorier",
    "malgruppe",
    "omrade",
    "henvisning_kreves",
    "hvem_kan_henvise",
    "gratis",
    "pris",
    "telefon",
    "epost",
    "nettsted",
    "gateadresse",
    "postnummer",
    "sted",
    "apningstider",
    "sist_kontrollert",
    "url",
    "henvisning_slik",
    "hvem_kan_bruke",
    "sprak",
    "slik_tar_du_kontakt",
    "ansvarlig",
    "beskrivelse",
];

/// One CSV field, quoted (RFC 4180). A cell a spreadsheet would run as a formula gets a `'`
/// in front; our normalised phone numbers (`+47 ...`) are safe and left as they are.
pub fn csv_field(s: &str) -> String {
    let is_phone = s.starts_with('+')
        && s[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == ';');
    let risky = s.starts_with(['=', '@', '\t', '\r']) || (s.starts_with(['+', '-']) && !is_phone);
    let s = if risky {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "ja",
        Some(false) => "nei",
        None => "",
    }
}

/// One service as a CSV row under `CSV_HEADER`: everything the entry holds, so the file is
/// also a valid import (`directory::table`) that gives the same services back. `body` is
/// the entry's Markdown text.
pub fn csv_row(config: &Config, s: &Service, title: &str, path: &str, body: &str) -> String {
    let d = &config.directory;
    let cats: Vec<&str> = s
        .categories
        .iter()
        .map(|c| label(&d.categories, c))
        .collect();
    let aud: Vec<&str> = s.audience.iter().map(|a| label(&d.audience, a)).collect();
    let areas: Vec<&str> = s
        .service_area
        .iter()
        .map(|a| {
            if a == WHOLE_COUNTRY {
                "Hele landet"
            } else {
                a.as_str()
            }
        })
        .collect();
    let phones: Vec<String> = s
        .contact
        .phones
        .iter()
        .map(|p| match &p.label {
            Some(l) => format!("{} ({l})", p.display),
            None => p.display.clone(),
        })
        .collect();
    let addr = s.contact.address.as_ref();
    let fields = [
        id("service", path),
        title.to_string(),
        s.organisation.clone(),
        s.summary.clone(),
        cats.join("; "),
        aud.join("; "),
        areas.join("; "),
        yes_no(s.requires_referral()).to_string(),
        s.referral
            .as_ref()
            .and_then(|r| r.who_can_refer.clone())
            .unwrap_or_default(),
        yes_no(s.is_free()).to_string(),
        s.cost
            .as_ref()
            .and_then(|c| c.text.clone())
            .unwrap_or_default(),
        phones.join("; "),
        s.contact.email.clone().unwrap_or_default(),
        s.contact.website.clone().unwrap_or_default(),
        addr.map(|a| a.street.clone()).unwrap_or_default(),
        addr.map(|a| a.postcode.clone()).unwrap_or_default(),
        addr.map(|a| a.city.clone()).unwrap_or_default(),
        opening_lines(s).join("; "),
        s.last_reviewed.day.to_string(),
        config.permalink(path),
        s.referral
            .as_ref()
            .and_then(|r| r.how.clone())
            .unwrap_or_default(),
        s.eligibility.clone().unwrap_or_default(),
        s.languages.join("; "),
        s.how_to_apply.clone().unwrap_or_default(),
        s.reviewed_by.clone().unwrap_or_default(),
        body.trim().to_string(),
    ];
    let cells: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    cells.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_uuids() {
        assert_eq!(
            id("service", "/tjenester/a/"),
            id("service", "/tjenester/a/")
        );
        assert_ne!(
            id("service", "/tjenester/a/"),
            id("service", "/tjenester/b/")
        );
        assert_eq!(id("service", "/x/").len(), 36);
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a \"b\", c"), "\"a \"\"b\"\", c\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_field("+47 22 33 44 55"), "\"+47 22 33 44 55\"");
        assert_eq!(csv_field("+cmd|x"), "\"'+cmd|x\"");
    }
}
