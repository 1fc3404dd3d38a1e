//! Typed, located access to a parsed YAML mapping (front matter or `site.yaml`).
//!
//! Each `take_*` removes a key and reports a wrong type as a diagnostic pointing at the key's
//! line; `finish` reports whatever is left as unknown keys, suggesting the nearest known one.

use std::path::Path;

use serde_json::{Map, Value};

use crate::date::Date;
use crate::diagnostics::{Diagnostic, Severity};
use crate::yaml;

/// A source file and where its YAML part starts, for turning key paths into positions.
pub struct Located<'a> {
    /// Shown in diagnostics (relative to the site root).
    pub file: &'a Path,
    /// The whole file, for snippets.
    pub text: &'a str,
    /// The YAML part of `text`.
    pub yaml: &'a str,
    /// 1-based line of `text` on which `yaml` starts.
    pub first_line: usize,
    /// `yaml` is TOML front matter (`+++`), so keys are found the TOML way.
    pub toml: bool,
    /// A row of a spreadsheet rather than a text: keys are found as its cells.
    pub grid: Option<&'a Grid>,
}

/// Where a spreadsheet row's fields are: its row number, and for each field (a dotted key
/// path such as `contact.phones`) the column it came from and that column's header.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub row: usize,
    pub cells: Vec<(String, usize, String)>,
    /// What a header is called in messages: `column` (a spreadsheet), `HSDS field`.
    pub unit: &'static str,
}

impl Grid {
    /// Column and header of the field at `path`, or of the nearest enclosing one.
    fn find(&self, path: &[&str]) -> Option<(usize, &str)> {
        (1..=path.len()).rev().find_map(|n| {
            let key = path[..n].join(".");
            self.cells
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|(_, col, header)| (*col, header.as_str()))
        })
    }
}

impl Located<'_> {
    /// A diagnostic pointing at `path` (a key, then nested keys or list indexes).
    pub fn diag(
        &self,
        severity: Severity,
        path: &[&str],
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at(severity, path, message, false)
    }

    /// Like `diag`, but underlines the key's value rather than the key, when it is on the
    /// key's line (`date: 2019-02-30` points at column 7).
    pub fn diag_value(
        &self,
        severity: Severity,
        path: &[&str],
        message: impl Into<String>,
    ) -> Diagnostic {
        self.diag_at(severity, path, message, true)
    }

    fn diag_at(
        &self,
        severity: Severity,
        path: &[&str],
        message: impl Into<String>,
        value: bool,
    ) -> Diagnostic {
        let message = message.into();
        if let Some(grid) = self.grid {
            // A spreadsheet: the row, the column, and the column's name in words.
            let (col, message) = match grid.find(path) {
                Some((col, header)) => (col, format!("{message} ({} `{header}`)", grid.unit)),
                None => (1, message),
            };
            let d = match severity {
                Severity::Error => Diagnostic::error(message),
                Severity::Warning => Diagnostic::warning(message),
            };
            return d.in_file(self.file).at_line(grid.row, col);
        }
        let d = match severity {
            Severity::Error => Diagnostic::error(message),
            Severity::Warning => Diagnostic::warning(message),
        }
        .in_file(self.file);
        // Fall back to the enclosing key when the exact one cannot be found.
        for n in (1..=path.len()).rev() {
            if let Some((line, col)) = self.locate(&path[..n]) {
                let line = self.first_line + line - 1;
                let len = path[n - 1].len();
                if value && n == path.len() {
                    if let Some((vcol, vlen)) = value_span(self.text, line, col, self.toml) {
                        return d.at_line_col(self.text, line, vcol, vlen);
                    }
                }
                return d.at_line_col(self.text, line, col, len);
            }
        }
        d.at_line_col(self.text, self.first_line.saturating_sub(1).max(1), 1, 3)
    }
}

impl Located<'_> {
    /// Line (within `yaml`) and column of the key at `path`.
    fn locate(&self, path: &[&str]) -> Option<(usize, usize)> {
        if self.toml {
            crate::toml_text::locate(self.yaml, path)
        } else {
            yaml::locate(self.yaml, path)
        }
    }

    /// The value at `path` exactly as written on its line (`1.10`, not the number 1.1), for
    /// a plain scalar; `None` for anything else (a flow list, a value on the next line).
    fn raw_value(&self, path: &[&str]) -> Option<String> {
        if self.grid.is_some() {
            return None;
        }
        let (line, col) = self.locate(path)?;
        let line = self.first_line + line - 1;
        let (vcol, vlen) = value_span(self.text, line, col, self.toml)?;
        let l = self.text.lines().nth(line - 1)?;
        let start = l.char_indices().nth(vcol - 1).map(|(b, _)| b)?;
        let raw = l.get(start..start + vlen)?;
        let plain = !raw.starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>']);
        plain.then(|| raw.to_string())
    }
}

/// Column and length of the value after `key:` on a line, if there is one there.
fn value_span(text: &str, line: usize, key_col: usize, toml: bool) -> Option<(usize, usize)> {
    let l = text.lines().nth(line - 1)?;
    let from = l.char_indices().nth(key_col - 1).map_or(0, |(b, _)| b);
    if let Some(item) = l[from..].strip_prefix("- ") {
        // A list item: the value is the rest of the line.
        let value = item.trim_start();
        let value = value.split(" #").next().unwrap_or(value).trim_end();
        let start = l.len() - item.len() + (item.len() - item.trim_start().len());
        return (!value.is_empty()).then(|| (l[..start].chars().count() + 1, value.len()));
    }
    let colon = from + l[from..].find(if toml { '=' } else { ':' })?;
    let rest = &l[colon + 1..];
    let value = rest.trim_start();
    let value = value.split(" #").next().unwrap_or(value).trim_end();
    if value.is_empty() {
        return None;
    }
    let start = colon + 1 + (rest.len() - rest.trim_start().len());
    Some((l[..start].chars().count() + 1, value.len()))
}

pub struct Fields<'a> {
    map: Map<String, Value>,
    at: &'a Located<'a>,
    /// Key path of this map within the document, for nested maps.
    prefix: Vec<String>,
    /// Keys read under another name (`publishDate` for `publish_date`): our name -> the
    /// name in the file, so diagnostics point at the line as written.
    written_as: Vec<(&'static str, String)>,
    /// Other generators' fields varde has no use for, with what to do instead (`peers`).
    peers: &'static [&'static [(&'static str, &'static str)]],
    pub diags: Vec<Diagnostic>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

impl<'a> Fields<'a> {
    pub fn new(map: Map<String, Value>, at: &'a Located<'a>) -> Self {
        Fields {
            map,
            at,
            prefix: Vec::new(),
            written_as: Vec::new(),
            peers: &[],
            diags: Vec::new(),
        }
    }

    /// The keys not taken yet, in the file's order.
    pub fn keys(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    /// Names other generators' fields that varde ignores, each with a hint; `finish`
    /// then says so instead of suggesting a typo.
    pub fn peers(&mut self, tables: &'static [&'static [(&'static str, &'static str)]]) {
        self.peers = tables;
    }

    /// Places this map under a key path (for maps found inside lists).
    pub fn set_prefix(&mut self, prefix: Vec<String>) {
        self.prefix = prefix;
    }

    fn path<'k>(&'k self, key: &'k str) -> Vec<&'k str> {
        let mut p: Vec<&str> = self.prefix.iter().map(String::as_str).collect();
        let written = self
            .written_as
            .iter()
            .find(|(ours, _)| *ours == key)
            .map_or(key, |(_, theirs)| theirs.as_str());
        p.push(written);
        p
    }

    /// Reads `alias` (another generator's name for a field, such as Hugo's `publishDate`)
    /// as `key`. Both given is an error: they would say two things about one field.
    pub fn alias(&mut self, key: &'static str, alias: &str) {
        let Some(value) = self.map.remove(alias) else {
            return;
        };
        if self.map.contains_key(key) {
            let msg = format!("`{alias}` and `{key}` are the same field, given twice");
            let mut path: Vec<&str> = self.prefix.iter().map(String::as_str).collect();
            path.push(alias);
            let d = self.at.diag(Severity::Error, &path, msg);
            self.diags
                .push(d.hint(format!("keep one of them, e.g. `{key}`")));
            return;
        }
        self.map.insert(key.to_string(), value);
        self.written_as.push((key, alias.to_string()));
    }

    /// The key path of `key` in this map, for building nested `Fields`.
    pub fn key_path(&self, key: &str) -> Vec<String> {
        self.path(key).into_iter().map(str::to_string).collect()
    }

    /// Full dotted name for messages (`contact.email`).
    pub fn name(&self, key: &str) -> String {
        self.path(key).join(".")
    }

    /// An error about the value of `key` (underlined on its line).
    pub fn error(&mut self, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = self
            .at
            .diag_value(Severity::Error, &self.path(key), message);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// An error about something below `key` (`rest` are nested keys or list indexes).
    pub fn error_in(
        &mut self,
        key: &str,
        rest: &[&str],
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let mut p = self.path(key);
        p.extend_from_slice(rest);
        let d = self.at.diag_value(Severity::Error, &p, message);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    pub fn warning(&mut self, key: &str, message: impl Into<String>) -> &mut Diagnostic {
        let d = self
            .at
            .diag_value(Severity::Warning, &self.path(key), message);
        self.diags.push(d);
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }

    /// The value of `key` without taking it.
    pub fn peek(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The raw value, whatever its type.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.remove(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        }
    }

    /// Text; numbers and booleans are accepted as written (`title: 1.10` stays `1.10`, not
    /// the number 1.1), with a warning that quotes would say what is meant.
    pub fn take_str(&mut self, key: &str) -> Option<String> {
        if self.map.get(key) == Some(&Value::Null) {
            // `title: Null` is a title to a reader, and nothing to YAML.
            let raw = self.at.raw_value(&self.path(key));
            if let Some(raw) = raw.filter(|r| r.eq_ignore_ascii_case("null")) {
                self.map.remove(key);
                let msg = format!(
                    "`{}` is text, but YAML reads `{raw}` as no value; it is used as written",
                    self.name(key)
                );
                self.warning(key, msg).hint = Some(format!("put it in quotes: `{key}: \"{raw}\"`"));
                return Some(raw);
            }
        }
        match self.take(key)? {
            Value::String(s) => Some(s),
            v @ (Value::Number(_) | Value::Bool(_)) => {
                let typed = if v.is_number() {
                    "a number"
                } else {
                    "true/false"
                };
                let raw = self
                    .at
                    .raw_value(&self.path(key))
                    .unwrap_or_else(|| v.to_string());
                let msg = format!(
                    "`{}` is text, but YAML reads `{raw}` as {typed}; it is used as written",
                    self.name(key)
                );
                self.warning(key, msg).hint = Some(format!("put it in quotes: `{key}: \"{raw}\"`"));
                Some(raw)
            }
            other => {
                let msg = format!(
                    "`{}` must be text, not {}",
                    self.name(key),
                    type_name(&other)
                );
                self.error(key, msg);
                None
            }
        }
    }

    /// Text that must be present and not blank.
    pub fn require_str(&mut self, key: &str, hint: &str) -> Option<String> {
        let present = self.map.contains_key(key);
        match self.take_str(key) {
            Some(s) if !s.trim().is_empty() => Some(s),
            Some(_) | None => {
                let msg = format!("`{}` is required", self.name(key));
                // A spreadsheet has a cell for it even when it is empty: point at that.
                let d = if present || self.at.grid.is_some() {
                    self.at.diag(Severity::Error, &self.path(key), msg)
                } else {
                    // Point at the start of the front matter: the key is not there.
                    let mut p = self.path(key);
                    p.pop();
                    self.at.diag(Severity::Error, &p, msg)
                };
                self.diags.push(d.hint(hint.to_string()));
                None
            }
        }
    }

    pub fn take_bool(&mut self, key: &str) -> Option<bool> {
        match self.take(key)? {
            Value::Bool(b) => Some(b),
            other => {
                let msg = format!(
                    "`{}` must be true or false, not {}",
                    self.name(key),
                    type_name(&other)
                );
                self.error(key, msg).hint = Some(format!("write `{key}: true` or `{key}: false`"));
                None
            }
        }
    }

    pub fn take_int(&mut self, key: &str) -> Option<i64> {
        match self.take(key)? {
            Value::Number(n) if n.is_i64() => n.as_i64(),
            other => {
                let msg = format!(
                    "`{}` must be a whole number, not {}",
                    self.name(key),
                    type_name(&other)
                );
                self.error(key, msg);
                None
            }
        }
    }

    /// A positive count (`paginate_by`).
    pub fn take_count(&mut self, key: &str) -> Option<usize> {
        let n = self.take_int(key)?;
        if n < 1 {
            let msg = format!("`{}` must be 1 or more", self.name(key));
            self.error(key, msg);
            return None;
        }
        usize::try_from(n).ok()
    }

    /// A list of text; a single text counts as a list of one.
    pub fn take_str_list(&mut self, key: &str) -> Vec<String> {
        match self.take(key) {
            None => Vec::new(),
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s),
                        Value::Number(n) => out.push(n.to_string()),
                        other => {
                            let idx = i.to_string();
                            let mut p = self.path(key);
                            p.push(&idx);
                            let msg = format!(
                                "item {} of `{}` must be text, not {}",
                                i + 1,
                                self.name(key),
                                type_name(&other)
                            );
                            let d = self.at.diag(Severity::Error, &p, msg);
                            self.diags.push(d);
                        }
                    }
                }
                out
            }
            Some(other) => {
                let msg = format!(
                    "`{}` must be a list, not {}",
                    self.name(key),
                    type_name(&other)
                );
                self.error(key, msg).hint = Some(format!("write `{key}: [a, b]`"));
                Vec::new()
            }
        }
    }

    pub fn take_date(&mut self, key: &str) -> Option<Date> {
        self.take_date_in(key, crate::date::DEFAULT_TIMEZONE)
    }

    /// A date, with a time without a zone read in `tz` (see `Date::parse_in`).
    pub fn take_date_in(&mut self, key: &str, tz: crate::date::Tz) -> Option<Date> {
        let s = self.take_str(key)?;
        match Date::parse_in(&s, tz) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error(key, msg).hint =
                    Some("write the date as YYYY-MM-DD (2019-01-15), with a time if you like (2019-01-15 10:00), or as RFC 3339 (2019-01-15T10:00:00+01:00)".into());
                None
            }
        }
    }

    /// A nested map, with its own `Fields` so its keys are located under this one.
    pub fn take_map(&mut self, key: &str) -> Option<Fields<'a>> {
        match self.take(key)? {
            Value::Object(map) => {
                let mut prefix = self.prefix.clone();
                prefix.push(key.to_string());
                Some(Fields {
                    map,
                    at: self.at,
                    prefix,
                    written_as: Vec::new(),
                    peers: &[],
                    diags: Vec::new(),
                })
            }
            other => {
                let msg = format!(
                    "`{}` must be a map of keys, not {}",
                    self.name(key),
                    type_name(&other)
                );
                self.error(key, msg);
                None
            }
        }
    }

    /// Merges a nested map's diagnostics back into this one.
    pub fn absorb(&mut self, nested: Fields<'_>) {
        self.diags.extend(nested.diags);
    }

    /// Reports the keys nobody took. `severity` is a warning for front matter (a typo should
    /// not stop a build) and an error for `site.yaml` (a typo there changes the whole site).
    pub fn finish(mut self, known: &[&str], severity: Severity) -> Vec<Diagnostic> {
        let left: Vec<String> = self.map.keys().cloned().collect();
        for key in left {
            let name = self.name(&key);
            let peer = self
                .peers
                .iter()
                .flat_map(|t| t.iter())
                .find(|(k, _)| *k == key);
            let mut msg = match peer {
                Some(_) => {
                    format!("`{name}` is another generator's field; varde has no use for it")
                }
                None => format!("unknown field `{name}`"),
            };
            if severity == Severity::Warning {
                msg = format!("{msg} (ignored)");
            }
            let mut d = self.at.diag(severity, &self.path(&key), msg.clone());
            if severity == Severity::Warning {
                // One finding per field name for the whole site, not one per page.
                d = d.once_per_site(format!("warning: {msg}"));
            }
            let hint = match (peer, nearest(&key, known)) {
                (Some((_, hint)), _) => hint.to_string(),
                (None, Some(k)) => format!("did you mean `{k}`? Custom fields go under `extra:`"),
                (None, None) => format!(
                    "known fields: {}; custom fields go under `extra:`",
                    known.join(", ")
                ),
            };
            self.diags.push(d.hint(hint));
        }
        self.diags
    }
}

/// The known name closest to a misspelt one, if any is close enough to be a likely typo.
pub fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys_only() {
        let known = ["title", "description", "base_url"];
        assert_eq!(nearest("titel", &known), Some("title"));
        assert_eq!(nearest("baseurl", &known), Some("base_url"));
        assert_eq!(nearest("zzz", &known), None);
    }
}
