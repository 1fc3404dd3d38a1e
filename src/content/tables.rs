//! Services kept in a spreadsheet: a `.csv`, `.xlsx` or `.ods` file in a directory
//! section (`directory: true`) is read row by row, each row a service page beside the
//! Markdown entries, checked by the same rules, with every problem at its row and column.
//! A `.json` file there is an HSDS 3.0 list of services, read the same way.
//! The file itself is a source and is never published. Elsewhere a spreadsheet is an
//! ordinary file, copied next to its page.

use std::path::PathBuf;
use std::sync::Arc;

use calamine::{open_workbook_auto, Data, Reader};

use super::files::{file_name, rel_of, Found};
use super::meta::PageMeta;
use super::parse::ParsedPage;
use super::source::{hash_str, SourceFile};
use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Severity};
use crate::directory::{self, table};
use crate::fields::{Fields, Grid, Located};

/// Whether a file name is a spreadsheet varde reads as services.
pub(super) fn is_table(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".xlsx", ".xlsm", ".ods", ".json"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Cells of a sheet: the header row and every other row with its 1-based row number and
/// the 1-based column of its first cell.
struct Sheet {
    headers: Vec<String>,
    header_row: usize,
    first_col: usize,
    rows: Vec<(usize, Vec<String>)>,
}

/// Every row of the spreadsheet `f` as a service page (or the reasons it cannot be one).
pub(super) fn pages(
    f: &Found,
    config: &Config,
    today: Date,
) -> Vec<Result<ParsedPage, Diagnostic>> {
    let rel = rel_of(&f.key);
    if file_name(&f.key).to_ascii_lowercase().ends_with(".json") {
        return hsds_pages(f, &rel, config, today);
    }
    let sheet = match read(f, &rel) {
        Ok(s) => s,
        Err(d) => return vec![Err(d)],
    };
    let mut out = vec![];
    let at_header = |col: usize, msg: String| {
        Diagnostic::error(msg)
            .in_file(&rel)
            .at_line(sheet.header_row, col)
    };
    let mut header_errors = vec![];
    let known: Vec<&str> = table::COLUMNS.iter().map(|(c, _)| *c).collect();
    for (i, h) in sheet.headers.iter().enumerate() {
        let col = sheet.first_col + i;
        if h.trim().is_empty() {
            continue;
        }
        if table::field_of(h).is_none() {
            let hint = match crate::fields::nearest(&h.trim().to_lowercase(), &known) {
                Some(k) => format!(
                    "did you mean `{k}`? The columns are those of the directory's CSV export"
                ),
                None => format!("the columns are: {}", known.join(", ")),
            };
            header_errors.push(at_header(col, format!("unknown column `{}`", h.trim())).hint(hint));
        } else if sheet.headers[..i]
            .iter()
            .any(|o| o.trim().eq_ignore_ascii_case(h.trim()))
        {
            header_errors.push(at_header(
                col,
                format!("the column `{}` comes twice", h.trim()),
            ));
        }
    }
    if !sheet
        .headers
        .iter()
        .any(|h| table::field_of(h) == Some("title"))
    {
        header_errors.push(
            at_header(1, "the sheet has no column `navn`".into())
                .hint("the first row names the columns: navn, organisasjon, sammendrag, … (`varde new directory --spreadsheet` writes a template)"),
        );
    }
    if !header_errors.is_empty() {
        return header_errors.into_iter().map(Err).collect();
    }
    for (row, cells) in &sheet.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.push(Ok(row_page(f, &rel, &sheet, *row, cells, config, today)));
    }
    out
}

fn row_page(
    f: &Found,
    rel: &std::path::Path,
    sheet: &Sheet,
    row: usize,
    cells: &[String],
    config: &Config,
    today: Date,
) -> ParsedPage {
    let r = table::row(&sheet.headers, cells, config);
    let grid = Grid {
        row,
        cells: sheet
            .headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let field = table::field_of(h)?;
                Some((field.to_string(), sheet.first_col + i, h.trim().to_string()))
            })
            .collect(),
        unit: "column",
    };
    let shown = PathBuf::from(format!("{} (row {row}, column beskrivelse)", rel.display()));
    service_page(
        f,
        rel,
        r,
        &grid,
        shown,
        &cells.join("\u{1f}"),
        config,
        today,
    )
}

/// A service page from one row of front matter, its problems at the row's cells.
#[allow(clippy::too_many_arguments)]
fn service_page(
    f: &Found,
    rel: &std::path::Path,
    r: table::Row,
    grid: &Grid,
    shown: PathBuf,
    source: &str,
    config: &Config,
    today: Date,
) -> ParsedPage {
    let row = grid.row;
    let at = Located {
        file: rel,
        text: "",
        yaml: "",
        first_line: 1,
        toml: false,
        grid: Some(grid),
    };
    let mut f_ = Fields::new(r.fields, &at);
    let service = directory::parse(&mut f_, config, today);
    let mut diags = f_.finish(directory::SERVICE_FIELDS, Severity::Error);
    for d in &mut diags {
        if let Some(h) = cell_hint(&d.message) {
            d.hint = Some(h.into());
        }
    }
    let title_col = col_of(grid, "title");
    let mut meta = None;
    if r.title.is_empty() {
        diags.push(
            Diagnostic::error(format!(
                "the service has no name ({} `{}`)",
                grid.unit,
                header_of(grid, "title")
            ))
            .in_file(rel)
            .at_line(row, title_col)
            .hint("every service needs its name"),
        );
    } else {
        let mut m = PageMeta {
            title: r.title.clone(),
            ..Default::default()
        };
        // A service exported by varde keeps its page's address; any other is named by
        // its title.
        // The address as a site path (`/tjenester/x/`), or as a full address on this site.
        let site = config.permalink("/");
        let own = |u: &str| -> Option<String> {
            if u.starts_with('/') && !u.starts_with("//") {
                return Some(u.to_string());
            }
            u.strip_prefix(site.as_str()).map(str::to_string)
        };
        match r.url.as_deref().and_then(own).as_deref() {
            Some(path) => match crate::slug::check_path(path) {
                Ok(p) => m.url = Some(p),
                Err(why) => diags.push(
                    Diagnostic::error(format!(
                        "`{path}` is not a usable site path: {why} ({} `{}`)",
                        grid.unit,
                        header_of(grid, "url")
                    ))
                    .in_file(rel)
                    .at_line(row, col_of(grid, "url")),
                ),
            },
            None => {
                if let Some(u) = &r.url {
                    diags.push(
                        Diagnostic::warning(format!(
                            "the address {u} is not on this site ({} `{}`), so the page is named by its title",
                            grid.unit,
                            header_of(grid, "url")
                        ))
                        .in_file(rel)
                        .at_line(row, col_of(grid, "url"))
                        .hint(format!("leave `url` empty, or give an address under {site}")),
                    );
                }
                m.slug = Some(crate::slug::slugify(&r.title)).filter(|s| !s.is_empty());
            }
        }
        meta = Some(m);
    }
    let file = SourceFile {
        rel: shown,
        key: format!("{}#{row}", f.key),
        hash: hash_str(source),
        text: r.body,
        yaml: 0..0,
        toml: false,
        yaml_line: 1,
        body_start: 0,
    };
    ParsedPage {
        file: Arc::new(file),
        meta,
        service,
        diags,
    }
}

/// The front-matter hints speak YAML (`required: true`); a cell is written otherwise.
fn cell_hint(message: &str) -> Option<&'static str> {
    let column = message.rsplit_once("(column `")?.1.strip_suffix("`)")?;
    Some(match column {
        "henvisning_kreves" | "gratis" => "write ja or nei",
        "sist_kontrollert" => "write the day the facts were last checked, as 2026-01-31",
        "telefon" => "numbers between `;`, each with its label in brackets if you like: `+47 22 33 44 55 (Sentralbord); 113`",
        "apningstider" => "lines between `;`: `Mandag–fredag 08:00–15:30; Stengt i juli`, or words such as `Etter avtale`",
        _ => return None,
    })
}

fn col_of(grid: &Grid, field: &str) -> usize {
    grid.cells
        .iter()
        .find(|(k, _, _)| k == field)
        .map_or(1, |c| c.1)
}

fn header_of<'g>(grid: &'g Grid, field: &'g str) -> &'g str {
    grid.cells
        .iter()
        .find(|(k, _, _)| k == field)
        .map_or(field, |c| c.2.as_str())
}

/// An HSDS 3.0 file: a list of service objects, each a service page. Problems point at the
/// line where the service's object starts, and name the HSDS field.
fn hsds_pages(
    f: &Found,
    rel: &std::path::Path,
    config: &Config,
    today: Date,
) -> Vec<Result<ParsedPage, Diagnostic>> {
    let not_hsds = |why: String| {
        vec![Err(Diagnostic::error(format!("cannot read the HSDS file: {why}"))
            .in_file(rel)
            .hint("a .json file in a directory section is a list of HSDS 3.0 services, as tjenester/hsds/services.json is"))]
    };
    let text = match std::fs::read(&f.abs).map(String::from_utf8) {
        Ok(Ok(t)) => t,
        Ok(Err(_)) => return not_hsds("it is not UTF-8 text".into()),
        Err(e) => return not_hsds(e.to_string()),
    };
    let list: Vec<serde_json::Value> = match serde_json::from_str(&text) {
        Ok(serde_json::Value::Array(l)) => l,
        Ok(_) => return not_hsds("it is not a list".into()),
        Err(e) => {
            return vec![Err(Diagnostic::error(format!("invalid JSON: {e}"))
                .in_file(rel)
                .at_line(e.line(), e.column()))]
        }
    };
    let starts = object_lines(&text);
    // Our fields and the HSDS fields they come from, for messages.
    const FROM: &[(&str, &str)] = &[
        ("title", "name"),
        ("organisation", "organization"),
        ("summary", "description"),
        ("categories", "attributes"),
        ("audience", "attributes"),
        ("service_area", "service_areas"),
        ("referral", "application_process"),
        ("cost", "cost_options"),
        ("contact.phones", "phones"),
        ("contact.email", "email"),
        ("contact.website", "url"),
        ("contact.address", "service_at_locations"),
        ("opening_hours", "schedules"),
        ("languages", "languages"),
        ("eligibility", "eligibility_description"),
        ("how_to_apply", "application_process"),
        ("last_reviewed", "assured_date"),
        ("url", "url"),
    ];
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            let row = starts.get(i).copied().unwrap_or(1);
            if !v.is_object() {
                return Err(
                    Diagnostic::error(format!("item {} is not a service object", i + 1))
                        .in_file(rel)
                        .at_line(row, 1),
                );
            }
            let r = directory::hsds_in::service(v, config);
            let grid = Grid {
                row,
                cells: FROM
                    .iter()
                    .map(|(ours, theirs)| (ours.to_string(), 1, theirs.to_string()))
                    .collect(),
                unit: "HSDS field",
            };
            let shown = PathBuf::from(format!("{} (service {})", rel.display(), i + 1));
            Ok(service_page(
                f,
                rel,
                r,
                &grid,
                shown,
                &v.to_string(),
                config,
                today,
            ))
        })
        .collect()
}

/// The 1-based line on which each element of the top-level JSON array starts.
fn object_lines(text: &str) -> Vec<usize> {
    let mut out = vec![];
    let (mut depth, mut line, mut in_str, mut escaped) = (0usize, 1usize, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        }
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' | '{' => {
                if depth == 1 && c == '{' {
                    out.push(line);
                }
                depth += 1;
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    out
}

fn read(f: &Found, rel: &std::path::Path) -> Result<Sheet, Diagnostic> {
    let cannot = |why: String| {
        Diagnostic::error(format!("cannot read the spreadsheet: {why}"))
            .in_file(rel)
            .hint("save it as .xlsx, .ods or .csv (UTF-8); the first row names the columns")
    };
    if file_name(&f.key).to_ascii_lowercase().ends_with(".csv") {
        let bytes = std::fs::read(&f.abs).map_err(|e| cannot(e.to_string()))?;
        return read_csv(bytes, rel);
    }
    let mut book = open_workbook_auto(&f.abs).map_err(|e| cannot(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| cannot("it has no sheet".into()))?
        .map_err(|e| cannot(e.to_string()))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| (top as usize + i + 1, r));
    let Some((header_row, header)) = rows.next() else {
        return Err(cannot("the first sheet is empty".into()));
    };
    let mut errors = vec![];
    let headers: Vec<String> = header
        .iter()
        .map(|c| cell_text(c).unwrap_or_default())
        .collect();
    let mut out = vec![];
    for (row, cells) in rows {
        let mut texts = vec![];
        for (i, c) in cells.iter().enumerate() {
            match cell_text(c) {
                Ok(t) => texts.push(t),
                Err(e) => {
                    errors.push((row, left as usize + i + 1, e));
                    texts.push(String::new());
                }
            }
        }
        out.push((row, texts));
    }
    if let Some((row, col, e)) = errors.first() {
        return Err(
            Diagnostic::error(format!("the cell holds the spreadsheet error {e}"))
                .in_file(rel)
                .at_line(*row, *col)
                .hint("fix the formula, or write the value itself"),
        );
    }
    Ok(Sheet {
        headers,
        header_row,
        first_col: left as usize + 1,
        rows: out,
    })
}

/// A cell as the text a person sees: whole numbers without `.0`, dates as `YYYY-MM-DD`.
fn cell_text(c: &Data) -> Result<String, String> {
    Ok(match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => (if *b { "ja" } else { "nei" }).to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => d.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A CSV file (UTF-8, a BOM allowed), with `,` or, as Norwegian spreadsheets save it, `;`
/// between cells. Row numbers are lines, counted as a spreadsheet counts rows.
fn read_csv(bytes: Vec<u8>, rel: &std::path::Path) -> Result<Sheet, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error("the spreadsheet is not UTF-8 text")
            .in_file(rel)
            .hint("save it as \"CSV UTF-8\" (Excel) or with the character set UTF-8 (LibreOffice)")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(str::to_string).collect(),
        Some(Err(e)) => return Err(csv_error(e, rel)),
        None => {
            return Err(Diagnostic::error("the spreadsheet is empty")
                .in_file(rel)
                .hint("the first row names the columns: navn, organisasjon, sammendrag, …"))
        }
    };
    let mut rows = vec![];
    for r in records {
        let r = r.map_err(|e| csv_error(e, rel))?;
        let line = r.position().map_or(0, |p| p.line() as usize);
        rows.push((line, r.iter().map(str::to_string).collect()));
    }
    Ok(Sheet {
        headers,
        header_row: 1,
        first_col: 1,
        rows,
    })
}

fn csv_error(e: csv::Error, rel: &std::path::Path) -> Diagnostic {
    let line = e.position().map_or(1, |p| p.line() as usize);
    Diagnostic::error(format!("the spreadsheet cannot be read here: {e}"))
        .in_file(rel)
        .at_line(line, 1)
        .hint(
            "check the quotes on this row: a cell that holds a quote is written \"\" inside quotes",
        )
}
