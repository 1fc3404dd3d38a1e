//! The command line: argument parsing only; the work is in the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use varde::messages::{localize, translate, translate_lines, Lang};
use varde::{build, new, BuildOptions};

#[derive(Parser)]
#[command(
    name = "varde",
    version,
    about = "Build an accessible static information site from Markdown",
    after_help = "Examples:\n  varde build                       build ./content into ./public\n  varde serve                       preview on http://127.0.0.1:1111/ with live reload\n  varde check                       accessibility and readability report for editors\n  varde build --root site --out /tmp/ut\n  varde build --drafts --base-url http://127.0.0.1:8080/smil/\n  varde new page nas/ny-side.md     start a new page with every field explained\n  varde new service tjenester/helsestasjon.md\n\nExit codes: 0 built, 1 content errors (nothing written), 2 wrong usage, 3 the disk failed (full, read-only; nothing changed)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The language of varde's messages: nb (bokmål) or en [default: bokmål when the
    /// site's language is Norwegian, else English; or VARDE_LANG]
    #[arg(long, global = true, value_name = "nb|en")]
    lang: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (swapped in only if the whole build succeeds)
    #[command(
        after_help = "Examples:\n  varde build\n  varde build --root ../nettsted --out /srv/www/smil\n  varde build --drafts"
    )]
    Build {
        /// The site folder, holding content/ and site.yaml [default: the nearest folder from
        /// here up that has them]
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output folder [default: ROOT/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Include pages whose `publish_date` is still to come
        #[arg(long)]
        future: bool,
        /// Include pages whose `expiry_date` has passed
        #[arg(long)]
        expired: bool,
        /// Override base_url from site.yaml (e.g. http://127.0.0.1:8080/smil/)
        #[arg(long)]
        base_url: Option<String>,
        /// Skip the search index (faster; the search page then has only its A-Z list)
        #[arg(long)]
        no_search: bool,
        /// Neither use nor keep the build cache (.varde-cache/build/ beside the output
        /// folder), which lets the next build skip what has not changed
        #[arg(long)]
        no_cache: bool,
        /// Show every message; by default a kind that comes many times shows a few and a count
        #[arg(long)]
        all: bool,
    },
    /// Preview the site with live reload while you edit
    #[command(
        after_help = "Examples:\n  varde serve\n  varde serve --port 8080 --open\n  varde serve --root ../nettsted --drafts\n\nThe preview is built in memory; public/ is not touched."
    )]
    Serve {
        /// The site folder, holding content/ and site.yaml [default: the nearest folder from
        /// here up that has them]
        #[arg(long)]
        root: Option<PathBuf>,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 shares the preview with the network
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Include pages whose `publish_date` is still to come
        #[arg(long)]
        future: bool,
        /// Include pages whose `expiry_date` has passed
        #[arg(long)]
        expired: bool,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
        /// No search index in the preview (it is built in the background after each save)
        #[arg(long)]
        no_search: bool,
    },
    /// Check the content for editors: accessibility, readability (LIX), outdated services
    #[command(
        after_help = "Examples:\n  varde check\n  varde check --format json > rapport.json\n\nExit codes: 0 no errors (warnings may be listed), 1 errors, 2 wrong usage."
    )]
    Check {
        /// The site folder, holding content/ and site.yaml [default: the nearest folder from
        /// here up that has them]
        #[arg(long)]
        root: Option<PathBuf>,
        /// Accepted for scripts that pass it: drafts and scheduled pages are always checked
        #[arg(long, hide = true)]
        drafts: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show every message; by default a kind that comes many times shows a few and a count
        #[arg(long)]
        all: bool,
        /// Also ask every link to another site whether it still leads somewhere (a broken one
        /// is an error; one that could not be checked, a warning). Links that answered well
        /// are remembered for a day in .varde-cache/ in the site folder
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for each answer
        #[arg(long, default_value_t = 10, value_name = "SECS", requires = "external")]
        timeout: u64,
        /// With --external: how many links to ask at once
        #[arg(long, default_value_t = 8, value_name = "N", requires = "external")]
        jobs: usize,
        /// With --external: ask every link again, and keep no cache
        #[arg(long, requires = "external")]
        no_cache: bool,
        /// Write the services by last review, oldest first, with who is responsible, as CSV
        #[arg(long, value_name = "FILE")]
        review_csv: Option<PathBuf>,
    },
    /// Create a new page or service file with commented front matter
    #[command(
        after_help = "Examples:\n  varde new page nas/ny-side.md\n  varde new service tjenester/familievern.md\n  varde new directory tjenester --spreadsheet"
    )]
    New {
        kind: NewKind,
        /// With `directory`: also write tjenester.csv, the directory's columns and one example
        /// row, to keep the services in a spreadsheet
        #[arg(long)]
        spreadsheet: bool,
        /// Path under content/ (e.g. smil/pamelding.md)
        path: PathBuf,
        /// The site folder [default: the nearest folder from here up with site.yaml or content/]
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Start a new site that builds: site.yaml, a home page and one page
    #[command(after_help = "Examples:\n  varde init\n  varde init nettsted")]
    Init {
        /// The folder for the new site
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum NewKind {
    Page,
    Service,
    /// A service directory: a folder whose pages (and spreadsheet rows) are services
    Directory,
}

// A build allocates millions of short-lived strings (Markdown events, template values,
// Pagefind's word lists); mimalloc spends much less time on them than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc v3's `mi_option_purge_delay` (the bindings name no constant for it).
const MI_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// Its default, in ms: memory freed goes back to the system a second later.
const MI_PURGE_DELAY_DEFAULT: std::ffi::c_long = 1000;
/// The preview's: a minute, longer than an editor takes between two saves.
const PREVIEW_PURGE_DELAY: std::ffi::c_long = 60_000;

/// The preview keeps the memory it frees for a minute instead of a second. Each rebuild
/// frees hundreds of MB, and the next save's first look, touching that memory anew, took a
/// page fault for every 4 KiB: on this project's VM at 10 000 pages, 8–10 ms to list the
/// site's outputs, against 1 ms with the memory kept (bench/RESULTS.md). The cost: the
/// preview holds up to its peak between saves (1.5 GiB at 10 000 pages, where it held
/// 1.0 GiB and peaked at 1.2 GiB). A build is over too soon to gain. Nothing is set when the
/// option does not hold its default: `MIMALLOC_PURGE_DELAY` was given, or another mimalloc
/// numbers its options otherwise.
fn keep_freed_memory() {
    // SAFETY: plain reads and writes of mimalloc's option table, which it made at start.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_PURGE_DELAY) == MI_PURGE_DELAY_DEFAULT {
            libmimalloc_sys::mi_option_set(MI_PURGE_DELAY, PREVIEW_PURGE_DELAY);
        }
    }
}

/// The site folder: `--root` as given, else the nearest folder from here up that holds a
/// site.
fn root_or_found(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| {
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        new::find_root(&here)
    })
}

/// The language varde speaks in: `--lang`, else `VARDE_LANG`, else bokmål for a site whose
/// default language is Norwegian and English for any other.
fn message_lang(flag: Option<&str>, root: Option<&std::path::Path>) -> Lang {
    if let Some(l) = flag
        .map(str::to_string)
        .or_else(|| std::env::var("VARDE_LANG").ok())
    {
        return Lang::of(&l);
    }
    match root {
        Some(root) => Lang::of(&varde::config::load(root).0.language),
        None => Lang::En,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let flag = cli.lang.as_deref();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            future,
            expired,
            base_url,
            no_search,
            no_cache,
            all,
        } => {
            let root = root_or_found(root);
            let lang = message_lang(flag, Some(&root));
            cmd_build(
                BuildOptions {
                    root,
                    out,
                    drafts,
                    future,
                    expired,
                    base_url,
                    no_search_index: no_search,
                    no_cache,
                },
                (color, lang),
                all,
            )
        }
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            future,
            expired,
            open,
            no_search,
        } => {
            let root = root_or_found(root);
            let lang = message_lang(flag, Some(&root));
            keep_freed_memory();
            match varde::serve::run(varde::serve::ServeOptions {
                root,
                port,
                bind,
                drafts,
                future,
                expired,
                open,
                search: !no_search,
                lang,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(msg) => {
                    eprintln!("error: {}", translate(lang, &msg));
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            root,
            drafts: _,
            format,
            all,
            external,
            timeout,
            jobs,
            no_cache,
            review_csv,
        } => {
            let root = root_or_found(root);
            let external = external.then(|| {
                let mut o = varde::check::external::Options::new(&root);
                o.timeout = std::time::Duration::from_secs(timeout.max(1));
                o.jobs = jobs.max(1);
                if no_cache {
                    o.cache = None;
                }
                o
            });
            let lang = message_lang(flag, Some(&root));
            cmd_check(root, format, (color, lang), all, external, review_csv)
        }
        Command::New {
            kind,
            spreadsheet,
            path,
            root,
        } => {
            let root = root_or_found(root);
            let lang = message_lang(flag, Some(&root));
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            let path = new::under_content(&root, &here, &path);
            let made = match kind {
                NewKind::Page => new::create(&root, new::Kind::Page, &path).map(|p| vec![p]),
                NewKind::Service => new::create(&root, new::Kind::Service, &path).map(|p| vec![p]),
                NewKind::Directory => new::create_directory(&root, &path, spreadsheet),
            };
            match made {
                Ok(files) => {
                    for p in files {
                        eprintln!("created {}", p.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(msg) => {
                    eprintln!("error: {}", translate(lang, &msg));
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => match new::init(&dir) {
            Ok(files) => {
                for f in files {
                    eprintln!("created {}", f.display());
                }
                let lang = message_lang(flag, None);
                eprintln!(
                    "{}",
                    translate(
                        lang,
                        "build it with `varde build`, or preview it with `varde serve`"
                    )
                );
                ExitCode::SUCCESS
            }
            Err(msg) => {
                eprintln!("error: {}", translate(message_lang(flag, None), &msg));
                ExitCode::from(1)
            }
        },
    }
}

/// `varde build`: the messages, then one summary line; exit 1 for content errors, 3 when
/// the disk failed.
fn cmd_build(opts: BuildOptions, (color, lang): (bool, Lang), all: bool) -> ExitCode {
    let render = |d: &varde::diagnostics::Diagnostics| {
        let mut d = d.clone();
        for x in &mut d.items {
            localize(x, lang);
        }
        let text = if all {
            d.render_all(color)
        } else {
            d.render(color)
        };
        translate_lines(lang, &text)
    };
    match build(&opts) {
        Ok(report) => {
            eprint!("{}", render(&report.diagnostics));
            for note in report.notes.iter().cloned().chain(report.reuse.summary()) {
                eprintln!("note: {}", translate(lang, &note));
            }
            let skipped = left_out(&report.left_out, lang);
            let line = format!(
                "built {} pages in {} sections ({} files) into {} in {} ms{skipped}",
                report.pages,
                report.sections,
                report.files_written,
                report.out.display(),
                report.elapsed.as_millis()
            );
            eprintln!("{}", translate(lang, &line));
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", render(&failure.diagnostics));
            eprintln!(
                "{}",
                translate(
                    lang,
                    "nothing was written; the previous output is unchanged"
                )
            );
            ExitCode::from(if failure.is_io() { 3 } else { 1 })
        }
    }
}

/// The end of the summary line: the Markdown files that are not pages of this build, by
/// reason, and when the next scheduled page is due (the site needs building again then).
/// Each phrase is whole, one for one and one for many, so it has its translation.
fn left_out(left: &varde::content::LeftOut, lang: Lang) -> String {
    let tr = |s: String| translate(lang, &s);
    let next = left
        .next_due
        .map(|d| tr(format!(", the next on {}", d.iso())))
        .unwrap_or_default();
    // (how many, said alone for one and for many, said in a list)
    type Say = fn(usize) -> String;
    let reasons: [(usize, Say, Say); 4] = [
        (
            left.drafts,
            |n| match n {
                1 => "; 1 draft left out".into(),
                n => format!("; {n} drafts left out"),
            },
            |n| match n {
                1 => "1 draft".into(),
                n => format!("{n} drafts"),
            },
        ),
        (
            left.private,
            |n| match n {
                1 => "; 1 Markdown file under `_` names left out".into(),
                n => format!("; {n} Markdown files under `_` names left out"),
            },
            |n| format!("{n} under `_` names"),
        ),
        (
            left.future,
            |n| match n {
                1 => "; 1 page waits for its publish_date".into(),
                n => format!("; {n} pages wait for their publish_date"),
            },
            |n| format!("{n} not due yet"),
        ),
        (
            left.expired,
            |n| match n {
                1 => "; 1 expired page left out".into(),
                n => format!("; {n} expired pages left out"),
            },
            |n| format!("{n} expired"),
        ),
    ];
    let given: Vec<_> = reasons.iter().filter(|(n, _, _)| *n > 0).collect();
    let total: usize = given.iter().map(|(n, _, _)| n).sum();
    match given[..] {
        [] => String::new(),
        [(n, alone, _)] => tr(alone(*n)) + &next,
        _ => {
            let parts: Vec<String> = given.iter().map(|(n, _, listed)| tr(listed(*n))).collect();
            let head = tr(format!("; {total} Markdown files left out"));
            format!("{head} ({}{next})", parts.join(", "))
        }
    }
}

/// `varde check`: the report as text or JSON; exit 1 when there are errors.
/// Every page is checked, drafts and scheduled ones too: an editor wants the messages
/// before the page goes out.
fn cmd_check(
    root: PathBuf,
    format: Format,
    (color, lang): (bool, Lang),
    all: bool,
    external: Option<varde::check::external::Options>,
    review_csv: Option<PathBuf>,
) -> ExitCode {
    let opts = BuildOptions {
        root,
        drafts: true,
        future: true,
        expired: true,
        no_search_index: true,
        ..BuildOptions::default()
    };
    let mut report = varde::check_with(&opts, external.as_ref());
    if let Some(path) = &review_csv {
        if let Err(e) = std::fs::write(path, varde::check::reviews::csv(&report.reviews)) {
            let msg = format!("cannot write {}: {e}", path.display());
            eprintln!("error: {}", translate(lang, &msg));
            return ExitCode::from(3);
        }
        let msg = format!(
            "wrote {} services by last review to {}",
            report.reviews.len(),
            path.display()
        );
        eprintln!("{}", translate(lang, &msg));
    }
    if format == Format::Json {
        // For programs: the messages as the code writes them, in English.
        println!("{}", report.to_json());
    } else {
        for d in &mut report.diagnostics.items {
            localize(d, lang);
        }
        let (table, messages) = report.to_text(color, all, lang);
        print!("{}", translate_lines(lang, &table));
        eprint!("{}", translate_lines(lang, &messages));
        if let Some(n) = report.external_asked {
            let msg = format!(
                "note: asked {n} outside link{} (the rest answered well within a day, see {})",
                if n == 1 { "" } else { "s" },
                varde::check::external::CACHE_FILE
            );
            eprintln!("{}", translate(lang, &msg));
        }
    }
    if report.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
