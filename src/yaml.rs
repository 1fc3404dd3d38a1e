//! The one place that knows YAML. Everything else sees `serde_json::Value`, so the parser
//! can be swapped without touching the rest of the code.
//!
//! serde_yaml follows YAML 1.2's core schema: `no`, `yes` and `on` stay strings (so
//! `lang: no` means Norwegian), and dates stay strings for us to check ourselves.

use serde_json::Value;

/// A syntax error, with 1-based line and column within the YAML text.
#[derive(Debug)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// How to fix it, where the cause is known.
    pub hint: Option<&'static str>,
    /// Another line (1-based, within the YAML text) the error concerns: where a key given
    /// twice is first given.
    pub first_given: Option<usize>,
}

impl YamlError {
    /// The message, with lines counted from `first_line`, the line of the file on which the
    /// YAML text starts.
    pub fn message_in_file(&self, first_line: usize) -> String {
        match self.first_given {
            Some(l) => format!("{} (first on line {})", self.message, first_line + l - 1),
            None => self.message.clone(),
        }
    }
}

/// Parses a YAML document into a JSON value. An empty document is `Null`.
///
/// Errors point at their cause where the parser's position is elsewhere: a key given twice
/// names both lines (the parser points at the map that holds them), and a quote never
/// closed points where it opens (the parser only notices at the end of the text).
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_yaml::from_str::<Checked>(text)
        .map(|c| c.0)
        .map_err(|e| {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            let full = e.to_string();
            if let Some(err) = duplicate_key(text, &full, line, column) {
                return err;
            }
            if let Some((l, c)) = quote_opened_at(&full) {
                return YamlError {
                    message: "this quoted text is never closed".into(),
                    line: l,
                    column: c,
                    hint: Some("end the text with the same quote it starts with, on the same line"),
                    first_given: None,
                };
            }
            // serde_yaml appends " at line X column Y" to its message; we show that ourselves.
            let mut message = full;
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            YamlError {
                message,
                line,
                column,
                hint: None,
                first_given: None,
            }
        })
}

/// `while scanning a quoted scalar at line 2 column 8` in a parser message: where the
/// quote opens.
fn quote_opened_at(message: &str) -> Option<(usize, usize)> {
    let rest = message
        .split("while scanning a quoted scalar at line ")
        .nth(1)?;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// The error for a key given twice in one map, at its second line, naming the first. The
/// parser reports the map's own position (`line`, `column`); the key's two lines are found
/// among that map's keys, which share its column.
fn duplicate_key(text: &str, message: &str, line: usize, column: usize) -> Option<YamlError> {
    let key = message.split(DUPLICATE).nth(1)?.split('`').next()?;
    let indent = column.saturating_sub(1);
    let mut at = vec![];
    for (i, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let trimmed = l.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut own = l.len() - trimmed.len();
        let mut rest = trimmed;
        // The map may start on a list item's line: "- a: 1".
        if i + 1 == line {
            while let Some(r) = rest.strip_prefix("- ") {
                own += 2 + (r.len() - r.trim_start_matches(' ').len());
                rest = r.trim_start_matches(' ');
            }
        }
        if own < indent && i + 1 > line {
            break;
        }
        if own != indent {
            continue;
        }
        let name = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix('"'))
            .or_else(|| {
                rest.strip_prefix('\'')
                    .and_then(|r| r.strip_prefix(key))
                    .and_then(|r| r.strip_prefix('\''))
            })
            .or_else(|| rest.strip_prefix(key));
        if name.is_some_and(|after| after.trim_start().starts_with(':')) {
            at.push(i + 1);
        }
    }
    let (first, second) = match at[..] {
        [a, b, ..] => (a, b),
        _ => (line, line),
    };
    Some(YamlError {
        message: format!("the field `{key}` is given twice"),
        line: second,
        column: column.max(1),
        hint: Some("keep one of the two lines: YAML would silently use only the last"),
        first_given: Some(first),
    })
}

const DUPLICATE: &str = "duplicate key `";

/// A JSON value read from YAML, refusing a key given twice in one map. serde_json's own
/// map keeps the last of them without a word, so a page's second `title:` would silently
/// win; this visitor says so instead, at the same cost.
struct Checked(Value);

impl<'de> serde::Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor).map(Checked)
    }
}

struct CheckedVisitor;

impl<'de> serde::de::Visitor<'de> for CheckedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(Checked(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<KeyText>()? {
            let Checked(value) = map.next_value()?;
            if out.contains_key(&key.0) {
                return Err(serde::de::Error::custom(format!("{DUPLICATE}{}`", key.0)));
            }
            out.insert(key.0, value);
        }
        Ok(Value::Object(out))
    }
}

/// A map key as text: YAML allows `1:` or `true:` as keys, JSON only strings.
struct KeyText(String);

impl<'de> serde::Deserialize<'de> for KeyText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_any(CheckedVisitor)? {
            Value::String(s) => Ok(KeyText(s)),
            other => Ok(KeyText(other.to_string())),
        }
    }
}

/// Serialises a value as YAML (used by `varde new` to write example front matter).
pub fn to_string(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// Finds where a key sits in block-style YAML: `path` names a key, then keys or list
/// indexes below it (`["contact", "phones", "0", "number"]`). Returns the 1-based line and
/// the column of the key (or list item). Serde's values carry no positions, so diagnostics
/// about a value's meaning (an impossible date, an unknown category) come through here.
pub fn locate(text: &str, path: &[&str]) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut min_indent = 0;
    let mut found = None;
    for seg in path {
        let (idx, col) = if let Ok(n) = seg.parse::<usize>() {
            nth_item(&lines, from, min_indent, n)?
        } else {
            find_key(&lines, from, min_indent, seg)?
        };
        found = Some((idx + 1, col + 1));
        from = if seg.parse::<usize>().is_ok() {
            idx
        } else {
            idx + 1
        };
        min_indent = col + 1;
        if seg.parse::<usize>().is_ok() {
            // Keys of a list item start on the item's own line after "- ".
            min_indent = col + 2;
        }
    }
    found
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn find_key(lines: &[&str], from: usize, min_indent: usize, key: &str) -> Option<(usize, usize)> {
    for (i, line) in lines.iter().enumerate().skip(from) {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = indent_of(line);
        let mut rest = trimmed;
        // A key may sit on a list item's line: "  - number: ...".
        while let Some(r) = rest.strip_prefix("- ") {
            indent += 2;
            rest = r.trim_start_matches(' ');
            indent += r.len() - rest.len();
        }
        if indent < min_indent && i > from {
            return None;
        }
        if indent < min_indent {
            continue;
        }
        let unquoted = rest
            .strip_prefix('"')
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix('"'))
            .or_else(|| rest.strip_prefix(key));
        if let Some(after) = unquoted {
            if after.trim_start_matches(' ').starts_with(':') {
                return Some((i, indent));
            }
        }
    }
    None
}

fn nth_item(lines: &[&str], from: usize, min_indent: usize, n: usize) -> Option<(usize, usize)> {
    let mut seen = 0;
    for (i, line) in lines.iter().enumerate().skip(from) {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(line);
        if indent + 1 < min_indent && i > from {
            return None;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            if seen == n {
                return Some((i, indent));
            }
            seen += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_no_stays_a_string() {
        let v = parse("lang: no\nflag: yes\n").unwrap();
        assert_eq!(v["lang"], Value::String("no".into()));
        assert_eq!(v["flag"], Value::String("yes".into()));
    }

    #[test]
    fn dates_stay_strings() {
        let v = parse("date: 2019-02-30\n").unwrap();
        assert_eq!(v["date"], Value::String("2019-02-30".into()));
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = parse("title: ok\ntags: [a, b\n").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        assert!(!e.message.contains(" at line "));
    }

    #[test]
    fn a_key_given_twice_names_both_lines() {
        // (YAML, line of the error, what the message names)
        let table: &[(&str, usize, &str)] = &[
            (
                "title: A\ndescription: x\ntitle: B\n",
                3,
                "`title` is given twice (first on line 1)",
            ),
            (
                "a: 1\nextra:\n  b: 1\n  c: 2\n  b: 2\n",
                5,
                "`b` is given twice (first on line 3)",
            ),
            (
                "\"title\": A\ntitle: B\n",
                2,
                "`title` is given twice (first on line 1)",
            ),
            (
                "list:\n  - a: 1\n    a: 2\n",
                3,
                "`a` is given twice (first on line 2)",
            ),
        ];
        for &(text, line, says) in table {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e:?}");
            assert!(e.message_in_file(1).contains(says), "{text:?}: {e:?}");
        }
        // The same key in two different maps is fine.
        assert!(parse("a:\n  x: 1\nb:\n  x: 2\n").is_ok());
    }

    #[test]
    fn an_unclosed_quote_points_where_it_opens() {
        for text in [
            "title: \"Om kurset\ndescription: x\nweight: 3\n",
            "title: 'Om\nweight: 3\n",
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!((e.line, e.column), (1, 8), "{text:?}: {e:?}");
            assert!(e.message.contains("never closed"), "{e:?}");
        }
    }

    #[test]
    fn values_read_as_before() {
        let v = parse("a: 1\nb: 1.5\nc: true\nd: ~\ne: [x, 2]\n1: y\nf: .nan\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": ["x", 2], "1": "y", "f": null})
        );
    }

    #[test]
    fn locates_nested_keys_and_items() {
        let text = "title: A\ncontact:\n  phones:\n    - number: 1\n      label: a\n    - number: 2\n  email: x\ndate: 2019\n";
        assert_eq!(locate(text, &["date"]), Some((8, 1)));
        assert_eq!(locate(text, &["contact", "email"]), Some((7, 3)));
        assert_eq!(
            locate(text, &["contact", "phones", "1", "number"]),
            Some((6, 7))
        );
        assert_eq!(
            locate(text, &["contact", "phones", "0", "label"]),
            Some((5, 7))
        );
        assert_eq!(locate(text, &["missing"]), None);
    }
}
