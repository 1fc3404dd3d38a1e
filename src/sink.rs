//! Where rendered files go, as the render stage sees it: a site path and its bytes. A build
//! writes them to a staging folder on disk (`output`), the preview keeps them in memory.

use std::io;
use std::path::{Path, PathBuf};

/// What identifies a file as written: its size, modification time and inode. The build
/// cache links an output of the last build only while its file still has the stamp that
/// build wrote it with (`render::reuse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub len: u64,
    pub nanos: u128,
    pub ino: u64,
}

impl Stamp {
    /// The stamp of `file`, a regular file and not a link.
    pub fn of(file: &Path) -> Option<Stamp> {
        Stamp::from_meta(&std::fs::symlink_metadata(file).ok()?)
    }

    pub fn from_meta(meta: &std::fs::Metadata) -> Option<Stamp> {
        if !meta.file_type().is_file() {
            return None;
        }
        let nanos = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let ino = 0;
        Some(Stamp {
            len: meta.len(),
            nanos,
            ino,
        })
    }
}

/// Where rendered files go: a staging folder on disk (`varde build`) or memory (`varde serve`).
pub trait Sink: Sync {
    /// Takes the bytes: the preview keeps them in memory as they are.
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> io::Result<()>;
    fn copy(&self, source: &Path, site_path: &str) -> io::Result<()>;
    /// A file of the last build, unchanged, with its `stamp`: a staging folder links it
    /// where it can.
    fn link(&self, source: &Path, _stamp: Stamp, site_path: &str) -> io::Result<()> {
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
