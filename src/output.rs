//! Write: the built site goes into a staging folder beside the output folder and is swapped
//! in only when the whole build succeeded, so a failed build leaves the old output as it was.
//! Nothing outside the output folder (and our own staging folders) is ever deleted.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::content::CONTENT_DIR;

/// Where rendered files go: a staging folder on disk (`varde build`) or memory (`varde serve`).
pub trait Sink: Sync {
    /// Takes the bytes: the preview keeps them in memory as they are.
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> io::Result<()>;
    fn copy(&self, source: &Path, site_path: &str) -> io::Result<()>;
}

impl Sink for Staging {
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> io::Result<()> {
        Staging::write(self, site_path, &bytes)
    }

    fn copy(&self, source: &Path, site_path: &str) -> io::Result<()> {
        Staging::copy(self, source, site_path)
    }
}

impl Staging {
    /// A folder for the search index's temporary files (it reads its pages from disk):
    /// beside the staging folder, on the same disk, and inside no folder we publish.
    pub fn scratch_dir(&self) -> PathBuf {
        let name = self
            .tmp
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .replace(".varde-new-", ".varde-scratch-")
            })
            .unwrap_or_else(|| format!(".varde-scratch-{}", std::process::id()));
        self.tmp.with_file_name(name)
    }
}

/// A build's output under construction.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

fn absolute(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    // Resolve `.` and `..` textually, then through symlinks as far as the path exists.
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other.as_os_str()),
        }
    }
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => {
                rest.push(name.to_os_string());
                existing.pop();
            }
            None => break,
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Refuses output folders whose replacement would destroy the site's sources.
pub fn check_out_dir(root: &Path, out: &Path) -> Result<PathBuf, String> {
    let root = absolute(root).map_err(|e| e.to_string())?;
    let out = absolute(out).map_err(|e| e.to_string())?;
    if out.parent().is_none() {
        return Err("the output folder cannot be the file-system root".into());
    }
    if root.starts_with(&out) {
        return Err(format!(
            "the output folder {} is the site folder or contains it, and would be replaced",
            out.display()
        ));
    }
    for keep in [CONTENT_DIR, "themes", "templates", "static"] {
        if out.starts_with(root.join(keep)) {
            return Err(format!(
                "the output folder {} is inside the site's {keep}/ folder",
                out.display()
            ));
        }
    }
    if out.join(CONTENT_DIR).exists() || out.join(crate::config::FILE).exists() {
        return Err(format!(
            "the output folder {} holds a {CONTENT_DIR}/ folder or {}: it looks like a site, not a build",
            out.display(),
            crate::config::FILE
        ));
    }
    if let Some(home) = std::env::var_os("HOME") {
        if out == Path::new(&home) {
            return Err("the output folder cannot be your home folder".into());
        }
    }
    if out.is_dir() {
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join("index.html").exists() {
            return Err(format!(
                "the output folder {} is not empty and does not look like a built site (no index.html), so varde will not replace it",
                out.display()
            ));
        }
    } else if out.exists() {
        return Err(format!(
            "the output path {} is a file, not a folder",
            out.display()
        ));
    }
    Ok(out)
}

impl Staging {
    /// Creates the staging folder next to `out` (same file system, so the swap is a rename).
    pub fn new(out: PathBuf) -> io::Result<Staging> {
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent)?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let tmp = parent.join(format!(".{name}.varde-new-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir(&tmp)?;
        Ok(Staging {
            out,
            tmp,
            committed: false,
        })
    }

    /// Where a site path lands (`/nas/` -> `nas/index.html`, `/sitemap.xml` -> `sitemap.xml`).
    pub fn file_for(&self, site_path: &str) -> PathBuf {
        self.tmp.join(rel_file(site_path))
    }

    pub fn write(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.file_for(site_path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(file, bytes)
    }

    pub fn copy(&self, source: &Path, site_path: &str) -> io::Result<()> {
        let file = self.file_for(site_path);
        if let Some(dir) = file.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::copy(source, file).map(|_| ())
    }

    /// Swaps the staging folder in. The old output is renamed aside first and removed last,
    /// so at every moment one complete site is in place.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.tmp.with_file_name(format!(
            ".{}.varde-old-{}",
            self.out
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.out.exists();
        if had_old {
            fs::rename(&self.out, &old)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.out) {
            if had_old {
                let _ = fs::rename(&old, &self.out);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            remove_parallel(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Removes a folder tree (our own old output), its top-level entries in parallel: on a big
/// site, deleting the previous build is a good share of the build's time.
fn remove_parallel(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.par_iter().try_for_each(|p| {
        // Never follow a link out of the folder: remove the link itself.
        let meta = fs::symlink_metadata(p)?;
        if meta.is_dir() {
            fs::remove_dir_all(p)
        } else {
            fs::remove_file(p)
        }
    })?;
    fs::remove_dir(dir)
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
    fn refuses_dangerous_output_folders() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("content")).unwrap();
        assert!(check_out_dir(root.path(), root.path()).is_err());
        assert!(check_out_dir(root.path(), &root.path().join("content/x")).is_err());
        assert!(check_out_dir(root.path(), root.path().parent().unwrap()).is_err());
        assert!(check_out_dir(root.path(), &root.path().join("public")).is_ok());
        let odd = root.path().join("notes");
        std::fs::create_dir(&odd).unwrap();
        std::fs::write(odd.join("todo.txt"), "x").unwrap();
        assert!(check_out_dir(root.path(), &odd).is_err());
    }

    #[test]
    fn site_paths_map_to_files() {
        assert_eq!(rel_file("/"), PathBuf::from("index.html"));
        assert_eq!(rel_file("/nas/tegn/"), PathBuf::from("nas/tegn/index.html"));
        assert_eq!(rel_file("/sitemap.xml"), PathBuf::from("sitemap.xml"));
    }
}
