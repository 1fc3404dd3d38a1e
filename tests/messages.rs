//! Every message varde writes to an editor has its bokmål in `src/messages.nb.txt`: the
//! string literals of `src/` that read as sentences, outside the places that are not
//! messages (listed below with why), each have an entry whose English is that literal;
//! every entry is such a literal (none left over); and each entry's bokmål carries the same
//! values. Then the command line, end to end, in both languages.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};

use varde::messages::{parse, pieces, resolve, Piece, CATALOGUE};

/// Files whose sentences are not messages to an editor, and why.
const NOT_MESSAGES: &[(&str, &str)] = &[
    (
        "src/render/cms.rs",
        "the web editor's page and its Norwegian field labels",
    ),
    (
        "src/new.rs",
        "the commented front matter of new files, written into the site",
    ),
    (
        "src/serve/live.rs",
        "the live-reload script and the overlay's stylesheet",
    ),
    (
        "src/directory/export.rs",
        "open data, in the site's language",
    ),
    (
        "src/directory/hsds_in.rs",
        "HSDS text, in the site's language",
    ),
    ("src/timing.rs", "VARDE_TIMINGS labels, for developers"),
    ("src/messages.rs", "the catalogue's own code"),
    ("src/serve/http.rs", "content types"),
    ("src/render/index_doc.rs", "the HTML the search index reads"),
];

/// Single literals that are data, not messages: the vague link texts `check` looks for,
/// languages' names in themselves, the quick exit's default label (the site's words).
const NOT_MESSAGE_TEXTS: &[&str] = &[
    "click here",
    "klikk her",
    "trykk her",
    "les mer",
    "les mer her",
    "denne lenken",
    "read more",
    "Norsk bokmål",
    "Norsk nynorsk",
    "Forlat siden",
    // Service pages' words, in the site's language.
    "Stengt på helligdager",
    "alltid åpent",
    "norsk bokmål",
    "hele landet",
    "{}, {} {}, Norge",
    // Written into files varde keeps (the link cache, the output's manifest).
    "varde check --external: outside links that answered well, and when (seconds since 1970). Safe to delete.",
    "# Written by varde: the files of this build. varde replaces or removes only these.\n",
    // HTML and HTTP: an image's `sizes`, the preview's answers to a browser.
    "(min-width: 50em) 46em, 100vw",
    "bad request path\n",
    "not found\n",
    "only GET and HEAD\n",
    "this preview only answers requests for localhost or 127.0.0.1\n",
    "static header",
    "in use",
    // Where a template comes from, and the YAML library's words that varde reads.
    "(built-in theme)/templates",
    " at line ",
    "duplicate key `",
    "while scanning a quoted scalar at line ",
];

/// Calls whose string arguments are not messages: stage names for `VARDE_TIMINGS`, keys.
const NOT_MESSAGE_CALLS: &[&str] = &[".lap(", "once_per_site(", "Timer::new(", "with_template("];

/// A string literal of the source: its text (escapes read), whether it is a `format!`-style
/// template, and the code just before it.
struct Literal {
    text: String,
    template: bool,
    before: String,
}

/// The string literals of Rust source, outside comments, attributes and test modules.
fn literals(src: &str) -> Vec<Literal> {
    let src = src.split("#[cfg(test)]").next().unwrap_or(src);
    let b = src.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    let mut attr_depth: Option<usize> = None;
    let mut depth = 0usize;
    while i < b.len() {
        let c = b[i];
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if src[i..].starts_with("#[") || src[i..].starts_with("#![") {
            attr_depth = Some(depth);
        }
        match c {
            b'[' | b'(' | b'{' => depth += 1,
            b']' | b')' | b'}' => {
                depth = depth.saturating_sub(1);
                if attr_depth == Some(depth) && c == b']' {
                    attr_depth = None;
                }
            }
            _ => {}
        }
        if c == b'\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime.
            let rest = &src[i..];
            let len = if rest.starts_with("'\\u{") {
                rest.find("}'").map_or(1, |n| n + 2)
            } else if rest.starts_with("'\\") {
                4
            } else if rest.chars().nth(2) == Some('\'') {
                rest.chars().take(3).map(char::len_utf8).sum()
            } else {
                1
            };
            i += len;
            continue;
        }
        let raw = c == b'r' && (src[i..].starts_with("r\"") || src[i..].starts_with("r#\""));
        if raw && i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
            i += 1;
            continue;
        }
        if c != b'"' && !raw {
            i += 1;
            continue;
        }
        let start = i;
        let text = if raw {
            let hashes = src[i + 1..].chars().take_while(|&h| h == '#').count();
            let open = i + 2 + hashes;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = src[open..].find(&close).map_or(b.len(), |n| open + n);
            i = end + close.len();
            src[open..end].to_string()
        } else {
            let mut t = String::new();
            let mut j = i + 1;
            let chars: Vec<char> = src[j..].chars().collect();
            let mut k = 0;
            while k < chars.len() && chars[k] != '"' {
                if chars[k] == '\\' {
                    match chars.get(k + 1) {
                        Some('\n') => {
                            k += 2;
                            while chars.get(k).is_some_and(|c| c.is_whitespace()) {
                                k += 1;
                            }
                            continue;
                        }
                        Some('n') => t.push('\n'),
                        Some('t') => t.push('\t'),
                        Some(other) => t.push(*other),
                        None => {}
                    }
                    k += 2;
                    continue;
                }
                t.push(chars[k]);
                k += 1;
            }
            j += chars[..k.min(chars.len())]
                .iter()
                .map(|c| c.len_utf8())
                .sum::<usize>();
            i = j + 1;
            t
        };
        if attr_depth.is_some() {
            continue;
        }
        let from = (0..=start.saturating_sub(80))
            .rev()
            .find(|&x| src.is_char_boundary(x))
            .unwrap_or(0);
        let before: String = src[from..start].to_string();
        let trimmed = before.trim_end();
        let template = [
            "format!(",
            "println!(",
            "eprintln!(",
            "print!(",
            "eprint!(",
            "panic!(",
        ]
        .iter()
        .any(|m| trimmed.ends_with(m))
            || (trimmed.ends_with(',')
                && (before.contains("writeln!(") || before.contains("write!(")));
        out.push(Literal {
            text,
            template,
            before,
        });
    }
    out
}

/// A literal that reads as a sentence to an editor: two words or more, with a run of
/// lower-case letters.
fn sentence(text: &str) -> bool {
    // Markup (the sitemap), HTTP (the preview's event stream, content types) and
    // developers' timing lines are not for editors.
    if text.starts_with('<')
        || text.starts_with("timing:")
        || text.starts_with("HTTP/")
        || text.starts_with("event:")
        || text.starts_with(": ")
        || text.contains("charset=")
    {
        return false;
    }
    // What is between braces is a value, not words.
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = (depth - 1).max(0),
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let text = plain.as_str();
    let words = text.split_whitespace().count();
    let letters = text
        .split(|c: char| !c.is_ascii_lowercase())
        .any(|w| w.len() >= 3);
    words >= 2 && letters
}

/// The catalogue form of a literal: a template as written; plain text with its braces doubled.
fn key(l: &Literal) -> String {
    if l.template {
        l.text.clone()
    } else {
        l.text.replace('{', "{{").replace('}', "}}")
    }
}

/// The messages of `src/` (each with its file), and every literal of `src/` in catalogue
/// form (an entry may also translate a piece that is no sentence, such as `{n} drafts`).
fn messages_in_source() -> (BTreeMap<String, String>, BTreeSet<String>) {
    let mut out = BTreeMap::new();
    let mut every = BTreeSet::new();
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p
                .strip_prefix(repo())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if NOT_MESSAGES.iter().any(|(f, _)| *f == rel) {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for l in literals(&src) {
                every.insert(key(&l));
                if !sentence(&l.text)
                    || NOT_MESSAGE_TEXTS.contains(&l.text.as_str())
                    || NOT_MESSAGE_CALLS
                        .iter()
                        .any(|c| l.before.trim_end().ends_with(c))
                {
                    continue;
                }
                out.entry(key(&l)).or_insert(rel.clone());
            }
        }
    }
    (out, every)
}

fn holes(template: &str) -> Vec<String> {
    pieces(template)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Hole(h) => Some(h),
            Piece::Text(_) => None,
        })
        .collect()
}

#[test]
fn every_message_has_its_bokmal_and_every_entry_a_message() {
    let (source, every) = messages_in_source();
    let entries = parse(CATALOGUE);
    let english: BTreeSet<&str> = entries.iter().map(|e| e.en.as_str()).collect();
    let missing: Vec<String> = source
        .iter()
        .filter(|(k, _)| !english.contains(k.as_str()))
        .map(|(k, f)| format!("{f}\t{}", k.replace('\n', "\\n")))
        .collect();
    assert!(
        missing.is_empty(),
        "{} messages have no bokmål in src/messages.nb.txt:\n{}",
        missing.len(),
        missing.join("\n")
    );
    let unused: Vec<&str> = english
        .iter()
        .copied()
        .filter(|e| !every.contains(*e))
        .collect();
    assert!(
        unused.is_empty(),
        "entries for no message in src/:\n{}",
        unused.join("\n")
    );
    for e in &entries {
        let en: Vec<String> = holes(&e.en);
        let en_refs: Vec<&str> = en.iter().map(String::as_str).collect();
        let mut used = vec![false; en.len()];
        for h in holes(&e.nb) {
            assert!(
                resolve(&en_refs, &mut used, &h).is_some(),
                "`{h}` is no value of the English:\n{}\n= {}",
                e.en,
                e.nb
            );
        }
        // Every named value reaches the bokmål; a positional one may be left out (an
        // English plural `s`).
        for (k, h) in en.iter().enumerate() {
            let named = !h
                .trim_matches(|c| c == '{' || c == '}')
                .split(':')
                .next()
                .unwrap_or("")
                .is_empty();
            assert!(
                !named || used[k],
                "the bokmål leaves out {h}:\n{}\n= {}",
                e.en,
                e.nb
            );
        }
        assert!(!e.nb.trim().is_empty(), "{}", e.en);
    }
    assert!(entries.len() > 300, "{} entries", entries.len());
}

/// The binary as an editor runs it: no `VARDE_LANG` from the test harness.
fn varde_as_editor() -> std::process::Command {
    let mut c = varde();
    c.env_remove("VARDE_LANG");
    c
}

const BROKEN: &[(&str, &str)] = &[
    (
        "content/_index.md",
        "---\ntitle: Hjem\n---\nSe [x](mangler.md).\n",
    ),
    (
        "content/a.md",
        "---\ntitle: A\ndate: 2019-02-30\n---\nTekst.\n",
    ),
];

#[test]
fn a_norwegian_site_hears_bokmal_and_any_site_can_choose() {
    // (site.yaml, extra arguments, words the messages must have, words they must not)
    type Case<'a> = (&'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);
    let table: &[Case] = &[
        (
            "",
            &[],
            &[
                "lenken `mangler.md` peker til en fil som mangler (content/mangler.md)",
                "help: sjekk filnavnet; lenker er relative til denne filen",
                "content/a.md:3:7: datoen 2019-02-30 finnes ikke",
                "2 feil, 0 advarsler",
                "ingenting ble skrevet; forrige utdata er uendret",
            ],
            &["points to", "nothing was written"],
        ),
        (
            "language: nn\n",
            &[],
            &["lenken `mangler.md` peker til en fil som mangler"],
            &["points to"],
        ),
        (
            "",
            &["--lang", "en"],
            &[
                "the link `mangler.md` points to a missing file",
                "2 errors, 0 warnings",
                "nothing was written; the previous output is unchanged",
            ],
            &["peker til"],
        ),
        (
            "language: en\n",
            &[],
            &["no such date 2019-02-30", "nothing was written"],
            &["finnes ikke"],
        ),
        (
            "language: en\n",
            &["--lang", "nb"],
            &["datoen 2019-02-30 finnes ikke"],
            &["no such date"],
        ),
    ];
    for (yaml, args, has, lacks) in table {
        let mut files = BROKEN.to_vec();
        files.push(("site.yaml", yaml));
        let dir = site(&files);
        let r = run(varde_as_editor()
            .args(["build", "--root"])
            .arg(dir.path())
            .args(*args));
        assert_eq!(r.code, 1, "{}", r.stderr);
        for w in *has {
            assert!(
                r.stderr.contains(w),
                "{yaml:?} {args:?}: wanted {w}\n{}",
                r.stderr
            );
        }
        for w in *lacks {
            assert!(
                !r.stderr.contains(w),
                "{yaml:?} {args:?}: {w} is the other language\n{}",
                r.stderr
            );
        }
    }
}

#[test]
fn the_report_and_the_summary_are_in_bokmal_too() {
    let dir = site(&[
        (
            "content/_index.md",
            "---\ntitle: Hjem\ndescription: Om oss.\n---\nVi hjelper deg.\n",
        ),
        (
            "content/a.md",
            "---\ntitle: A\ndescription: En side.\ndraft: true\n---\nKort tekst her.\n",
        ),
    ]);
    let r = run(varde_as_editor().args(["check", "--root"]).arg(dir.path()));
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("ingen problemer funnet"), "{all}");
    let r = run(varde_as_editor()
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(dir.path().join("public")));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("bygde 0 sider i 1 seksjoner"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("; 1 kladd holdt utenfor"), "{}", r.stderr);
    // JSON is for programs: English, as the code writes it.
    let r = run(varde_as_editor()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path()));
    assert!(!r.stdout.contains("ingen problemer"), "{}", r.stdout);
}
