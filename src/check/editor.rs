//! `varde check`: what an editor can fix that a template cannot. Missing alt texts, skipped
//! heading levels, empty or vague link texts, missing descriptions, long sentences, LIX
//! readability, and services whose facts have not been checked for too long.

use serde::Serialize;

use crate::content::audit::Audit;
use crate::content::source::SourceFile;
use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// Link texts that say nothing about where the link goes (WCAG 2.4.4).
const VAGUE: &[&str] = &[
    "her",
    "klikk her",
    "trykk her",
    "les mer",
    "les mer her",
    "mer",
    "lenke",
    "denne lenken",
    "link",
    "click here",
    "here",
    "read more",
    "more",
];

#[derive(Debug, Clone, Serialize)]
pub struct LixRow {
    pub file: String,
    pub title: String,
    pub lix: f64,
    pub words: usize,
    pub sentences: usize,
}

fn audit_file(file: &SourceFile, audit: &Audit, max_words: usize, out: &mut Vec<Diagnostic>) {
    let at = |d: Diagnostic, offset: usize, len: usize| {
        d.in_file(&file.rel).at_offset(&file.text, offset, len)
    };
    for img in &audit.images {
        if img.alt.trim().is_empty() {
            out.push(at(Diagnostic::error("image without alt text"), img.offset, 2).hint(
                "describe what the image shows: ![En mor som holder et spedbarn](bilde.jpg); a purely decorative image belongs in the theme, not the text",
            ));
        }
    }
    let mut previous = 1u8;
    for h in &audit.headings {
        if h.level == 1 {
            out.push(
                at(Diagnostic::warning("a level-1 heading in the text"), h.offset, 1)
                    .hint("the page title is the page's only level-1 heading; start the text's headings with ##"),
            );
        } else if h.level > previous + 1 {
            out.push(
                at(
                    Diagnostic::warning(format!(
                        "heading level skipped: level {} after level {previous}",
                        h.level
                    )),
                    h.offset,
                    h.level as usize,
                )
                .hint(format!(
                    "use {} here, so screen-reader users can follow the structure",
                    "#".repeat(previous as usize + 1)
                )),
            );
        }
        previous = h.level;
    }
    for l in &audit.links {
        let name = l.text.trim();
        let named_by_image = l.image_alt.as_deref().is_some_and(|a| !a.trim().is_empty());
        if name.is_empty() && !named_by_image {
            out.push(at(Diagnostic::error("link without text"), l.offset, 1).hint("write what the link leads to between the brackets: [Påmelding til kurset](pamelding.md)"));
        } else if VAGUE.contains(
            &name
                .trim_end_matches(['.', '!', ':', '…'])
                .to_lowercase()
                .as_str(),
        ) {
            out.push(
                at(Diagnostic::warning(format!("vague link text \"{name}\"")), l.offset, 1)
                    .hint("say where the link goes, e.g. [les om påmelding](pamelding.md): screen-reader users often hear links without the text around them"),
            );
        }
    }
    for s in &audit.sentences {
        if s.words > max_words {
            out.push(
                at(Diagnostic::warning(format!("a long sentence ({} words)", s.words)), s.offset, 1)
                    .hint(format!("sentences over {max_words} words are hard to read under stress; split it in two")),
            );
        }
    }
}

/// Runs every editor check on a loaded site. Returns the diagnostics and one LIX row per
/// page with enough text to score.
/// Also returns how many pages were left out of LIX for their language.
pub fn run(site: &Site) -> (Vec<Diagnostic>, Vec<LixRow>, usize) {
    let c = &site.config;
    let mut diags = vec![];
    let mut rows = vec![];
    let mut skipped = 0;
    for page in &site.pages {
        audit_file(
            &page.file,
            &page.content.audit,
            c.check.sentence_max_words,
            &mut diags,
        );
        let has_desc = page
            .meta
            .description
            .as_deref()
            .is_some_and(|d| !d.trim().is_empty());
        if !has_desc && page.service.is_none() {
            diags.push(
                Diagnostic::warning("the page has no description")
                    .in_file(&page.file.rel)
                    .at_line(1, 1)
                    .hint("add `description: ...` with one or two plain sentences; lists, search results and link previews show it"),
            );
        }
        if let Some(s) = &page.service {
            if s.is_stale(c, site.today) {
                let line = page.file.locate(&["last_reviewed"]).map_or(1, |(l, _)| l);
                diags.push(
                    Diagnostic::warning(format!(
                        "last checked {}, more than {} months ago; the page says it may be out of date",
                        s.last_reviewed.iso(),
                        c.directory.review_max_age_months
                    ))
                    .in_file(&page.file.rel)
                    .at_line(line, 1)
                    .hint("check the facts with the service, then set `last_reviewed` to today's date"),
                );
            }
        }
        // LIX was made for Swedish, and fits Norwegian and Danish; for Arabic or English it
        // measures the wrong thing, so those pages get no score.
        let lang = page
            .meta
            .lang
            .as_deref()
            .unwrap_or(&c.languages[page.lang].code);
        if !lix_fits(lang) {
            skipped += 1;
        } else if let Some(lix) = page.content.audit.lix() {
            rows.push(LixRow {
                file: page.file.rel.display().to_string(),
                title: page.meta.title.clone(),
                lix: (lix * 10.0).round() / 10.0,
                words: page.content.audit.word_count(),
                sentences: page.content.audit.sentences.len(),
            });
            if lix > c.check.lix_max {
                diags.push(
                    Diagnostic::warning(format!(
                        "LIX {lix:.0} is above {:.0}: the text is hard to read",
                        c.check.lix_max
                    ))
                    .in_file(&page.file.rel)
                    .at_line(1, 1)
                    .hint(
                        "use shorter sentences and shorter words; LIX under 40 suits most readers",
                    ),
                );
            }
        }
    }
    for s in &site.sections {
        if let Some(file) = &s.file {
            audit_file(
                file,
                &s.content.audit,
                c.check.sentence_max_words,
                &mut diags,
            );
            if s.meta
                .description
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                diags.push(
                    Diagnostic::warning("the section has no description")
                        .in_file(&file.rel)
                        .at_line(1, 1)
                        .hint("add `description: ...` to its _index.md"),
                );
            }
        }
    }
    rows.sort_by(|a, b| b.lix.total_cmp(&a.lix).then_with(|| a.file.cmp(&b.file)));
    (diags, rows, skipped)
}

/// Whether LIX means something for text in `lang`: Norwegian (nb, nn, no), Swedish, Danish.
pub fn lix_fits(lang: &str) -> bool {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(primary.as_str(), "nb" | "nn" | "no" | "sv" | "da")
}

/// The LIX summary as a small table for the terminal.
pub fn lix_table(rows: &[LixRow], max: f64, skipped: usize, lang: crate::messages::Lang) -> String {
    let note = match skipped {
        0 => String::new(),
        n => format!("LIX is not given for {n} page{} in other languages: it measures Norwegian, Swedish and Danish text\n", if n == 1 { "" } else { "s" }),
    };
    if rows.is_empty() {
        return note;
    }
    let mut out = String::from("LIX   words  page\n");
    for r in rows {
        let flag = if r.lix > max {
            crate::messages::translate(lang, " (above the limit)")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{:>4.0} {:>7}  {}{flag}\n",
            r.lix, r.words, r.file
        ));
    }
    let mean = rows.iter().map(|r| r.lix).sum::<f64>() / rows.len() as f64;
    out.push_str(&format!(
        "mean LIX {mean:.0} over {} pages; limit {max:.0} (under 40 is easy to read)\n",
        rows.len()
    ));
    out.push_str(&note);
    out
}
