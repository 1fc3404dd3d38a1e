//! Walking the site's folders without ever leaving the site.
//!
//! A symbolic link is followed only while it resolves inside the site folder. A link that
//! leads outside it (`static/leak -> /etc/passwd`, `content/x -> /etc`) is an error that
//! names the link and nothing of what it points to, and its target is never read, copied,
//! served or quoted. Every folder varde reads files from (`content/`, `static/`,
//! `templates/`, `themes/<name>/`) is walked through here.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;

/// The site folder, resolved through symlinks once, so that any path can be checked
/// against it.
pub struct SiteRoot {
    /// As given (for showing paths relative to it).
    given: PathBuf,
    /// Resolved; `None` when the folder does not exist (then nothing is inside it).
    real: Option<PathBuf>,
}

/// One file or folder found by a walk.
pub struct Entry {
    /// The path as walked (through links that stay inside the site).
    pub abs: PathBuf,
    /// Relative to the walked folder, with `/` separators (`nas/tegn.md`).
    pub rel: String,
    pub is_dir: bool,
}

impl SiteRoot {
    pub fn new(root: &Path) -> SiteRoot {
        SiteRoot {
            given: root.to_path_buf(),
            real: root.canonicalize().ok(),
        }
    }

    /// Whether `path`, with every link in it resolved, lies inside the site folder.
    /// A path that cannot be resolved (a dangling link) is not inside.
    pub fn contains(&self, path: &Path) -> bool {
        match (&self.real, path.canonicalize()) {
            (Some(root), Ok(p)) => p.starts_with(root),
            _ => false,
        }
    }

    /// `content/nas/tegn.md` for a path under the site folder.
    pub fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.given).unwrap_or(path).to_path_buf()
    }

    /// The error for a link that leads out of the site. It names the link only: the target
    /// may be anything on the machine.
    pub fn escape_error(&self, link: &Path) -> Diagnostic {
        Diagnostic::error(
            "this symbolic link leads outside the site folder, so varde does not follow it",
        )
        .in_file(self.shown(link))
        .hint("copy the file into the site, or point the link at a file inside the site folder")
    }

    /// Every file and folder below `dir`, sorted by name, skipping names for which `skip`
    /// says yes (and everything below them). A missing `dir` gives nothing.
    pub fn walk(&self, dir: &Path, skip: impl Fn(&str) -> bool) -> (Vec<Entry>, Vec<Diagnostic>) {
        let mut entries = Vec::new();
        let mut diags = Vec::new();
        if std::fs::symlink_metadata(dir).is_err() {
            return (entries, diags);
        }
        if !self.contains(dir) {
            diags.push(self.escape_error(dir));
            return (entries, diags);
        }
        let mut escaped: Vec<PathBuf> = Vec::new();
        let walker = WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if skip(&e.file_name().to_string_lossy()) {
                    return false;
                }
                if e.path_is_symlink() && !self.contains(e.path()) {
                    escaped.push(e.path().to_path_buf());
                    return false;
                }
                true
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let at = e.path().map(|p| self.shown(p)).unwrap_or_default();
                    let d = if let Some(anc) = e.loop_ancestor() {
                        Diagnostic::error(format!(
                            "symbolic link loop: this folder leads back to {}",
                            self.shown(anc).display()
                        ))
                        .hint("remove or change the link so it does not point to a folder that contains it")
                    } else if e.path().is_some_and(|p| {
                        std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
                    }) {
                        // A dangling link: say so without its target.
                        Diagnostic::error("this symbolic link points to nothing")
                            .hint("remove the link, or point it at a file inside the site folder")
                    } else {
                        let reason = e
                            .io_error()
                            .map_or_else(|| e.to_string(), ToString::to_string);
                        Diagnostic::error(format!("cannot read: {reason}"))
                    };
                    diags.push(d.in_file(at));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
                diags.push(
                    Diagnostic::error("the file name is not valid UTF-8")
                        .in_file(self.shown(entry.path()))
                        .hint("rename the file using letters, digits and `-`"),
                );
                continue;
            };
            entries.push(Entry {
                is_dir: entry.file_type().is_dir(),
                abs: entry.into_path(),
                rel,
            });
        }
        diags.extend(escaped.iter().map(|p| self.escape_error(p)));
        (entries, diags)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_are_followed_and_links_outside_are_errors() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "root:x:0:0\n").unwrap();
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("static");
        std::fs::create_dir_all(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/a.txt"), "a").unwrap();
        symlink(dir.join("real"), dir.join("inside")).unwrap();
        symlink(outside.path().join("secret"), dir.join("leak")).unwrap();
        symlink(outside.path(), dir.join("leakdir")).unwrap();
        symlink(dir.join("nothing"), dir.join("dangling")).unwrap();
        let root = SiteRoot::new(site.path());
        let (entries, diags) = root.walk(&dir, |_| false);
        let rels: Vec<&str> = entries.iter().map(|e| e.rel.as_str()).collect();
        assert_eq!(rels, ["inside", "inside/a.txt", "real", "real/a.txt"]);
        let mut said: Vec<String> = diags
            .iter()
            .map(|d| format!("{}: {}", d.location().unwrap(), d.message))
            .collect();
        said.sort();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].starts_with("static/dangling: "), "{said:?}");
        assert!(said[1].starts_with("static/leak: "), "{said:?}");
        assert!(said[2].starts_with("static/leakdir: "), "{said:?}");
        for s in &said {
            assert!(!s.contains("root:x") && !s.contains("secret"), "{s}");
        }
    }

    #[test]
    fn a_walked_folder_that_is_itself_a_link_out_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("x.md"), "x").unwrap();
        let site = tempfile::tempdir().unwrap();
        symlink(outside.path(), site.path().join("content")).unwrap();
        let root = SiteRoot::new(site.path());
        let (entries, diags) = root.walk(&site.path().join("content"), |_| false);
        assert!(entries.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].location().unwrap(), "content");
    }
}
