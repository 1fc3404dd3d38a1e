//! Front-matter dates: `YYYY-MM-DD` or RFC 3339. An impossible date is an error, never a
//! silent roll-over into the next month.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub day: NaiveDate,
    /// Present when the front matter gave a time too.
    pub time: Option<DateTime<FixedOffset>>,
}

const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let b = s.as_bytes();
        let looks_like_day = b.len() >= 10
            && b[..4].iter().all(u8::is_ascii_digit)
            && b[4] == b'-'
            && b[5..7].iter().all(u8::is_ascii_digit)
            && b[7] == b'-'
            && b[8..10].iter().all(u8::is_ascii_digit);
        if !looks_like_day {
            return Err(format!("`{s}` is not a date"));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let day = NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10))
            .ok_or_else(|| format!("no such date {}", &s[..10]))?;
        if s.len() == 10 {
            return Ok(Date { day, time: None });
        }
        let time = DateTime::parse_from_rfc3339(s)
            .map_err(|e| format!("`{s}` is not an RFC 3339 time ({e})"))?;
        Ok(Date {
            day,
            time: Some(time),
        })
    }

    pub fn today() -> Date {
        Date {
            day: chrono::Local::now().date_naive(),
            time: None,
        }
    }

    /// Today's date for staleness checks: `SOURCE_DATE_EPOCH` when set (reproducible builds and
    /// tests), the clock otherwise.
    pub fn build_day() -> Date {
        if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
        {
            if let Some(t) = chrono::DateTime::from_timestamp(secs, 0) {
                return Date {
                    day: t.date_naive(),
                    time: None,
                };
            }
        }
        Date::today()
    }

    /// `2019-01-15`, or the full RFC 3339 form when a time was given.
    pub fn iso(&self) -> String {
        match self.time {
            Some(t) => t.to_rfc3339(),
            None => self.day.format("%Y-%m-%d").to_string(),
        }
    }

    /// Always a full timestamp (midnight UTC for a bare day), as Atom requires.
    pub fn rfc3339(&self) -> String {
        match self.time {
            Some(t) => t.to_rfc3339(),
            None => format!("{}T00:00:00Z", self.day.format("%Y-%m-%d")),
        }
    }

    /// How a reader sees the date: `15. januar 2019` in Norwegian, ISO otherwise.
    pub fn display(&self, language: &str) -> String {
        if is_norwegian(language) {
            let m = MONTHS_NB[self.day.month0() as usize];
            format!("{}. {} {}", self.day.day(), m, self.day.year())
        } else {
            self.day.format("%Y-%m-%d").to_string()
        }
    }
}

pub fn is_norwegian(language: &str) -> bool {
    matches!(
        language.split(['-', '_']).next().unwrap_or(""),
        "nb" | "nn" | "no"
    )
}

/// Serialised as templates and exports want it: the ISO form.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days_and_times() {
        assert_eq!(Date::parse("2019-01-15").unwrap().iso(), "2019-01-15");
        let t = Date::parse("2019-01-15T10:30:00+01:00").unwrap();
        assert_eq!(t.day.to_string(), "2019-01-15");
        assert_eq!(t.rfc3339(), "2019-01-15T10:30:00+01:00");
    }

    #[test]
    fn impossible_dates_are_errors() {
        assert_eq!(
            Date::parse("2019-02-30").unwrap_err(),
            "no such date 2019-02-30"
        );
        assert!(Date::parse("2019-13-01").is_err());
        assert!(Date::parse("15.01.2019").is_err());
        assert!(Date::parse("2019-01-15T25:00:00Z").is_err());
    }

    #[test]
    fn norwegian_display() {
        let d = Date::parse("2019-04-01").unwrap();
        assert_eq!(d.display("nb"), "1. april 2019");
        assert_eq!(d.display("en"), "2019-04-01");
    }
}
