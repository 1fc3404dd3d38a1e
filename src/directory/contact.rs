//! Contact details as people will tap them: Norwegian phone numbers normalised to
//! `+47 12 34 56 78`, e-mail and web addresses checked for syntax.

/// A phone number ready for display and for a `tel:` link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhoneNumber {
    /// `+47 12 34 56 78`, or a short number such as `113` as it is.
    pub display: String,
    /// `+4712345678`, for `tel:` links.
    pub tel: String,
}

/// Normalises a phone number. Norwegian numbers have eight digits (first digit 2-9), may be
/// written with `+47`/`0047`; short numbers (`113`, `116 111`) stay short; other countries'
/// numbers must start with `+` and the country code.
pub fn phone(raw: &str) -> Result<PhoneNumber, String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}'))
        .collect();
    let (plus, digits) = match cleaned.strip_prefix('+') {
        Some(rest) => (true, rest.to_string()),
        None => match cleaned.strip_prefix("00") {
            Some(rest) if rest.len() > 8 => (true, rest.to_string()),
            _ => (false, cleaned.clone()),
        },
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("`{raw}` is not a phone number"));
    }
    let national = if plus {
        match digits.strip_prefix("47") {
            Some(n) => n.to_string(),
            None => {
                // Another country: keep it, grouped as written, if it has a plausible length.
                if (7..=15).contains(&digits.len()) {
                    return Ok(PhoneNumber {
                        display: format!(
                            "+{}",
                            raw.trim().trim_start_matches('+').trim_start_matches("00")
                        ),
                        tel: format!("+{digits}"),
                    });
                }
                return Err(format!(
                    "`{raw}` has the wrong number of digits for an international number"
                ));
            }
        }
    } else {
        digits.clone()
    };
    let b = national.as_bytes();
    match national.len() {
        8 if (b'2'..=b'9').contains(&b[0]) => Ok(PhoneNumber {
            display: format!(
                "+47 {} {} {} {}",
                &national[0..2],
                &national[2..4],
                &national[4..6],
                &national[6..8]
            ),
            tel: format!("+47{national}"),
        }),
        // Emergency and other short numbers (110, 112, 113, 116 xxx, 1xxx, 0xxxx).
        3..=6 if !plus && (b[0] == b'1' || b[0] == b'0') => Ok(PhoneNumber {
            display: group_short(&national),
            tel: national.clone(),
        }),
        8 => Err(format!(
            "`{raw}`: Norwegian eight-digit numbers do not start with {}",
            b[0] as char
        )),
        n => Err(format!(
            "`{raw}` has {n} digits; a Norwegian number has eight"
        )),
    }
}

fn group_short(n: &str) -> String {
    if n.len() == 6 {
        format!("{} {}", &n[..3], &n[3..])
    } else {
        n.to_string()
    }
}

/// A plain syntax check: one `@`, something before it, a domain with a dot after it.
pub fn email(raw: &str) -> Result<String, String> {
    let s = raw.trim().trim_start_matches("mailto:");
    let ok = match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !s
                    .chars()
                    .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';'))
        }
        None => false,
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!("`{raw}` is not an e-mail address"))
    }
}

/// What a web address check found.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlCheck {
    Ok(String),
    /// Usable, but not encrypted.
    Insecure(String),
}

pub fn website(raw: &str) -> Result<UrlCheck, String> {
    let s = raw.trim();
    let (secure, rest) = if let Some(r) = s.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = s.strip_prefix("http://") {
        (false, r)
    } else {
        return Err(format!(
            "`{raw}` is not a web address starting with https://"
        ));
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_ok = !host.is_empty()
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !host.starts_with(['.', '-']);
    if !host_ok || s.chars().any(char::is_whitespace) {
        return Err(format!("`{raw}` is not a valid web address"));
    }
    Ok(if secure {
        UrlCheck::Ok(s.to_string())
    } else {
        UrlCheck::Insecure(s.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_numbers_are_normalised() {
        for raw in [
            "22 33 44 55",
            "+47 22334455",
            "0047 22 33 44 55",
            "223-34-455",
            "(+47) 22 33 44 55",
        ] {
            let p = phone(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(p.display, "+47 22 33 44 55", "{raw}");
            assert_eq!(p.tel, "+4722334455");
        }
        assert_eq!(phone("91234567").unwrap().display, "+47 91 23 45 67");
    }

    #[test]
    fn short_numbers_stay_short() {
        assert_eq!(phone("113").unwrap().tel, "113");
        assert_eq!(phone("116111").unwrap().display, "116 111");
    }

    #[test]
    fn impossible_numbers_are_rejected() {
        assert!(phone("1234567").is_err());
        assert!(phone("12345678").is_err(), "eight digits starting with 1");
        assert!(phone("02345678").is_err());
        assert!(phone("22 33 44 55 66").is_err());
        assert!(phone("ring oss").is_err());
        assert!(phone("+47 2233").is_err());
    }

    #[test]
    fn other_countries_keep_their_code() {
        assert_eq!(phone("+46 8 123 456 78").unwrap().tel, "+46812345678");
    }

    #[test]
    fn email_and_web_addresses() {
        assert!(email("post@example.no").is_ok());
        assert!(email("post@example").is_err());
        assert!(email("post example.no").is_err());
        assert!(email("a@@b.no").is_err());
        assert_eq!(
            website("https://prolar.no/").unwrap(),
            UrlCheck::Ok("https://prolar.no/".into())
        );
        assert_eq!(
            website("http://prolar.no").unwrap(),
            UrlCheck::Insecure("http://prolar.no".into())
        );
        assert!(website("prolar.no").is_err());
        assert!(website("https://").is_err());
        assert!(website("https://pro lar.no").is_err());
    }
}
