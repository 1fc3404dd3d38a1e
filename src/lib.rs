//! varde: Markdown and YAML front matter in, an accessible static information site out.
//!
//! The pipeline runs one way: load (walk, front matter, Markdown) -> model -> check ->
//! render (Tera) -> index (search) -> write (atomic); `pipeline` runs it. See
//! ARCHITECTURE.md for the map, and the layers each module may use.

// Leaves: no module of the pipeline below them.
pub mod build_cache;
pub mod date;
pub mod diagnostics;
pub mod fields;
pub mod html;
pub mod later;
pub mod messages;
pub mod safe_url;
pub mod sink;
pub mod slug;
pub mod timing;
pub mod toml_text;
pub mod walk;
pub mod yaml;

// The pipeline, in the order data flows through it.
pub mod check;
pub mod config;
pub mod content;
pub mod directory;
pub mod i18n;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search;

// What drives it.
pub mod new;
pub mod preview;
pub mod serve;

pub use pipeline::{
    build, check, check_with, BuildFailure, BuildOptions, BuildReport, CheckReport,
};
