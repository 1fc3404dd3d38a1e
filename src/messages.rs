//! varde's own messages in Norwegian bokmål. The code writes every message in English; the
//! command line shows it in bokmål when the site's default language is Norwegian (or with
//! `--lang nb`), from one catalogue, `messages.nb.txt`. Each entry there is an English
//! message as the code writes it (`{name}` where a value goes, as in `format!`), and its
//! bokmål. A message is matched against the entries when it is shown; the values it
//! carries are put into the bokmål, translated in turn when they are messages themselves.
//! A message with no entry stays English. `tests/messages.rs` checks that every message in
//! the code has an entry.

use std::sync::OnceLock;

use crate::diagnostics::Diagnostic;

/// The language varde speaks to the editor in (`--help` stays English).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Nb,
}

impl Lang {
    /// `nb`, `nn`, `no` (and `nb-NO`…) are bokmål; anything else is English.
    pub fn of(code: &str) -> Lang {
        if crate::html::is_norwegian(code) {
            Lang::Nb
        } else {
            Lang::En
        }
    }
}

/// The catalogue's text: pairs of an English line and a `= ` bokmål line, blank lines
/// between, `#` comments; `\n` is a line break.
pub const CATALOGUE: &str = include_str!("messages.nb.txt");

/// One piece of a message template: text, or a place where a value goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// The placeholder as written (`{path}`, `{}`, `{n:.0}`).
    Hole(String),
}

/// A template in `format!`'s syntax: `{…}` is a hole, `{{` and `}}` are braces.
pub fn pieces(template: &str) -> Vec<Piece> {
    let mut out = vec![];
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut hole = String::from("{");
                for h in chars.by_ref() {
                    hole.push(h);
                    if h == '}' {
                        break;
                    }
                }
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(Piece::Hole(hole));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// One entry: the English template and its bokmål.
pub struct Entry {
    pub en: String,
    pub nb: String,
    en_pieces: Vec<Piece>,
    nb_pieces: Vec<Piece>,
}

/// Reads the catalogue's text into entries (a line that breaks the format is skipped;
/// `tests/messages.rs` checks the file).
pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = vec![];
    let mut en: Option<&str> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            en = None;
            continue;
        }
        match (line.strip_prefix("= "), en) {
            (Some(nb), Some(e)) => {
                // A line break in a message is written `\n`.
                let (e, nb) = (e.replace("\\n", "\n"), nb.replace("\\n", "\n"));
                out.push(Entry {
                    en_pieces: pieces(&e),
                    nb_pieces: pieces(&nb),
                    en: e,
                    nb,
                });
                en = None;
            }
            (None, _) => en = Some(line),
            (Some(_), None) => {}
        }
    }
    out
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| parse(CATALOGUE))
}

/// The values in `message` where `template`'s holes are, if the message is the template
/// filled in. Each hole takes the shortest text up to the next piece of text.
fn capture(template: &[Piece], message: &str) -> Option<Vec<String>> {
    let mut values = vec![];
    let mut rest = message;
    let mut i = 0;
    while i < template.len() {
        match &template[i] {
            Piece::Text(t) => rest = rest.strip_prefix(t.as_str())?,
            Piece::Hole(_) => match template.get(i + 1) {
                Some(Piece::Text(next)) => {
                    let at = rest.find(next.as_str())?;
                    values.push(rest[..at].to_string());
                    rest = &rest[at..];
                }
                // Two holes side by side cannot be told apart.
                Some(Piece::Hole(_)) => return None,
                None => {
                    values.push(rest.to_string());
                    rest = "";
                }
            },
        }
        i += 1;
    }
    rest.is_empty().then_some(values)
}

/// `message` in `lang`: the bokmål of the first entry it fills, with its values (each
/// translated too, when it is a message of its own), or `message` as it is.
pub fn translate(lang: Lang, message: &str) -> String {
    translate_at(lang, message, 0)
}

fn translate_at(lang: Lang, message: &str, depth: usize) -> String {
    if lang == Lang::En || depth > 3 || message.is_empty() {
        return message.to_string();
    }
    for e in entries() {
        if e.en_pieces.iter().all(|p| matches!(p, Piece::Hole(_))) {
            continue;
        }
        let Some(values) = capture(&e.en_pieces, message) else {
            continue;
        };
        let holes: Vec<&str> = e
            .en_pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Hole(h) => Some(h.as_str()),
                Piece::Text(_) => None,
            })
            .collect();
        let mut used = vec![false; holes.len()];
        let mut out = String::with_capacity(message.len() + 16);
        for p in &e.nb_pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(h) => {
                    let Some((k, forms)) = resolve(&holes, &mut used, h) else {
                        continue;
                    };
                    match forms {
                        // `{n|side|sider}`: the word for the number, not the number.
                        Some((one, many)) => {
                            out.push_str(if values[k].trim() == "1" { one } else { many })
                        }
                        None => out.push_str(&translate_at(lang, &values[k], depth + 1)),
                    }
                }
            }
        }
        return out;
    }
    message.to_string()
}

/// Which of the English holes a bokmål hole takes its value from: `{name}` (by name, any
/// `:spec` aside), `{}` (the next positional one), `{#2}` (the second positional one, when
/// the bokmål leaves one out, as an English plural `s`); and `{name|one|many}`, which
/// writes one of two words by that value instead of the value.
pub fn resolve<'h>(
    holes: &[&str],
    used: &mut [bool],
    hole: &'h str,
) -> Option<(usize, Option<(&'h str, &'h str)>)> {
    let inner = hole.strip_prefix('{')?.strip_suffix('}')?;
    let (base, forms) = match inner.split_once('|') {
        Some((b, f)) => (b, Some(f.split_once('|')?)),
        None => (inner, None),
    };
    let name_of = |h: &str| {
        h.trim_start_matches('{')
            .trim_end_matches('}')
            .split(':')
            .next()
            .unwrap_or("")
            .to_string()
    };
    let positional: Vec<usize> = (0..holes.len())
        .filter(|&k| name_of(holes[k]).is_empty())
        .collect();
    let k = if let Some(n) = base.strip_prefix('#') {
        *positional.get(n.parse::<usize>().ok()?.checked_sub(1)?)?
    } else if name_of(hole).is_empty() || base.is_empty() {
        *positional.iter().find(|&&k| !used[k])?
    } else {
        let name = base.split(':').next().unwrap_or("");
        let same: Vec<usize> = (0..holes.len())
            .filter(|&k| name_of(holes[k]) == name)
            .collect();
        // A name the English gives twice is one value.
        for &k in &same {
            used[k] = true;
        }
        *same.first()?
    };
    used[k] = true;
    Some((k, forms))
}

/// Each line of `text` translated on its own (a report, a summary).
pub fn translate_lines(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    // A message may end (or start) with its own line break, which the lines lose.
    let line = |l: &str| {
        let t = translate(lang, l);
        if t != l {
            return t;
        }
        let with = format!("{l}\n");
        let t = translate(lang, &with);
        if t != with {
            return t.trim_end_matches('\n').to_string();
        }
        let with = format!("\n{l}\n");
        let t = translate(lang, &with);
        if t != with {
            return t.trim_matches('\n').to_string();
        }
        l.to_string()
    };
    let mut out: String = text.lines().map(line).collect::<Vec<_>>().join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A diagnostic's message and hint in `lang`.
pub fn localize(d: &mut Diagnostic, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    d.message = translate(lang, &d.message);
    if let Some(h) = &d.hint {
        d.hint = Some(translate(lang, h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_matched_and_its_values_carried_over() {
        let entries = parse("the link `{dest}` points to {what}\n= lenken `{dest}` peker til {what}\n\na draft page\n= en kladd\n");
        let e = &entries[0];
        let values = capture(&e.en_pieces, "the link `a.md` points to a draft page").unwrap();
        assert_eq!(values, ["a.md", "a draft page"]);
        assert!(capture(&e.en_pieces, "the link `a.md` goes nowhere").is_none());
        assert_eq!(
            pieces("{{ x }} {n:.0}"),
            [Piece::Text("{ x } ".into()), Piece::Hole("{n:.0}".into())]
        );
    }

    #[test]
    fn english_is_left_alone_and_unknown_messages_stay_english() {
        assert_eq!(translate(Lang::En, "anything at all"), "anything at all");
        assert_eq!(
            translate(Lang::Nb, "a message nobody wrote"),
            "a message nobody wrote"
        );
        assert_eq!(Lang::of("nn"), Lang::Nb);
        assert_eq!(Lang::of("en-GB"), Lang::En);
    }
}
