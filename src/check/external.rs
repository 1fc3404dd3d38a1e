//! `varde check --external`: every link to another site (in the text, and a service's
//! `website`) asked for once, a few at a time, each within a time limit.
//!
//! A link the other site says is gone (404, 410) or whose host does not exist is an error:
//! the page sends readers nowhere. Anything that may pass (a time-out, a refused connection,
//! a server error, a site that turns robots away) is a warning. Links that answered well are
//! remembered in a cache file for a day, so a second run asks only for the rest.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::content::source::SourceFile;
use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// How `check --external` asks.
#[derive(Debug, Clone)]
pub struct Options {
    /// For each request, connecting included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub jobs: usize,
    /// Where links that answered well are remembered; `None` asks for every link.
    pub cache: Option<PathBuf>,
    /// How long a good answer is trusted.
    pub max_age: Duration,
}

impl Options {
    pub fn new(root: &Path) -> Options {
        Options {
            timeout: Duration::from_secs(10),
            jobs: 8,
            cache: Some(root.join(CACHE_FILE)),
            max_age: Duration::from_secs(24 * 3600),
        }
    }
}

/// Beside the site's sources, never in the output: `.varde-cache/` is not published.
pub const CACHE_FILE: &str = ".varde-cache/external-links.json";

/// What one URL answered.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Good,
    /// The link leads nowhere.
    Gone(String),
    /// Could not tell; perhaps for a while.
    Unsure(String),
}

/// One place a URL is linked from.
struct Place<'a> {
    file: &'a SourceFile,
    line: usize,
    column: usize,
    offset: Option<(usize, usize)>,
}

/// Checks every outside link of the site; the diagnostics and how many URLs were asked.
pub fn check(site: &Site, opts: &Options) -> (Vec<Diagnostic>, usize) {
    let places = collect(site);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut cache = opts.cache.as_deref().map(read_cache).unwrap_or_default();
    let fresh = |url: &str| {
        cache
            .get(url)
            .is_some_and(|&at| now.saturating_sub(at) < opts.max_age.as_secs())
    };
    let to_ask: Vec<&str> = places
        .keys()
        .map(String::as_str)
        .filter(|u| !fresh(u))
        .collect();
    let answers = ask_all(&to_ask, opts);
    let mut diags = vec![];
    for (url, answer) in to_ask.iter().zip(&answers) {
        match answer {
            Answer::Good => {
                cache.insert(url.to_string(), now);
            }
            Answer::Gone(why) | Answer::Unsure(why) => {
                cache.remove(*url);
                let gone = matches!(answer, Answer::Gone(_));
                for p in &places[*url] {
                    diags.push(diagnostic(url, why, gone, p));
                }
            }
        }
    }
    if let Some(path) = &opts.cache {
        if let Err(e) = write_cache(path, &cache) {
            diags.push(Diagnostic::warning(format!(
                "could not keep the link cache in {}: {e}",
                path.display()
            )));
        }
    }
    (diags, to_ask.len())
}

fn diagnostic(url: &str, why: &str, gone: bool, p: &Place<'_>) -> Diagnostic {
    let d = if gone {
        Diagnostic::error(format!("the outside link {url} is broken: {why}"))
            .hint("update the link or remove it; an old copy may be found at web.archive.org")
    } else {
        Diagnostic::warning(format!(
            "the outside link {url} could not be checked: {why}"
        ))
        .hint("open it in a browser; it may be a passing problem of that site")
    };
    let d = d.in_file(&p.file.rel);
    match p.offset {
        Some((offset, len)) => d.at_offset(&p.file.text, offset, len),
        None => d.at_line_col(&p.file.text, p.line, p.column, url.len()),
    }
}

/// Outside URLs (without `#fragment`) -> where they are linked from.
fn collect(site: &Site) -> BTreeMap<String, Vec<Place<'_>>> {
    let mut out: BTreeMap<String, Vec<Place<'_>>> = BTreeMap::new();
    fn add<'s>(out: &mut BTreeMap<String, Vec<Place<'s>>>, url: &str, place: Place<'s>) {
        let url = url.split('#').next().unwrap_or(url).trim().to_string();
        out.entry(url).or_default().push(place);
    }
    let files = site.pages.iter().map(|p| (&*p.file, &p.content)).chain(
        site.sections
            .iter()
            .filter_map(|s| Some((&**s.file.as_ref()?, &s.content))),
    );
    for (file, content) in files {
        for e in &content.audit.external {
            add(
                &mut out,
                &e.url,
                Place {
                    file,
                    line: 0,
                    column: 0,
                    offset: Some((e.offset, 1)),
                },
            );
        }
    }
    for page in &site.pages {
        let Some(site_url) = page
            .service
            .as_ref()
            .and_then(|s| s.contact.website.as_deref())
        else {
            continue;
        };
        let (line, column) = page
            .file
            .locate(&["contact", "website"])
            .or_else(|| page.file.locate(&["website"]))
            .unwrap_or((1, 1));
        add(
            &mut out,
            site_url,
            Place {
                file: &page.file,
                line,
                column,
                offset: None,
            },
        );
    }
    out
}

/// Asks for each URL, `opts.jobs` at a time; the answers in the same order.
fn ask_all(urls: &[&str], opts: &Options) -> Vec<Answer> {
    let agent = ureq::AgentBuilder::new()
        .timeout(opts.timeout)
        .redirects(8)
        .user_agent(concat!(
            "varde/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build();
    let next = AtomicUsize::new(0);
    let answers: Mutex<HashMap<usize, Answer>> = Mutex::new(HashMap::new());
    std::thread::scope(|s| {
        for _ in 0..opts.jobs.clamp(1, 64).min(urls.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let a = ask(&agent, url);
                if let Ok(mut m) = answers.lock() {
                    m.insert(i, a);
                }
            });
        }
    });
    let mut answers = answers.into_inner().unwrap_or_default();
    (0..urls.len())
        .map(|i| {
            answers
                .remove(&i)
                .unwrap_or_else(|| Answer::Unsure("not asked".into()))
        })
        .collect()
}

/// HEAD first; a server that does not answer HEAD (405, 501, or 403 from some) gets a GET.
fn ask(agent: &ureq::Agent, url: &str) -> Answer {
    match answer(agent.head(url).call()) {
        Answer::Unsure(why) | Answer::Gone(why) if head_refused(&why) => {
            answer(agent.get(url).call())
        }
        a => a,
    }
}

fn head_refused(why: &str) -> bool {
    ["405", "501", "403", "400"]
        .iter()
        .any(|code| why.starts_with(code))
}

fn answer(r: Result<ureq::Response, ureq::Error>) -> Answer {
    match r {
        Ok(_) => Answer::Good,
        Err(ureq::Error::Status(code, resp)) => {
            let why = format!("{code} {}", resp.status_text());
            if matches!(code, 404 | 410) {
                Answer::Gone(why)
            } else {
                Answer::Unsure(why)
            }
        }
        Err(ureq::Error::Transport(t)) => {
            use ureq::ErrorKind as K;
            let why = match t.kind() {
                K::Dns => "the host does not exist".to_string(),
                K::ConnectionFailed => "the connection was refused".to_string(),
                K::Io if is_timeout(&t) => "no answer in time".to_string(),
                _ => t.to_string(),
            };
            match t.kind() {
                K::Dns | K::InvalidUrl | K::UnknownScheme => Answer::Gone(why),
                _ => Answer::Unsure(why),
            }
        }
    }
}

fn is_timeout(t: &ureq::Transport) -> bool {
    let text = t.to_string().to_ascii_lowercase();
    text.contains("timed out") || text.contains("timeout") || text.contains("would block")
}

/// URL -> when it last answered well (seconds since 1970).
fn read_cache(path: &Path) -> HashMap<String, u64> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| serde_json::from_value(v.get("good")?.clone()).ok())
        .unwrap_or_default()
}

fn write_cache(path: &Path, cache: &HashMap<String, u64>) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let sorted: BTreeMap<&String, &u64> = cache.iter().collect();
    let json = serde_json::json!({
        "about": "varde check --external: outside links that answered well, and when (seconds since 1970). Safe to delete.",
        "good": sorted,
    });
    let tmp = path.with_extension("json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )?;
    std::fs::rename(&tmp, path)
}
