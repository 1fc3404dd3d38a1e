//! Services as rows of a spreadsheet, the way an office keeps them: one column per field,
//! named as in the directory's own CSV export (so an export is an import), each cell in
//! words a person types ("ja", "Kurs; Helse", "Mandag–fredag 08:00–15:30"). A row becomes
//! the same front-matter value a Markdown entry gives, so it is checked by the same rules.

use serde_json::{json, Map, Value};

use super::{weekday, DAY_NAMES_NB, WHOLE_COUNTRY};
use crate::config::{Config, Term};

/// Column header -> the field it fills (a dotted path in the front matter), in the order
/// the export writes them. `id` and `url` are the export's own: `id` is not read, and
/// `url` keeps a service's address when the row was exported by varde.
pub const COLUMNS: &[(&str, &str)] = &[
    ("id", ""),
    ("navn", "title"),
    ("organisasjon", "organisation"),
    ("sammendrag", "summary"),
    ("kategorier", "categories"),
    ("malgruppe", "audience"),
    ("omrade", "service_area"),
    ("henvisning_kreves", "referral.required"),
    ("hvem_kan_henvise", "referral.who_can_refer"),
    ("gratis", "cost.free"),
    ("pris", "cost.text"),
    ("telefon", "contact.phones"),
    ("epost", "contact.email"),
    ("nettsted", "contact.website"),
    ("gateadresse", "contact.address.street"),
    ("postnummer", "contact.address.postcode"),
    ("sted", "contact.address.city"),
    ("apningstider", "opening_hours"),
    ("sist_kontrollert", "last_reviewed"),
    ("url", "url"),
    ("henvisning_slik", "referral.how"),
    ("hvem_kan_bruke", "eligibility"),
    ("sprak", "languages"),
    ("slik_tar_du_kontakt", "how_to_apply"),
    ("ansvarlig", "reviewed_by"),
    ("beskrivelse", "body"),
];

/// One row read: the service's front matter, and what the page takes from it besides.
pub struct Row {
    pub fields: Map<String, Value>,
    pub title: String,
    /// The `url` cell, as written (the export writes the page's full address).
    pub url: Option<String>,
    /// Markdown for the page's text.
    pub body: String,
}

/// The field a header names, if it is one of ours.
pub fn field_of(header: &str) -> Option<&'static str> {
    let h = header.trim().to_lowercase();
    COLUMNS.iter().find(|(c, _)| *c == h).map(|(_, f)| *f)
}

/// A row's cells (by column, under `headers`) as front matter. Cells are text; what is a
/// list, a yes/no or a vocabulary is read from the words, and anything that cannot be read
/// is left as written for the service rules to report at its column.
pub fn row(headers: &[String], cells: &[String], config: &Config) -> Row {
    let mut fields = Map::new();
    let mut out = Row {
        fields: Map::new(),
        title: String::new(),
        url: None,
        body: String::new(),
    };
    let d = &config.directory;
    for (h, cell) in headers.iter().zip(cells) {
        let cell = cell.trim();
        // The export defuses a cell a spreadsheet would run as a formula with a `'`.
        let cell = match cell.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
            _ => cell,
        };
        let Some(field) = field_of(h) else { continue };
        if cell.is_empty() || field.is_empty() {
            continue;
        }
        let value = match field {
            "title" => {
                out.title = cell.to_string();
                continue;
            }
            "url" => {
                out.url = Some(cell.to_string());
                continue;
            }
            "body" => {
                out.body = cell.to_string();
                continue;
            }
            "categories" => vocabulary(cell, &d.categories),
            "audience" => vocabulary(cell, &d.audience),
            "service_area" => json!(list(cell)
                .into_iter()
                .map(|a| if a.eq_ignore_ascii_case("hele landet") {
                    WHOLE_COUNTRY.to_string()
                } else {
                    a
                })
                .collect::<Vec<_>>()),
            "languages" => json!(list(cell)),
            "referral.required" | "cost.free" => yes_no(cell),
            "contact.phones" => phones(cell),
            // A spreadsheet that took the postcode for a number dropped its leading zeros
            // (0190 became 190): a Norwegian postcode has four digits.
            "contact.address.postcode"
                if cell.len() < 4 && cell.bytes().all(|b| b.is_ascii_digit()) =>
            {
                json!(format!("{cell:0>4}"))
            }
            "opening_hours" => opening_hours(cell),
            _ => json!(cell),
        };
        insert(&mut fields, field, value);
    }
    out.fields = fields;
    out
}

/// Puts `value` at a dotted path, making the maps on the way.
fn insert(map: &mut Map<String, Value>, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut at = map;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            at.insert(part.to_string(), value);
            return;
        }
        let next = at
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(m) = next else { return };
        at = m;
    }
}

/// `Kurs; Helse` (or `,` between, on one line) as a list.
fn list(cell: &str) -> Vec<String> {
    let sep = if cell.contains(';') { ';' } else { ',' };
    cell.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Terms by their id or their label, as the export writes them; unknown ones as written.
fn vocabulary(cell: &str, terms: &[Term]) -> Value {
    json!(list(cell)
        .into_iter()
        .map(|w| {
            terms
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(&w) || t.label.eq_ignore_ascii_case(&w))
                .map_or(w, |t| t.id.clone())
        })
        .collect::<Vec<_>>())
}

/// `ja`/`nei` (and yes/no, true/false, x); anything else as written, for the rules to refuse.
fn yes_no(cell: &str) -> Value {
    match cell.to_lowercase().as_str() {
        "ja" | "yes" | "true" | "sann" | "x" => json!(true),
        "nei" | "no" | "false" | "usann" => json!(false),
        _ => json!(cell),
    }
}

/// `+47 38 07 50 00 (Sentralbord); 113 (Akutt)`.
fn phones(cell: &str) -> Value {
    let items: Vec<Value> = cell
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|p| match p.split_once('(') {
            Some((number, label)) if label.ends_with(')') => json!({
                "number": number.trim(),
                "label": label.trim_end_matches(')').trim(),
            }),
            _ => json!({ "number": p }),
        })
        .collect();
    Value::Array(items)
}

/// Opening hours as the export writes them, lines between `;`: `Mandag–fredag
/// 08:00–15:30` and `Tirsdag og torsdag 10:00–14:00` are hours; other lines (`Stengt i
/// juli`) are exceptions. Without any hours it is one text (`Etter avtale`).
fn opening_hours(cell: &str) -> Value {
    let lines: Vec<&str> = cell
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut regular = vec![];
    let mut closed = vec![];
    let mut holidays_closed = false;
    for l in &lines {
        match hours(l) {
            Some(h) => regular.push(h),
            None if l.eq_ignore_ascii_case(super::HOLIDAYS_CLOSED) => holidays_closed = true,
            None => closed.push(json!(l)),
        }
    }
    if regular.is_empty() {
        return json!(cell);
    }
    let mut m = Map::new();
    m.insert("regular".into(), Value::Array(regular));
    if holidays_closed {
        m.insert("public_holidays".into(), json!("closed"));
    }
    if !closed.is_empty() {
        m.insert("closed".into(), Value::Array(closed));
    }
    Value::Object(m)
}

/// `Mandag–fredag 08:00–15:30` as `{days, opens, closes}`.
fn hours(line: &str) -> Option<Value> {
    let (days, times) = line.rsplit_once(' ')?;
    let (opens, closes) = times.split_once(['–', '-'])?;
    let is_time = |t: &str| t.len() == 5 && t.as_bytes()[2] == b':';
    if !is_time(opens) || !is_time(closes) {
        return None;
    }
    let days = days.trim();
    let numbers: Vec<u8> = match days.split_once('–') {
        Some((a, b)) => {
            let (a, b) = (weekday(a.trim())?, weekday(b.trim())?);
            (a..=b).collect()
        }
        None => days
            .replace(" og ", ",")
            .split(',')
            .map(|d| weekday(d.trim()))
            .collect::<Option<Vec<u8>>>()?,
    };
    let names: Vec<&str> = numbers
        .iter()
        .map(|&d| DAY_NAMES_NB[(d as usize - 1) % 7])
        .collect();
    Some(json!({"days": names, "opens": opens, "closes": closes}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_a_person_writes_them() {
        let cases: &[(&str, Value)] = &[
            (
                "Mandag–fredag 08:00–15:30; Stengt i juli",
                json!({"regular": [{"days": ["mandag","tirsdag","onsdag","torsdag","fredag"], "opens": "08:00", "closes": "15:30"}], "closed": ["Stengt i juli"]}),
            ),
            (
                "Tirsdag og torsdag 10:00–14:00",
                json!({"regular": [{"days": ["tirsdag","torsdag"], "opens": "10:00", "closes": "14:00"}]}),
            ),
            (
                "Mandag, onsdag og fredag 09:00-11:00",
                json!({"regular": [{"days": ["mandag","onsdag","fredag"], "opens": "09:00", "closes": "11:00"}]}),
            ),
            ("Etter avtale", json!("Etter avtale")),
            (
                "Mandag–fredag 08:00–15:30; Stengt på helligdager",
                json!({"regular": [{"days": ["mandag","tirsdag","onsdag","torsdag","fredag"], "opens": "08:00", "closes": "15:30"}], "public_holidays": "closed"}),
            ),
        ];
        for (cell, want) in cases {
            assert_eq!(&opening_hours(cell), want, "{cell}");
        }
        assert_eq!(
            phones("+47 38 07 50 00 (Sentralbord); 113"),
            json!([{"number": "+47 38 07 50 00", "label": "Sentralbord"}, {"number": "113"}])
        );
        assert_eq!(yes_no("Ja"), json!(true));
        assert_eq!(yes_no("kanskje"), json!("kanskje"));
        assert_eq!(list("Oslo; Bærum"), ["Oslo", "Bærum"]);
    }
}
