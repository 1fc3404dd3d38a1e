//! Front-matter dates: `YYYY-MM-DD` or RFC 3339. An impossible date is an error, never a
//! silent roll-over into the next month.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveTime, TimeZone};
pub use chrono_tz::Tz;

/// Now, for scheduled pages: `SOURCE_DATE_EPOCH` when set (reproducible builds and
/// tests), the clock otherwise.
pub fn now() -> DateTime<chrono::Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now)
}

/// Where a time without a zone is read, unless `site.yaml` says otherwise (`timezone:`).
pub const DEFAULT_TIMEZONE: Tz = chrono_tz::Europe::Oslo;

/// `Z`, `+01:00`, `+0100`, `-04`: an offset as Hugo, Jekyll and RFC 3339 write it.
fn parse_offset(zone: &str) -> Option<FixedOffset> {
    if zone == "Z" || zone.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub day: NaiveDate,
    /// Present when the front matter gave a time too.
    pub time: Option<DateTime<FixedOffset>>,
}

impl Date {
    /// A front-matter date: `2019-01-15`, RFC 3339 (`2019-01-15T10:00:00+01:00`), or the
    /// forms Hugo and Jekyll accept: a space for the `T`, an hour of one digit, seconds
    /// left out, the offset written `-0400` after a space (`2013-12-02 7:37:00 -0400`),
    /// or no zone at all, which is read in `tz` (the site's `timezone`).
    pub fn parse_in(s: &str, tz: Tz) -> Result<Date, String> {
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
        if let Ok(time) = DateTime::parse_from_rfc3339(s) {
            return Ok(Date {
                day,
                time: Some(time),
            });
        }
        let not_a_time = || {
            format!("`{s}` is not a time: write it as 2019-01-15 10:00, or with a zone, 2019-01-15T10:00:00+01:00")
        };
        let rest = s[10..]
            .strip_prefix(['T', ' '])
            .ok_or_else(not_a_time)?
            .trim();
        let (clock, zone) = match rest.find(['Z', '+', '-', ' ']) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => (rest, ""),
        };
        let time = ["%H:%M:%S%.f", "%H:%M"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(clock, f).ok())
            .ok_or_else(not_a_time)?;
        let local = day.and_time(time);
        let time = if zone.is_empty() {
            match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => t.fixed_offset(),
                // The hour that repeats when summer time ends: the first of the two.
                LocalResult::Ambiguous(t, _) => t.fixed_offset(),
                LocalResult::None => {
                    return Err(format!(
                        "`{s}` does not exist in {tz}: the clocks skip that hour"
                    ))
                }
            }
        } else {
            let offset = parse_offset(zone).ok_or_else(not_a_time)?;
            match offset.from_local_datetime(&local) {
                LocalResult::Single(t) => t,
                _ => return Err(not_a_time()),
            }
        };
        Ok(Date {
            day,
            time: Some(time),
        })
    }

    /// `parse_in` for the default `timezone`.
    pub fn parse(s: &str) -> Result<Date, String> {
        Date::parse_in(s, DEFAULT_TIMEZONE)
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

    /// The moment this date stands for: its time, or the start of its day in `tz`.
    pub fn instant(&self, tz: Tz) -> DateTime<chrono::Utc> {
        match self.time {
            Some(t) => t.with_timezone(&chrono::Utc),
            None => match tz.from_local_datetime(&self.day.and_time(NaiveTime::MIN)) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                    t.with_timezone(&chrono::Utc)
                }
                // Midnight skipped by a change of clocks: the day starts at its first hour.
                LocalResult::None => self.day.and_time(NaiveTime::MIN).and_utc(),
            },
        }
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
    fn the_forms_hugo_and_jekyll_write() {
        // (as written, as read): a time without a zone is Oslo time, summer or winter.
        let table: &[(&str, &str)] = &[
            ("2019-01-15", "2019-01-15"),
            ("2019-01-15T10:30:00+01:00", "2019-01-15T10:30:00+01:00"),
            ("2019-01-15T10:30:00Z", "2019-01-15T10:30:00+00:00"),
            ("2013-12-02 7:37:00 -0400", "2013-12-02T07:37:00-04:00"),
            ("2013-12-02 07:37:00 +02:00", "2013-12-02T07:37:00+02:00"),
            ("2019-05-07 10:00:00", "2019-05-07T10:00:00+02:00"),
            ("2019-05-07T10:00:00", "2019-05-07T10:00:00+02:00"),
            ("2019-01-07 10:00", "2019-01-07T10:00:00+01:00"),
            ("2019-01-07 10:00:00.5 Z", "2019-01-07T10:00:00.500+00:00"),
            // The hour that repeats in October: the first of the two.
            ("2019-10-27 02:30:00", "2019-10-27T02:30:00+02:00"),
        ];
        for &(written, read) in table {
            assert_eq!(
                Date::parse(written).map(|d| d.iso()).as_deref(),
                Ok(read),
                "{written}"
            );
        }
        let new_york: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            Date::parse_in("2019-05-07 10:00:00", new_york)
                .unwrap()
                .iso(),
            "2019-05-07T10:00:00-04:00"
        );
        // Still errors: impossible days and times, the hour the clocks skip, nonsense.
        for bad in [
            "2019-02-29 10:00:00",
            "2019-01-15 25:00:00",
            "2019-01-15 10:61",
            "2019-03-31 02:30:00",
            "2019-01-15 10:00 +2500",
            "2019-01-15 10:00 CET",
            "2019-01-15 om morgenen",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
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
}
