//! `permalinks:` in site.yaml: a section's path pattern, and how its tokens are filled in.

use serde::Serialize;

/// `posts: /:year/:month/:slug/` under `permalinks:`: the pages of the `posts` folder (and
/// the folders in it) get their path from the pattern; the model fills it in.
#[derive(Debug, Clone, Serialize)]
pub struct Permalink {
    /// The section's folder under `content/` (`posts`, `nyheter/arkiv`).
    pub section: String,
    /// Starts with `/`; its `:tokens` are among `PERMALINK_TOKENS`.
    pub pattern: String,
}

/// What a permalink pattern may use: Hugo's names, and Jekyll's `:categories` and
/// `:output_ext` (`.html`).
pub const PERMALINK_TOKENS: &[&str] = &[
    "year",
    "month",
    "day",
    "slug",
    "title",
    "filename",
    "section",
    "categories",
    "output_ext",
];

impl Permalink {
    /// The pattern with each `:token` replaced by `value(token)`; an unknown token is an
    /// error. The model fills in a page's values; `site.yaml` checks a pattern with dummies.
    pub fn fill(
        pattern: &str,
        mut value: impl FnMut(&str) -> Result<String, String>,
    ) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = pattern;
        while let Some(i) = rest.find(':') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let token = &after[..len];
            if !PERMALINK_TOKENS.contains(&token) {
                return Err(format!("`:{token}` is not a token"));
            }
            out.push_str(&value(token)?);
            rest = &after[len..];
        }
        out.push_str(rest);
        Ok(out)
    }
}
