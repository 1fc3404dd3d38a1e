//! One shortcode call read from its text: `{{ name(key="x", n=3) }}`, `{% name() %}`,
//! `{% end %}` and `{{/* literal */}}`, with the argument values; and what Hugo's and
//! Liquid's (or Go templates') syntax is, so each gets an error naming the varde way.

use serde_json::{Map, Value};

pub(super) enum Scanned {
    Call {
        len: usize,
        name: String,
        args: Map<String, Value>,
        block: bool,
    },
    End {
        len: usize,
    },
    Literal {
        len: usize,
        text: String,
    },
    /// Another generator's syntax: an error with what to write instead.
    Foreign {
        len: usize,
        message: String,
        hint: String,
    },
    /// Ours, but malformed: the message and the byte it points at.
    Bad {
        len: usize,
        message: String,
        at: usize,
    },
}

/// Reads the call that starts `s` (with `{{` or `{%`).
pub(super) fn scan(s: &str) -> Scanned {
    let block = s.starts_with("{%");
    let close = if block { "%}" } else { "}}" };
    let inner = &s[2..];
    // `{{/* name() */}}`: the call as text.
    if let Some(rest) = inner.strip_prefix("/*") {
        let end = format!("*/{close}");
        if let Some(j) = rest.find(&end) {
            let open = if block { "{%" } else { "{{" };
            return Scanned::Literal {
                len: 4 + j + end.len(),
                text: format!("{open}{}{close}", &rest[..j]),
            };
        }
    }
    if !block && (inner.starts_with('<') || inner.starts_with('%')) {
        return hugo(s);
    }
    let trimmed = inner.trim_start();
    let lead = inner.len() - trimmed.len();
    let name_len = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let name = &trimmed[..name_len];
    let after = &trimmed[name_len..];
    if block && name == "end" {
        let rest = after.trim_start();
        if let Some(r) = rest.strip_prefix("%}") {
            return Scanned::End {
                len: s.len() - r.len(),
            };
        }
    }
    if name.is_empty() || !after.starts_with('(') || name.starts_with(|c: char| c.is_ascii_digit())
    {
        return liquid(s, block);
    }
    let args_start = 2 + lead + name_len + 1;
    match args(&s[args_start..]) {
        Ok((args, used)) => {
            let rest = &s[args_start + used..];
            let tail = rest.trim_start();
            match tail.strip_prefix(close) {
                Some(r) => Scanned::Call {
                    len: s.len() - r.len(),
                    name: name.to_string(),
                    args,
                    block,
                },
                None => Scanned::Bad {
                    len: args_start + used,
                    message: format!("the shortcode `{name}` is not closed with `{close}`"),
                    at: args_start + used + (rest.len() - tail.len()),
                },
            }
        }
        Err((message, at)) => Scanned::Bad {
            len: args_start + at,
            message: format!("in the shortcode `{name}`: {message}"),
            at: args_start + at,
        },
    }
}

/// `key=value, …)` after the `(`: the arguments and the bytes read, including `)`.
fn args(s: &str) -> Result<(Map<String, Value>, usize), (String, usize)> {
    let mut out = Map::new();
    let mut i = 0;
    let b = s.as_bytes();
    let skip = |i: &mut usize| {
        while *i < b.len() && (b[*i] as char).is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip(&mut i);
        if b.get(i) == Some(&b')') {
            return Ok((out, i + 1));
        }
        let key_len = s[i..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len() - i);
        if key_len == 0 {
            return Err(("expected an argument name or `)`".into(), i));
        }
        let key = s[i..i + key_len].to_string();
        i += key_len;
        skip(&mut i);
        if b.get(i) != Some(&b'=') {
            return Err((format!("`{key}` needs a value: `{key}=\"...\"`"), i));
        }
        i += 1;
        skip(&mut i);
        let (v, used) = value(&s[i..]).map_err(|(m, at)| (m, i + at))?;
        if out.insert(key.clone(), v).is_some() {
            return Err((format!("`{key}` is given twice"), i));
        }
        i += used;
        skip(&mut i);
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b')') => {}
            _ => return Err(("expected `,` or `)`".into(), i)),
        }
    }
}

/// One value: a quoted string ("…", '…' or `…`), a number, `true`/`false`, or a list.
fn value(s: &str) -> Result<(Value, usize), (String, usize)> {
    let first = s
        .chars()
        .next()
        .ok_or(("a value is missing".to_string(), 0))?;
    match first {
        '"' | '\'' | '`' => {
            let end = s[1..]
                .find(first)
                .ok_or(("this text is never closed".to_string(), 0))?;
            Ok((Value::String(s[1..1 + end].to_string()), end + 2))
        }
        '[' => {
            let mut list = vec![];
            let mut i = 1;
            loop {
                i += s[i..].len() - s[i..].trim_start().len();
                if s[i..].starts_with(']') {
                    return Ok((Value::Array(list), i + 1));
                }
                let (v, used) = value(&s[i..]).map_err(|(m, at)| (m, i + at))?;
                list.push(v);
                i += used;
                i += s[i..].len() - s[i..].trim_start().len();
                if s[i..].starts_with(',') {
                    i += 1;
                } else if !s[i..].starts_with(']') {
                    return Err(("expected `,` or `]`".into(), i));
                }
            }
        }
        _ => {
            let len = s
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')))
                .unwrap_or(s.len());
            let word = &s[..len];
            if word.is_empty() {
                return Err(("a value is missing".into(), 0));
            }
            let v = match word {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    if let Ok(n) = word.parse::<i64>() {
                        Value::from(n)
                    } else if let Some(n) = word
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                    {
                        Value::Number(n)
                    } else {
                        return Err((
                            format!("`{word}` is not a value: put text in quotes (\"{word}\")"),
                            0,
                        ));
                    }
                }
            };
            Ok((v, len))
        }
    }
}

/// Hugo's `{{< name … >}}` and `{{% name … %}}`.
fn hugo(s: &str) -> Scanned {
    let (close, open_len) = if s.starts_with("{{<") {
        (">}}", 3)
    } else {
        ("%}}", 3)
    };
    let len = s.find(close).map_or(open_len, |j| j + close.len());
    let inner = s[open_len..len.saturating_sub(close.len()).max(open_len)].trim();
    let closing = inner.starts_with('/');
    let name: String = inner
        .trim_start_matches('/')
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'))
        .collect();
    let hint = match name.as_str() {
        "figure" => "write `{{ figur(src=\"bilde.jpg\", alt=\"what it shows\", tekst=\"the caption\") }}`".to_string(),
        "ref" | "relref" => "link to the file instead: `[tekst](/nas/tegn.md)`; varde turns it into the page's URL and checks it".to_string(),
        "highlight" => "write a fenced code block: three backticks and the language, the code, three backticks".to_string(),
        "details" => "write `{% detaljer(tittel=\"...\") %}` … `{% end %}`".to_string(),
        "youtube" | "vimeo" | "tweet" | "x" | "instagram" | "gist" => "varde pages embed nothing from other sites (no request leaves the site): link to it with `[tekst](https://…)`".to_string(),
        "param" => "write the value in the text itself".to_string(),
        other => format!("write it as a varde shortcode: a template in templates/shortcodes/{other}.html, called as `{{{{ {other}(...) }}}}`"),
    };
    let what = if closing {
        "the end of Hugo's shortcode"
    } else {
        "Hugo's shortcode"
    };
    Scanned::Foreign {
        len,
        message: format!("{what} `{name}` does not work in varde"),
        hint,
    }
}

/// Liquid (Jekyll): `{% tag … %}` and `{{ variable }}`.
fn liquid(s: &str, block: bool) -> Scanned {
    let close = if block { "%}" } else { "}}" };
    let len = s.find(close).map_or(2, |j| j + 2);
    let inner = s[2..len.saturating_sub(2).max(2)].trim();
    let word: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
        .collect();
    if !block {
        let hint = if word.contains("url") {
            "write links from the site root (`/nas/`) or to the file (`/nas/tegn.md`); the base path is added for you"
        } else {
            "a page is not a template: write the text itself, or use a shortcode (`{{ name(...) }}`) from templates/shortcodes/"
        };
        return Scanned::Foreign {
            len,
            message: format!("`{{{{ {inner} }}}}` is template code (Jekyll's Liquid, Hugo's Go templates), which does not work in a page"),
            hint: hint.into(),
        };
    }
    let hint = match word.as_str() {
        "include" | "include_relative" => "make it a shortcode: a template in templates/shortcodes/NAME.html, called as `{{ NAME(...) }}`".to_string(),
        "link" | "post_url" => "link to the file instead: `[tekst](/posts/2015-11-17-hei.md)`; varde turns it into the page's URL and checks it".to_string(),
        "highlight" | "endhighlight" => "write a fenced code block: three backticks and the language, the code, three backticks".to_string(),
        "raw" | "endraw" => "remove it: varde reads no `{{ }}` in a page as a template; to show a shortcode as text write `{{/* name() */}}`".to_string(),
        "comment" | "endcomment" => "remove it, or use an HTML comment".to_string(),
        _ => "a page is not a template: move the logic into a template in templates/".to_string(),
    };
    Scanned::Foreign {
        len,
        message: format!("Liquid's tag `{{% {word} %}}` does not work in varde"),
        hint,
    }
}
