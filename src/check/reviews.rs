//! The directory's freshness as a list an office can work through: every service by
//! `last_reviewed`, oldest first, with who is responsible (`reviewed_by`). `varde check`
//! prints it and puts it in its JSON; `--review-csv FILE` writes it for a spreadsheet.

use serde::Serialize;

use crate::content::Site;

#[derive(Debug, Clone, Serialize)]
pub struct ReviewRow {
    /// The service's file (`content/tjenester/oslohjelpa.md`).
    pub file: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub last_reviewed: String,
    /// Days since then, counted to the build day (`SOURCE_DATE_EPOCH` when set).
    pub days: i64,
    pub reviewed_by: Option<String>,
    /// Older than `directory.review_max_age_months`: the page says it may be out of date.
    pub stale: bool,
}

/// Every service, oldest review first (then by title).
pub fn rows(site: &Site) -> Vec<ReviewRow> {
    let mut out: Vec<ReviewRow> = site
        .pages
        .iter()
        .filter_map(|p| {
            let s = p.service.as_ref()?;
            Some(ReviewRow {
                file: p.file.rel.display().to_string(),
                title: p.meta.title.clone(),
                last_reviewed: s.last_reviewed.iso(),
                days: (site.today.day - s.last_reviewed.day).num_days(),
                reviewed_by: s.reviewed_by.clone(),
                stale: s.is_stale(&site.config, site.today),
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.last_reviewed, &a.title).cmp(&(&b.last_reviewed, &b.title)));
    out
}

/// The list for the terminal; empty when the site has no directory.
pub fn table(rows: &[ReviewRow], lang: crate::messages::Lang) -> String {
    let tr = |s: &str| crate::messages::translate(lang, s);
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nlast checked  days  responsible           service\n");
    for r in rows {
        let who = r
            .reviewed_by
            .clone()
            .unwrap_or_else(|| tr("(nobody named)"));
        out.push_str(&format!(
            "{}  {:>4}  {:<20}  {}{}\n",
            r.last_reviewed,
            r.days,
            truncate(&who, 20),
            r.file,
            if r.stale {
                tr(" (out of date)")
            } else {
                String::new()
            }
        ));
    }
    let stale = rows.iter().filter(|r| r.stale).count();
    out.push_str(&format!(
        "{} services, {stale} out of date; `varde check --review-csv FILE` writes this list for a spreadsheet\n",
        rows.len()
    ));
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The list as CSV (UTF-8 with a BOM, so spreadsheets read the letters right), with the
/// same Norwegian headers as the directory's own export.
pub fn csv(rows: &[ReviewRow]) -> String {
    // Quoted, and a cell a spreadsheet would run as a formula defused, as in the export.
    let field = crate::directory::export::csv_field;
    let mut out =
        String::from("\u{feff}sist_kontrollert,dager_siden,ansvarlig,utdatert,navn,fil\r\n");
    for r in rows {
        let cells = [
            field(&r.last_reviewed),
            r.days.to_string(),
            field(r.reviewed_by.as_deref().unwrap_or("")),
            (if r.stale { "ja" } else { "nei" }).to_string(),
            field(&r.title),
            field(&r.file),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
