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
}

/// Parses a YAML document into a JSON value. An empty document is `Null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        // serde_yaml appends " at line X column Y" to its message; we show that ourselves.
        let mut message = e.to_string();
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        YamlError {
            message,
            line,
            column,
        }
    })
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
