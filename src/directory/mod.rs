//! The service directory: typed service entries (front matter of pages in a section whose
//! `_index.md` says `directory: true`), their validation, the filters the directory pages
//! offer, and the open-data exports.

pub mod contact;
pub mod export;
pub mod hsds_in;
pub mod table;

use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::Diagnostic;
use crate::fields::Fields;
use crate::slug::slugify;

/// The value of `service_area` that means the whole country.
pub const WHOLE_COUNTRY: &str = "hele-landet";

/// Front-matter keys of a service, besides the page's own (title, description, ...).
pub const SERVICE_FIELDS: &[&str] = &[
    "organisation",
    "summary",
    "categories",
    "audience",
    "service_area",
    "referral",
    "cost",
    "eligibility",
    "languages",
    "contact",
    "opening_hours",
    "how_to_apply",
    "last_reviewed",
    "reviewed_by",
];

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub organisation: String,
    pub summary: String,
    pub categories: Vec<String>,
    pub audience: Vec<String>,
    /// Municipalities and counties as written, or [`WHOLE_COUNTRY`].
    pub service_area: Vec<String>,
    pub referral: Option<Referral>,
    pub cost: Option<Cost>,
    pub eligibility: Option<String>,
    pub languages: Vec<String>,
    pub contact: Contact,
    pub opening_hours: Option<OpeningHours>,
    pub how_to_apply: Option<String>,
    pub last_reviewed: Date,
    /// Who keeps this entry up to date (a person or an office), for `varde check`'s list.
    pub reviewed_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Referral {
    pub required: bool,
    pub who_can_refer: Option<String>,
    pub how: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    pub free: bool,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Contact {
    pub phones: Vec<Phone>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Phone {
    pub display: String,
    pub tel: String,
    pub label: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OpeningHours {
    /// Irregular hours, as a sentence ("Etter avtale").
    Text { text: String },
    /// Open day and night, every day (`opening_hours: døgnåpent`).
    Always,
    Structured {
        regular: Vec<Hours>,
        /// Closed on Norway's public holidays (`public_holidays: closed`).
        holidays_closed: bool,
        /// Days or periods when it is closed ("Stengt i juli").
        closed: Vec<String>,
        note: Option<String>,
    },
}

/// What `public_holidays: closed` adds to the hours a reader sees.
pub const HOLIDAYS_CLOSED: &str = "Stengt på helligdager";

/// Norway's public holidays in `year` (helligdager and 1 and 17 May), as dates.
pub fn public_holidays(year: i32) -> Vec<chrono::NaiveDate> {
    use chrono::{Days, NaiveDate};
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    // Easter Sunday by the anonymous Gregorian computus.
    let (a, b, c) = (year % 19, year / 100, year % 100);
    let (d, e) = (b / 4, b % 4);
    let g = (8 * b + 13) / 25;
    let h = (19 * a + b - d - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 19 * l) / 433;
    let month = (h + l - 7 * m + 90) / 25;
    let date = (h + l - 7 * m + 33 * month + 19) % 32;
    let mut out: Vec<NaiveDate> = [day(1, 1), day(5, 1), day(5, 17), day(12, 25), day(12, 26)]
        .into_iter()
        .flatten()
        .collect();
    if let Some(easter) = day(month as u32, date as u32) {
        // Skjærtorsdag, langfredag, 1. og 2. påskedag, Kristi himmelfart, 1. og 2. pinsedag.
        for offset in [-3i64, -2, 0, 1, 39, 49, 50] {
            let d = if offset < 0 {
                easter.checked_sub_days(Days::new(offset.unsigned_abs()))
            } else {
                easter.checked_add_days(Days::new(offset as u64))
            };
            out.extend(d);
        }
    }
    out.sort();
    // Whit Monday can be 17 May (2027).
    out.dedup();
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct Hours {
    /// ISO weekday numbers, Monday = 1.
    pub days: Vec<u8>,
    pub opens: String,
    pub closes: String,
}

pub const DAY_NAMES_NB: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
pub const DAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
pub const SCHEMA_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

pub(crate) fn weekday(s: &str) -> Option<u8> {
    let s = s.trim().to_lowercase();
    let names: [&[&str]; 7] = [
        &["man", "mandag", "mon", "monday", "mo"],
        &["tir", "tirsdag", "tue", "tuesday", "tu"],
        &["ons", "onsdag", "wed", "wednesday", "we"],
        &["tor", "torsdag", "thu", "thursday", "th"],
        &["fre", "fredag", "fri", "friday", "fr"],
        &["lør", "lørdag", "lor", "sat", "saturday", "sa"],
        &["søn", "søndag", "son", "sun", "sunday", "su"],
    ];
    names
        .iter()
        .position(|n| n.contains(&s.as_str()))
        .map(|i| i as u8 + 1)
}

fn time_of_day(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && (h < 24 || m == 0) && s.trim().len() == 5).then_some((h, m))
}

impl Service {
    pub fn requires_referral(&self) -> Option<bool> {
        self.referral.as_ref().map(|r| r.required)
    }

    pub fn is_free(&self) -> Option<bool> {
        self.cost.as_ref().map(|c| c.free)
    }

    /// Whether `last_reviewed` is older than the site's limit on `today`.
    pub fn is_stale(&self, config: &Config, today: Date) -> bool {
        let months = config.directory.review_max_age_months;
        match today.day.checked_sub_months(chrono::Months::new(months)) {
            Some(limit) => self.last_reviewed.day < limit,
            None => false,
        }
    }

    /// Every area a filter on it should find: the areas as written, plus the region each
    /// municipality belongs to.
    pub fn area_slugs(&self, config: &Config) -> Vec<String> {
        let own: Vec<String> = self.service_area.iter().map(|a| slugify(a)).collect();
        let mut out = own.clone();
        for r in &config.directory.regions {
            if r.municipalities.iter().any(|m| own.contains(&slugify(m))) {
                out.push(slugify(&r.name));
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The values of a vocabulary field. `trusted` is false when the vocabulary itself has an
/// error in site.yaml: then a value missing from it is that error's doing, not the page's.
fn vocabulary(
    f: &mut Fields<'_>,
    key: &str,
    allowed: &[crate::config::Term],
    required: bool,
    trusted: bool,
) -> Vec<String> {
    let present = f.has(key);
    let values = f.take_str_list(key);
    if values.is_empty() && required {
        let msg = if present {
            format!("`{key}` is empty")
        } else {
            format!("`{key}` is required")
        };
        let ids: Vec<&str> = allowed.iter().map(|t| t.id.as_str()).collect();
        let d = f.error(key, msg);
        d.hint = Some(if ids.is_empty() {
            format!("declare the {key} under `directory:` in site.yaml, then list one or more here")
        } else {
            format!("list one or more of: {}", ids.join(", "))
        });
        return values;
    }
    let mut ok = vec![];
    for v in values {
        if allowed.iter().any(|t| t.id == v) {
            ok.push(v);
        } else if !trusted {
            continue;
        } else {
            let ids: Vec<&str> = allowed.iter().map(|t| t.id.as_str()).collect();
            let hint = match crate::fields::nearest(&v, &ids) {
                Some(n) => format!("did you mean `{n}`? Valid {key}: {}", ids.join(", ")),
                None if ids.is_empty() => {
                    format!("no {key} are declared under `directory:` in site.yaml")
                }
                None => format!("valid {key}: {}", ids.join(", ")),
            };
            f.error(key, format!("`{v}` is not one of the {key} in site.yaml"))
                .hint = Some(hint);
        }
    }
    ok
}

/// Reads the service fields of a page's front matter. `None` when a required part is
/// missing (the diagnostics say which).
pub fn parse(f: &mut Fields<'_>, config: &Config, today: Date) -> Option<Service> {
    let d = &config.directory;
    let organisation = f.require_str(
        "organisation",
        "name who runs the service: `organisation: Oslo kommune`",
    );
    let summary = f.require_str(
        "summary",
        "describe the service in one sentence: `summary: ...`",
    );
    let trusted = |key| !d.incomplete.contains(&key);
    let categories = vocabulary(f, "categories", &d.categories, true, trusted("categories"));
    let audience = vocabulary(f, "audience", &d.audience, false, trusted("audience"));
    let service_area = f.take_str_list("service_area");
    if service_area.is_empty() {
        f.error("service_area", "`service_area` is required").hint = Some(format!(
            "list municipalities and/or counties, or write `service_area: [{WHOLE_COUNTRY}]`"
        ));
    }
    let referral = f.take_map("referral").map(|mut r| {
        let given = r.has("required");
        let required = r.take_bool("required");
        if required.is_none() && !given {
            r.error("required", "`referral.required` is required").hint = Some(
                "write `required: true` if a referral is needed, `required: false` if not".into(),
            );
        }
        let out = Referral {
            required: required.unwrap_or(false),
            who_can_refer: r.take_str("who_can_refer"),
            how: r.take_str("how"),
        };
        let diags = r.finish(
            &["required", "who_can_refer", "how"],
            crate::diagnostics::Severity::Error,
        );
        f.diags.extend(diags);
        out
    });
    let cost = f.take_map("cost").map(|mut c| {
        let given = c.has("free");
        let free = c.take_bool("free");
        if free.is_none() && !given {
            c.error("free", "`cost.free` is required").hint =
                Some("write `free: true` or `free: false`".into());
        }
        let out = Cost {
            free: free.unwrap_or(false),
            text: c.take_str("text"),
        };
        let diags = c.finish(&["free", "text"], crate::diagnostics::Severity::Error);
        f.diags.extend(diags);
        out
    });
    let eligibility = f.take_str("eligibility");
    let languages = f.take_str_list("languages");
    let contact = f.take_map("contact").map(contact_fields).map(|(c, diags)| {
        f.diags.extend(diags);
        c
    });
    let opening_hours = opening_hours(f);
    let how_to_apply = f.take_str("how_to_apply");
    let reviewed_given = f.has("last_reviewed");
    let last_reviewed = match f.take_date("last_reviewed") {
        Some(date) if date.day > today.day => {
            f.error(
                "last_reviewed",
                format!("`last_reviewed` is in the future ({})", date.iso()),
            )
            .hint = Some("write the day the facts were last checked".into());
            None
        }
        Some(date) => Some(date),
        None => {
            if !reviewed_given {
                f.require_str(
                    "last_reviewed",
                    "write the day the facts were last checked: `last_reviewed: 2026-01-31`",
                );
            }
            None
        }
    };
    let reviewed_by = f.take_str("reviewed_by");
    Some(Service {
        organisation: organisation?,
        summary: summary?,
        categories,
        audience,
        service_area,
        referral,
        cost,
        eligibility,
        languages,
        contact: contact.unwrap_or_default(),
        opening_hours,
        how_to_apply,
        last_reviewed: last_reviewed?,
        reviewed_by,
    })
}

fn contact_fields(mut c: Fields<'_>) -> (Contact, Vec<Diagnostic>) {
    let mut out = Contact::default();
    match c.take("phones") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                let (raw, label) = match item {
                    Value::String(s) => (s, None),
                    Value::Number(n) => (n.to_string(), None),
                    Value::Object(mut m) => {
                        let number = match m.remove("number") {
                            Some(Value::String(s)) => s,
                            Some(Value::Number(n)) => n.to_string(),
                            _ => String::new(),
                        };
                        let label = m
                            .remove("label")
                            .and_then(|v| v.as_str().map(str::to_string));
                        let idx = i.to_string();
                        for k in m.keys() {
                            c.error_in(
                                "phones",
                                &[&idx, k],
                                format!("unknown field `{k}` in phone {}", i + 1),
                            )
                            .hint = Some("a phone has `number` and `label`".into());
                        }
                        (number, label)
                    }
                    _ => (String::new(), None),
                };
                match contact::phone(&raw) {
                    Ok(p) => out.phones.push(Phone {
                        display: p.display,
                        tel: p.tel,
                        label,
                    }),
                    Err(msg) => {
                        let idx = i.to_string();
                        c.error_in("phones", &[&idx, "number"], format!("phone {}: {msg}", i + 1)).hint = Some(
                            "write a Norwegian number with eight digits, e.g. `+47 22 33 44 55`, or a short number such as `113`"
                                .into(),
                        );
                    }
                }
            }
        }
        Some(_) => {
            c.error("phones", "`contact.phones` must be a list").hint =
                Some("write `phones:` followed by lines `- number: \"+47 22 33 44 55\"` and `label: Sentralbord`".into());
        }
    }
    if let Some(e) = c.take_str("email") {
        match contact::email(&e) {
            Ok(e) => out.email = Some(e),
            Err(msg) => c.error("email", msg).hint = Some("write it as name@example.no".into()),
        }
    }
    if let Some(w) = c.take_str("website") {
        match contact::website(&w) {
            Ok(contact::UrlCheck::Ok(u)) => out.website = Some(u),
            Ok(contact::UrlCheck::Insecure(u)) => {
                c.warning("website", format!("`{u}` is not encrypted (http)"))
                    .hint = Some("use https:// if the site supports it".into());
                out.website = Some(u);
            }
            Err(msg) => {
                c.error("website", msg).hint =
                    Some("write the full address, e.g. https://example.no/".into())
            }
        }
    }
    if let Some(mut a) = c.take_map("address") {
        let street = a.require_str(
            "street",
            "the address needs `street:`, `postcode:` and `city:`",
        );
        let postcode = a.require_str(
            "postcode",
            "the address needs `street:`, `postcode:` and `city:`",
        );
        let city = a.require_str(
            "city",
            "the address needs `street:`, `postcode:` and `city:`",
        );
        if let Some(p) = &postcode {
            if p.len() != 4 || !p.chars().all(|c| c.is_ascii_digit()) {
                a.error("postcode", format!("`{p}` is not a Norwegian postcode")).hint =
                    Some("a postcode has four digits; quote it to keep a leading zero: `postcode: \"0150\"`".into());
            }
        }
        if let (Some(street), Some(postcode), Some(city)) = (street, postcode, city) {
            out.address = Some(Address {
                street,
                postcode,
                city,
            });
        }
        let diags = a.finish(
            &["street", "postcode", "city"],
            crate::diagnostics::Severity::Error,
        );
        c.diags.extend(diags);
    }
    let diags = c.finish(
        &["phones", "email", "website", "address"],
        crate::diagnostics::Severity::Error,
    );
    (out, diags)
}

fn opening_hours(f: &mut Fields<'_>) -> Option<OpeningHours> {
    if !f.has("opening_hours") {
        return None;
    }
    let is_text = matches!(f.peek("opening_hours"), Some(Value::String(_)));
    if is_text {
        return f.take_str("opening_hours").map(|text| {
            let t = text.trim().to_lowercase();
            if t == "døgnåpent" || t == "24/7" || t == "alltid åpent" {
                OpeningHours::Always
            } else {
                OpeningHours::Text { text }
            }
        });
    }
    let mut o = f.take_map("opening_hours")?;
    let mut regular = vec![];
    match o.take("regular") {
        None => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                let n = i + 1;
                let Value::Object(m) = item else {
                    o.error(
                        "regular",
                        format!("item {n} of `regular` must have `days`, `opens` and `closes`"),
                    );
                    continue;
                };
                let days: Vec<u8> = match m.get("days") {
                    Some(Value::Array(ds)) => ds
                        .iter()
                        .filter_map(|d| d.as_str())
                        .filter_map(weekday)
                        .collect(),
                    Some(Value::String(s)) => s
                        .split([',', ' '])
                        .filter(|x| !x.is_empty())
                        .filter_map(weekday)
                        .collect(),
                    _ => vec![],
                };
                let given = match m.get("days") {
                    Some(Value::Array(ds)) => ds.len(),
                    Some(Value::String(s)) => s.split([',', ' ']).filter(|x| !x.is_empty()).count(),
                    _ => 0,
                };
                if days.is_empty() || days.len() != given {
                    o.error(
                        "regular",
                        format!("item {n}: `days` must list weekdays such as [man, tir, ons]"),
                    );
                    continue;
                }
                let opens = m.get("opens").and_then(Value::as_str).unwrap_or("");
                let closes = m.get("closes").and_then(Value::as_str).unwrap_or("");
                match (time_of_day(opens), time_of_day(closes)) {
                    (Some(a), Some(b)) if a < b => regular.push(Hours {
                        days,
                        opens: opens.replace('.', ":"),
                        closes: closes.replace('.', ":"),
                    }),
                    (Some(_), Some(_)) => {
                        o.error(
                            "regular",
                            format!("item {n}: opens at {opens} but closes at {closes}"),
                        );
                    }
                    _ => {
                        o.error(
                            "regular",
                            format!("item {n}: `opens` and `closes` must be times like \"08:00\""),
                        )
                        .hint = Some("quote the times: `opens: \"08:00\"`".into());
                    }
                }
            }
        }
        Some(_) => {
            o.error(
                "regular",
                "`regular` must be a list of `days`, `opens`, `closes`",
            );
        }
    }
    let holidays_closed = match o.take_str("public_holidays").as_deref() {
        None | Some("open") | Some("åpent") => false,
        Some("closed") | Some("stengt") => true,
        Some(other) => {
            o.error(
                "public_holidays",
                format!("`public_holidays` is `closed` or `open`, not `{other}`"),
            )
            .hint =
                Some("write `public_holidays: closed` if it is closed on public holidays".into());
            false
        }
    };
    let closed = o.take_str_list("closed");
    let note = o.take_str("note");
    let diags = o.finish(
        &["regular", "public_holidays", "closed", "note"],
        crate::diagnostics::Severity::Error,
    );
    f.diags.extend(diags);
    Some(OpeningHours::Structured {
        regular,
        holidays_closed,
        closed,
        note,
    })
}

/// `mandag–fredag`, `tirsdag og torsdag`, `mandag, onsdag og fredag`.
pub fn days_text(days: &[u8]) -> String {
    let name = |d: u8| DAY_NAMES_NB[(d as usize).saturating_sub(1) % 7];
    let consecutive = days.windows(2).all(|w| w[1] == w[0] + 1);
    match days {
        [] => String::new(),
        [one] => name(*one).to_string(),
        _ if consecutive && days.len() > 2 => {
            format!("{}–{}", name(days[0]), name(days[days.len() - 1]))
        }
        _ => {
            let names: Vec<&str> = days.iter().map(|&d| name(d)).collect();
            format!(
                "{} og {}",
                names[..names.len() - 1].join(", "),
                names[names.len() - 1]
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_in_norwegian_and_english() {
        assert_eq!(weekday("man"), Some(1));
        assert_eq!(weekday("Søndag"), Some(7));
        assert_eq!(weekday("fri"), Some(5));
        assert_eq!(weekday("xyz"), None);
    }

    #[test]
    fn public_holidays_follow_easter() {
        let days =
            |y| -> Vec<String> { public_holidays(y).iter().map(|d| d.to_string()).collect() };
        assert_eq!(
            days(2026),
            [
                "2026-01-01",
                "2026-04-02",
                "2026-04-03",
                "2026-04-05",
                "2026-04-06",
                "2026-05-01",
                "2026-05-14",
                "2026-05-17",
                "2026-05-24",
                "2026-05-25",
                "2026-12-25",
                "2026-12-26"
            ]
        );
        // Easter 2027 is 28 March.
        assert!(days(2027).contains(&"2027-03-26".to_string()));
        assert!(days(2027).contains(&"2027-05-06".to_string()));
    }

    #[test]
    fn days_read_naturally() {
        assert_eq!(days_text(&[1, 2, 3, 4, 5]), "mandag–fredag");
        assert_eq!(days_text(&[2, 4]), "tirsdag og torsdag");
        assert_eq!(days_text(&[1, 3, 5]), "mandag, onsdag og fredag");
    }

    #[test]
    fn times() {
        assert_eq!(time_of_day("08:00"), Some((8, 0)));
        assert_eq!(time_of_day("24:00"), Some((24, 0)));
        assert_eq!(time_of_day("8:00"), None);
        assert_eq!(time_of_day("25:00"), None);
    }
}
