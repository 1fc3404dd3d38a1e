//! `/admin/`: Sveltia CMS (a Decap-compatible web editor, vendored in `vendor/sveltia-cms`)
//! for a site with `cms:` in site.yaml, so office staff can edit pages and services in a
//! browser. Its configuration is generated from varde's own fields: each section is a
//! collection of pages, each directory section a collection of services, with the right
//! widget, the vocabularies as choices and the required fields marked. Reader pages never
//! load the editor; `/admin/` is in no sitemap, no search index, and robots are asked to
//! keep out.

use serde_json::{json, Value};

use crate::config::{Cms, Config, Term};
use crate::content::Site;
use crate::directory::SERVICE_FIELDS;

/// Where the editor lives, and its two generated files.
pub const ADMIN_PATH: &str = "/admin/";
pub const CONFIG_PATH: &str = "/admin/config.yml";
pub const SCRIPT_PATH: &str = "/admin/sveltia-cms.js";

/// The vendored editor (see `vendor/README.md`).
pub const SCRIPT: &[u8] = include_bytes!("../../vendor/sveltia-cms/sveltia-cms.js");

/// The editor's page: the script and nothing else.
pub fn admin_page(config: &Config) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex, nofollow\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>Rediger {title}</title>\n<link href=\"{config}\" type=\"application/yaml\" rel=\"cms-config-url\">\n</head>\n<body>\n<script src=\"{script}\"></script>\n</body>\n</html>\n",
        lang = crate::html::escape(&config.language),
        title = crate::html::escape(&config.title),
        config = config.url(CONFIG_PATH),
        script = config.url(SCRIPT_PATH),
    )
}

fn field(name: &str, label: &str, widget: &str, required: bool) -> Value {
    json!({"name": name, "label": label, "widget": widget, "required": required})
}

fn choices(name: &str, label: &str, terms: &[Term], required: bool) -> Value {
    let options: Vec<Value> = terms
        .iter()
        .map(|t| json!({"label": t.label, "value": t.id}))
        .collect();
    json!({"name": name, "label": label, "widget": "select", "multiple": true, "options": options, "required": required})
}

fn date(name: &str, label: &str, required: bool) -> Value {
    json!({"name": name, "label": label, "widget": "datetime", "format": "YYYY-MM-DD", "time_format": false, "required": required})
}

/// The fields of a page, as the editor shows them.
fn page_fields(config: &Config) -> Vec<Value> {
    let mut out = vec![
        field("title", "Tittel", "string", true),
        field(
            "description",
            "Beskrivelse (en eller to setninger)",
            "text",
            false,
        ),
        date("date", "Dato", false),
        date("updated", "Oppdatert", false),
        field("draft", "Utkast (ikke publisert)", "boolean", false),
    ];
    for t in &config.taxonomies {
        out.push(json!({"name": t.name, "label": t.title, "widget": "list", "required": false}));
    }
    out.push(json!({"name": "weight", "label": "Rekkefølge (lavest først)", "widget": "number", "value_type": "int", "required": false}));
    out.push(field("body", "Tekst", "markdown", false));
    out
}

/// The editor's field for one service field (every name in `SERVICE_FIELDS`), with the
/// same required flags the build checks.
fn service_field(name: &str, config: &Config) -> Option<Value> {
    let d = &config.directory;
    Some(match name {
        "organisation" => field(name, "Organisasjon", "string", true),
        "summary" => field(name, "Sammendrag (én setning)", "text", true),
        "categories" => choices(name, "Type hjelp", &d.categories, true),
        "audience" => choices(name, "Målgruppe", &d.audience, false),
        "service_area" => {
            json!({"name": name, "label": "Område (kommuner, fylker eller hele-landet)", "widget": "list", "required": true})
        }
        "referral" => {
            json!({"name": name, "label": "Henvisning", "widget": "object", "required": false, "fields": [
                field("required", "Krever henvisning", "boolean", true),
                field("who_can_refer", "Hvem kan henvise", "string", false),
                field("how", "Slik henviser du", "text", false),
            ]})
        }
        "cost" => {
            json!({"name": name, "label": "Pris", "widget": "object", "required": false, "fields": [
                field("free", "Gratis", "boolean", true),
                field("text", "Om prisen", "string", false),
            ]})
        }
        "eligibility" => field(name, "Hvem kan bruke tilbudet", "text", false),
        "languages" => {
            json!({"name": name, "label": "Språk (koder som nb, en)", "widget": "list", "required": false})
        }
        "contact" => {
            json!({"name": name, "label": "Kontakt", "widget": "object", "required": false, "fields": [
                json!({"name": "phones", "label": "Telefon", "widget": "list", "required": false, "fields": [
                    field("number", "Nummer", "string", true),
                    field("label", "Hva nummeret er for", "string", false),
                ]}),
                field("email", "E-post", "string", false),
                field("website", "Nettsted (https://…)", "string", false),
                json!({"name": "address", "label": "Adresse", "widget": "object", "required": false, "fields": [
                    field("street", "Gateadresse", "string", true),
                    field("postcode", "Postnummer", "string", true),
                    field("city", "Sted", "string", true),
                ]}),
            ]})
        }
        "opening_hours" => {
            json!({"name": name, "label": "Åpningstider", "widget": "object", "required": false, "fields": [
                json!({"name": "regular", "label": "Faste tider", "widget": "list", "required": false, "fields": [
                    json!({"name": "days", "label": "Dager", "widget": "select", "multiple": true, "required": true,
                           "options": ["man", "tir", "ons", "tor", "fre", "lør", "søn"]}),
                    json!({"name": "opens", "label": "Åpner (08:00)", "widget": "string", "required": true, "pattern": ["^[0-2][0-9]:[0-5][0-9]$", "skriv tiden som 08:00"]}),
                    json!({"name": "closes", "label": "Stenger (15:30)", "widget": "string", "required": true, "pattern": ["^[0-2][0-9]:[0-5][0-9]$", "skriv tiden som 15:30"]}),
                ]}),
                json!({"name": "public_holidays", "label": "Helligdager", "widget": "select", "required": false, "options": [
                    {"label": "Stengt", "value": "closed"}, {"label": "Åpent", "value": "open"}]}),
                json!({"name": "closed", "label": "Stengt (f.eks. Stengt i juli)", "widget": "list", "required": false}),
                field("note", "Merknad", "string", false),
            ]})
        }
        "how_to_apply" => field(name, "Slik tar du kontakt", "text", false),
        "last_reviewed" => date(name, "Sist kontrollert", true),
        "reviewed_by" => field(name, "Ansvarlig for å kontrollere", "string", false),
        _ => return None,
    })
}

/// The fields of a service: its page's title and text, and every service field.
pub fn service_fields(config: &Config) -> Vec<Value> {
    let mut out = vec![field("title", "Navn", "string", true)];
    out.extend(
        SERVICE_FIELDS
            .iter()
            .filter_map(|f| service_field(f, config)),
    );
    out.push(field("body", "Om tjenesten", "markdown", false));
    out
}

fn backend(cms: &Cms) -> Value {
    let mut b = json!({"name": cms.backend, "branch": cms.branch});
    if let Some(r) = &cms.repo {
        b["repo"] = json!(r);
    }
    b
}

/// `/admin/config.yml`, written as JSON (which is YAML too): one collection per section.
pub fn config(site: &Site, cms: &Cms) -> String {
    let c = &site.config;
    let collections: Vec<Value> = site
        .sections
        .iter()
        .map(|s| {
            let name = if s.dir.is_empty() {
                "forside".to_string()
            } else {
                crate::slug::slugify(&s.dir.replace('/', "-"))
            };
            let folder = if s.dir.is_empty() {
                "content".to_string()
            } else {
                format!("content/{}", s.dir)
            };
            let fields = if s.meta.directory {
                service_fields(c)
            } else {
                page_fields(c)
            };
            json!({
                "name": name,
                "label": s.meta.title,
                "folder": folder,
                "create": true,
                "extension": "md",
                "format": "frontmatter",
                "fields": fields,
            })
        })
        .collect();
    let v = json!({
        "backend": backend(cms),
        "site_url": c.permalink("/"),
        "locale": if crate::html::is_norwegian(&c.language) { "nb" } else { "en" },
        "media_folder": "static/bilder",
        "public_folder": c.url("/bilder"),
        "collections": collections,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_field_has_a_widget() {
        let config = Config::default();
        for f in SERVICE_FIELDS {
            assert!(service_field(f, &config).is_some(), "no widget for `{f}`");
        }
    }
}
