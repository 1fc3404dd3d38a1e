//! Where rendered files go, as the render stage sees it: a site path and its bytes. A build
//! writes them to a staging folder on disk (`output`), the preview keeps them in memory.

use std::io;
use std::path::{Path, PathBuf};

/// Where rendered files go: a staging folder on disk (`varde build`) or memory (`varde serve`).
pub trait Sink: Sync {
    /// Takes the bytes: the preview keeps them in memory as they are.
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> io::Result<()>;
    fn copy(&self, source: &Path, site_path: &str) -> io::Result<()>;
    /// A file of the last build, unchanged: a staging folder links it where it can.
    fn link(&self, source: &Path, site_path: &str) -> io::Result<()> {
        self.copy(source, site_path)
    }
}

/// `/nas/` -> `nas/index.html`; `/a/b.xml` -> `a/b.xml`.
pub fn rel_file(site_path: &str) -> PathBuf {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        PathBuf::from(format!("{p}index.html"))
    } else {
        PathBuf::from(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(rel_file("/"), PathBuf::from("index.html"));
        assert_eq!(rel_file("/nas/tegn/"), PathBuf::from("nas/tegn/index.html"));
        assert_eq!(rel_file("/sitemap.xml"), PathBuf::from("sitemap.xml"));
    }
}
