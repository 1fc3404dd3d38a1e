//! The service directory: typed service entries (front matter of pages in a section whose
//! `_index.md` says `directory: true`), their validation, the filters the directory pages
//! offer, and the open-data exports.

pub mod contact;
pub mod export;
mod hours;
pub mod hsds_in;
pub mod table;

use hours::opening_hours;
pub(crate) use hours::weekday;
pub use hours::{
    days_text, public_holidays, DAY_CODES, DAY_NAMES_NB, HOLIDAYS_CLOSED, SCHEMA_DAYS,
};

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

#[derive(Debug, Clone, Serialize)]
pub struct Hours {
    /// ISO weekday numbers, Monday = 1.
    pub days: Vec<u8>,
    pub opens: String,
    pub closes: String,
}

/// A language as readers here name it (`ar` is "arabisk"), from a BCP 47 tag; a tag
/// not in the list, or a name already written out, stays as written.
pub fn language_name(tag: &str) -> String {
    let primary = tag
        .split(['-', '_'])
        .next()
        .unwrap_or(tag)
        .to_ascii_lowercase();
    let name = match primary.as_str() {
        "nb" => "norsk bokmål",
        "nn" => "nynorsk",
        "no" => "norsk",
        "se" => "nordsamisk",
        "sma" => "sørsamisk",
        "smj" => "lulesamisk",
        "en" => "engelsk",
        "ar" => "arabisk",
        "so" => "somali",
        "ti" => "tigrinja",
        "pl" => "polsk",
        "uk" => "ukrainsk",
        "ru" => "russisk",
        "lt" => "litauisk",
        "fa" => "persisk",
        "prs" => "dari",
        "ps" => "pashto",
        "ur" => "urdu",
        "ckb" => "sorani",
        "ku" | "kmr" => "kurdisk",
        "tr" => "tyrkisk",
        "ta" => "tamil",
        "vi" => "vietnamesisk",
        "th" => "thai",
        "tl" => "tagalog",
        "am" => "amharisk",
        "sw" => "swahili",
        "sq" => "albansk",
        "bs" => "bosnisk",
        "hr" => "kroatisk",
        "sr" => "serbisk",
        "ro" => "rumensk",
        "es" => "spansk",
        "fr" => "fransk",
        "de" => "tysk",
        "sv" => "svensk",
        "da" => "dansk",
        "fi" => "finsk",
        "zh" => "kinesisk",
        _ => return tag.to_string(),
    };
    name.to_string()
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
