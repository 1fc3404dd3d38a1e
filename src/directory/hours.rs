//! Opening hours: weekday names and codes, times, Norway's public holidays, reading
//! `opening_hours:` from front matter, and the days as a person reads them.

use serde_json::Value;

use super::{Hours, OpeningHours};
use crate::fields::Fields;

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

pub(super) fn time_of_day(s: &str) -> Option<(u32, u32)> {
    let (h, m) = s.trim().split_once([':', '.'])?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && (h < 24 || m == 0) && s.trim().len() == 5).then_some((h, m))
}

pub(super) fn opening_hours(f: &mut Fields<'_>) -> Option<OpeningHours> {
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
