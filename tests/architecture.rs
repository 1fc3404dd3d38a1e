//! The dependency rule of ARCHITECTURE.md, checked on the source: a module uses only
//! modules of a lower layer (leaves at the bottom, then load -> model -> check -> render ->
//! index -> write, then what drives the pipeline), so there is no circle and nothing
//! imports the server.

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module of `src/` and its layer. A module may use a module of a lower
/// layer only. `main.rs` is the command line, above everything.
const LAYERS: &[(&str, u32)] = &[
    // Leaves.
    ("diagnostics", 0),
    ("html", 0),
    ("later", 0),
    ("timing", 0),
    ("sink", 0),
    ("safe_url", 0),
    ("build_cache", 1),
    ("yaml", 1),
    ("messages", 1),
    ("toml_text", 1),
    ("slug", 1),
    ("date", 1),
    ("walk", 1),
    ("fields", 2),
    // The pipeline, in the order data flows.
    ("config", 3),
    ("directory", 4),
    ("i18n", 4),
    ("content", 5),
    ("check", 6),
    ("render", 7),
    ("search", 8),
    ("output", 9),
    ("pipeline", 10),
    // What drives it.
    ("preview", 11),
    ("serve", 12),
    ("new", 13),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level modules a source text names through `crate::`, including those in a
/// `use crate::{a, b::c}` group. Comment lines do not count.
fn used_modules(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = BTreeSet::new();
    let mut wrong = vec![];
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let own = layer(&module)
            .unwrap_or_else(|| panic!("src/{rel}: module `{module}` has no layer in LAYERS"));
        seen.insert(module.clone());
        let text = std::fs::read_to_string(path).unwrap();
        for used in used_modules(&text) {
            if used == module {
                continue;
            }
            match layer(&used) {
                Some(l) if l < own => {}
                Some(_) => wrong.push(format!("src/{rel} ({module}) uses {used}")),
                // Items of the crate root, which only declares modules and re-exports.
                None => wrong.push(format!("src/{rel} ({module}) uses crate::{used}")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "edges against the layers:\n{}",
        wrong.join("\n")
    );
    // Every module in the table exists, so the table stays the map of the code.
    let listed: BTreeSet<String> = LAYERS.iter().map(|(m, _)| m.to_string()).collect();
    assert_eq!(seen, listed);
}

#[test]
fn the_reader_finds_edges_in_use_groups_and_paths() {
    let text = "use crate::{check as checks, config::FILE};\n// see crate::serve\nlet x = crate::render::escape(y);\n";
    let got: Vec<String> = used_modules(text).into_iter().collect();
    assert_eq!(got, ["check", "config", "render"]);
}
