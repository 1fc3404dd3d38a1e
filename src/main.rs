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
        /// The site folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public]
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Override base_url from site.yaml (e.g. http://127.0.0.1:8080/smil/)
        #[arg(long)]
        base_url: Option<String>,
        /// Skip the search index (faster; the search page then has only its A-Z list)
        #[arg(long)]
        no_search: bool,
    },
    /// Preview the site with live reload while you edit
    #[command(
        after_help = "Examples:\n  varde serve\n  varde serve --port 8080 --open\n  varde serve --root ../nettsted --drafts\n\nThe preview is built in memory; public/ is not touched."
    )]
    Serve {
        /// The site folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; anything but 127.0.0.1 shares the preview with the network
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Open the preview in the default browser
        #[arg(long)]
        open: bool,
    },
    /// Check the content for editors: accessibility, readability (LIX), outdated services
    #[command(
        after_help = "Examples:\n  varde check\n  varde check --format json > rapport.json\n\nExit codes: 0 no errors (warnings may be listed), 1 errors, 2 wrong usage."
    )]
    Check {
        /// The site folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Create a new page or service file with commented front matter
    #[command(
        after_help = "Examples:\n  varde new page nas/ny-side.md\n  varde new service tjenester/familievern.md"
    )]
    New {
        kind: NewKind,
        /// Path under content/ (e.g. smil/pamelding.md)
        path: PathBuf,
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            base_url,
            no_search,
        } => cmd_build(
            BuildOptions {
                root,
                out,
                drafts,
                base_url,
                no_search_index: no_search,
            },
            color,
        ),
        Command::Serve {
            root,
            port,
            bind,
            drafts,
            open,
        } => match varde::serve::run(varde::serve::ServeOptions {
            root,
            port,
            bind,
            drafts,
            open,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("error: {msg}");
                ExitCode::from(1)
            }
        },
        Command::Check {
            root,
            drafts,
            format,
        } => cmd_check(root, drafts, format, color),
        Command::New { kind, path, root } => {
            let kind = match kind {
                NewKind::Page => new::Kind::Page,
                NewKind::Service => new::Kind::Service,
            };
            match new::create(&root, kind, &path) {
                Ok(p) => {
                    eprintln!("created {}", p.display());
                    ExitCode::SUCCESS
                }
                Err(msg) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// `varde build`: the messages, then one summary line; exit 1 for content errors, 3 when
/// the disk failed.
fn cmd_build(opts: BuildOptions, color: bool) -> ExitCode {
    match build(&opts) {
        Ok(report) => {
            eprint!("{}", report.diagnostics.render(color));
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            let left = report.left_out;
            let skipped = match (left.drafts, left.private) {
                (0, 0) => String::new(),
                (d, 0) => format!("; {d} draft{} left out", plural(d)),
                (0, p) => format!("; {p} Markdown file{} under `_` names left out", plural(p)),
                (d, p) => format!(
                    "; {} Markdown files left out ({d} draft{}, {p} under `_` names)",
                    d + p,
                    plural(d)
                ),
            };
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
            eprint!("{}", failure.diagnostics.render(color));
            eprintln!("nothing was written; the previous output is unchanged");
            ExitCode::from(if failure.is_io() { 3 } else { 1 })
        }
    }
}

/// `varde check`: the report as text or JSON; exit 1 when there are errors.
fn cmd_check(root: PathBuf, drafts: bool, format: Format, color: bool) -> ExitCode {
    let opts = BuildOptions {
        root,
        out: None,
        drafts,
        base_url: None,
        no_search_index: true,
    };
    let report = varde::check(&opts);
    if format == Format::Json {
        println!("{}", report.to_json());
    } else {
        let (table, messages) = report.to_text(color);
        print!("{table}");
        eprint!("{messages}");
    }
    if report.diagnostics.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
