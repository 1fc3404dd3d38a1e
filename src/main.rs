//! The command line: argument parsing only; the work is in the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            future,
            expired,
            base_url,
            no_search,
            all,
        } => cmd_build(
            BuildOptions {
                root: root_or_found(root),
                out,
                drafts,
                future,
                expired,
                base_url,
                no_search_index: no_search,
            },
            color,
            all,
        ),
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            future,
            expired,
            open,
            no_search,
        } => match varde::serve::run(varde::serve::ServeOptions {
            root: root_or_found(root),
            port,
            bind,
            drafts,
            future,
            expired,
            open,
            search: !no_search,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(1)
            }
        },
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
            cmd_check(root, format, color, all, external, review_csv)
        }
        Command::New {
            kind,
            spreadsheet,
            path,
            root,
        } => {
            let root = root_or_found(root);
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
                    eprintln!("error: {msg}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir } => match new::init(&dir) {
            Ok(files) => {
                for f in files {
                    eprintln!("created {}", f.display());
                }
                eprintln!("build it with `varde build`, or preview it with `varde serve`");
                ExitCode::SUCCESS
            }
            Err(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(1)
            }
        },
    }
}

/// `varde build`: the messages, then one summary line; exit 1 for content errors, 3 when
/// the disk failed.
fn cmd_build(opts: BuildOptions, color: bool, all: bool) -> ExitCode {
    let render = |d: &varde::diagnostics::Diagnostics| {
        if all {
            d.render_all(color)
        } else {
            d.render(color)
        }
    };
    match build(&opts) {
        Ok(report) => {
            eprint!("{}", render(&report.diagnostics));
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            let skipped = left_out(&report.left_out);
            eprintln!(
                "built {} pages in {} sections ({} files) into {} in {} ms{skipped}",
                report.pages,
                report.sections,
                report.files_written,
                report.out.display(),
                report.elapsed.as_millis()
            );
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", render(&failure.diagnostics));
            eprintln!("nothing was written; the previous output is unchanged");
            ExitCode::from(if failure.is_io() { 3 } else { 1 })
        }
    }
}

/// The end of the summary line: the Markdown files that are not pages of this build, by
/// reason, and when the next scheduled page is due (the site needs building again then).
fn left_out(left: &varde::content::LeftOut) -> String {
    let next = left
        .next_due
        .map(|d| format!(", the next on {}", d.iso()))
        .unwrap_or_default();
    // (how many, said alone, said in a list)
    let reasons = [
        (left.drafts, "draft", "draft"),
        (
            left.private,
            "Markdown file under `_` names",
            "under `_` names",
        ),
        (left.future, "page not due yet", "not due yet"),
        (left.expired, "expired page", "expired"),
    ];
    let given: Vec<_> = reasons.iter().filter(|(n, _, _)| *n > 0).collect();
    let total: usize = given.iter().map(|(n, _, _)| n).sum();
    match given[..] {
        [] => String::new(),
        [(n, _, _)] if left.future > 0 => {
            let s = plural(*n);
            let verb = if *n == 1 { "waits" } else { "wait" };
            format!(
                "; {n} page{s} {verb} for {} publish_date{next}",
                if *n == 1 { "its" } else { "their" }
            )
        }
        [(n, alone, _)] => {
            let (noun, rest) = alone.split_once(' ').unwrap_or((alone, ""));
            let rest = if rest.is_empty() {
                String::new()
            } else {
                format!(" {rest}")
            };
            format!("; {n} {noun}{}{rest} left out", plural(*n))
        }
        _ => {
            let parts: Vec<String> = given
                .iter()
                .map(|(n, _, listed)| {
                    let listed = if *listed == "draft" {
                        format!("draft{}", plural(*n))
                    } else {
                        listed.to_string()
                    };
                    format!("{n} {listed}")
                })
                .collect();
            format!(
                "; {total} Markdown file{} left out ({}{next})",
                plural(total),
                parts.join(", ")
            )
        }
    }
}

/// `varde check`: the report as text or JSON; exit 1 when there are errors.
/// Every page is checked, drafts and scheduled ones too: an editor wants the messages
/// before the page goes out.
fn cmd_check(
    root: PathBuf,
    format: Format,
    color: bool,
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
    let report = varde::check_with(&opts, external.as_ref());
    if let Some(path) = &review_csv {
        if let Err(e) = std::fs::write(path, varde::check::reviews::csv(&report.reviews)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(3);
        }
        eprintln!(
            "wrote {} services by last review to {}",
            report.reviews.len(),
            path.display()
        );
    }
    if format == Format::Json {
        println!("{}", report.to_json());
    } else {
        let (table, messages) = report.to_text(color, all);
        print!("{table}");
        eprint!("{messages}");
        if let Some(n) = report.external_asked {
            eprintln!(
                "note: asked {n} outside link{} (the rest answered well within a day, see {})",
                if n == 1 { "" } else { "s" },
                varde::check::external::CACHE_FILE
            );
        }
    }
    if report.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
