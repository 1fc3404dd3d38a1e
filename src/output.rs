//! Write: the built site goes into a staging folder beside the output folder and is swapped
//! in only when the whole build succeeded, so a failed build leaves the old output as it was.
//!
//! varde deletes only what it wrote. Every output folder holds a manifest (`MANIFEST`) of
//! the files varde wrote there; a build replaces a folder only when it is empty or every
//! file in it is in its manifest, and removes the old output file by file from that list.
//! Staging folders are named `.<out>.varde-{new,old}-<pid>` (and `scratch`, which builds
//! before the search index was built in memory made): an interrupted build's
//! are removed on Ctrl-C or SIGTERM, and a killed build's by the next build.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::content::CONTENT_DIR;
use crate::diagnostics::Diagnostic;
use crate::sink::{rel_file, Sink, Stamp};

/// The list of files varde wrote, at the top of every output folder.
pub const MANIFEST: &str = ".varde-manifest";
const MANIFEST_HEAD: &str =
    "# Written by varde: the files of this build. varde replaces or removes only these.\n";

/// Staging folders of builds under way, removed if the process is interrupted. The swap
/// holds the lock across its two renames, so an interrupt never lands between them.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C or SIGTERM, removes the unfinished build's staging folders and exits with 130.
/// Installed once per process; a process that already has a handler (the preview) keeps it.
pub fn remove_on_interrupt() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
            for dir in active.iter() {
                // Render threads may still be adding files: try again a few times.
                for _ in 0..5 {
                    if fs::remove_dir_all(dir).is_ok() || !dir.exists() {
                        break;
                    }
                }
            }
            eprintln!(
                "\ninterrupted: the unfinished build was removed; the previous output is unchanged"
            );
            std::process::exit(130);
        });
    });
}

fn register(dirs: &[&Path]) {
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    active.extend(dirs.iter().map(|d| d.to_path_buf()));
}

fn unregister(dirs: &[&Path]) {
    let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
    active.retain(|a| !dirs.contains(&a.as_path()));
}

impl Sink for Staging {
    fn write(&self, site_path: &str, bytes: Vec<u8>) -> io::Result<()> {
        Staging::write(self, site_path, &bytes)
    }

    fn copy(&self, source: &Path, site_path: &str) -> io::Result<()> {
        Staging::copy(self, source, site_path)
    }

    /// A hard link to the last build's file (the build cache's `render::Previous`), which
    /// the old output's removal after the swap leaves in place; a copy where the file
    /// system has no links.
    /// The link has `stamp`, the source's (the same inode, size and time).
    fn link(&self, source: &Path, stamp: Stamp, site_path: &str) -> io::Result<()> {
        let file = self.file_for(site_path);
        if let Some(dir) = file.parent() {
            self.ensure_dir(dir)?;
        }
        if fs::hard_link(source, &file).is_err() {
            Staging::copy(self, source, site_path)?;
            self.stamp(site_path, Stamp::of(&file));
            return Ok(());
        }
        self.record(site_path);
        self.stamp(site_path, Some(stamp));
        Ok(())
    }
}

/// `.public.varde-new-4711` for the output folder `public`, kind `new` and process 4711.
fn staging_name(out: &Path, kind: &str, pid: u32) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.varde-{kind}-{pid}"))
}

/// A build's output under construction.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    committed: bool,
    /// Every file written, relative to the output folder: the manifest.
    written: Mutex<Vec<String>>,
    /// Folders known to exist in the staging folder: each is created once, not once per
    /// file in it (a `mkdir` that fails with EEXIST still costs a system call, and on a
    /// slow disk or a network mount a `mkdir` can cost as much as writing a small file).
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Each file written or linked, by site path, with the stamp it got: the build cache's
    /// record of it, taken here so that no output is looked up on disk again.
    stamps: Mutex<HashMap<String, Stamp>>,
    /// Folders of earlier, killed builds that `new` removed.
    pub cleaned: Vec<String>,
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

/// An output folder that passed `check_out_dir`.
pub struct OutDir {
    pub path: PathBuf,
    /// What its manifest lists, when it holds an earlier build: every file in it must be
    /// listed (`foreign_error`) before it may be replaced.
    pub listed: Option<HashSet<String>>,
}

/// Refuses output folders whose replacement would destroy the site's sources, and folders
/// with files in them that varde did not write (those without a manifest here; those with
/// one through `foreign_error`, which walks the folder, so a build can run it beside its
/// load stage).
pub fn check_out_dir(root: &Path, out: &Path) -> Result<OutDir, Diagnostic> {
    let refuse = |msg: String| Diagnostic::error(msg).hint("choose another --out folder");
    let root = absolute(root).map_err(|e| refuse(e.to_string()))?;
    let out = absolute(out).map_err(|e| refuse(e.to_string()))?;
    if out.parent().is_none() {
        return Err(refuse(
            "the output folder cannot be the file-system root".into(),
        ));
    }
    if root.starts_with(&out) {
        return Err(refuse(format!(
            "the output folder {} is the site folder or contains it, and would be replaced",
            out.display()
        )));
    }
    for keep in [CONTENT_DIR, "themes", "templates", "static"] {
        if out.starts_with(root.join(keep)) {
            return Err(refuse(format!(
                "the output folder {} is inside the site's {keep}/ folder",
                out.display()
            )));
        }
    }
    if out.join(CONTENT_DIR).exists() || out.join(crate::config::FILE).exists() {
        return Err(refuse(format!(
            "the output folder {} holds a {CONTENT_DIR}/ folder or {}: it looks like a site, not a build",
            out.display(),
            crate::config::FILE
        )));
    }
    if let Some(home) = std::env::var_os("HOME") {
        if out == Path::new(&home) {
            return Err(refuse(
                "the output folder cannot be your home folder".into(),
            ));
        }
    }
    if out.is_dir() {
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if empty {
            return Ok(OutDir {
                path: out,
                listed: None,
            });
        }
        let Some(listed) = read_manifest(&out) else {
            return Err(Diagnostic::error(format!(
                "the output folder {} is not empty and was not written by varde (it has no {MANIFEST}), so varde will not replace it",
                out.display()
            ))
            .hint("empty the folder or choose another --out folder; if it is a build by an older varde, delete it once, and later builds will be recognised"));
        };
        return Ok(OutDir {
            path: out,
            listed: Some(listed),
        });
    } else if out.exists() {
        return Err(refuse(format!(
            "the output path {} is a file, not a folder",
            out.display()
        )));
    }
    Ok(OutDir {
        path: out,
        listed: None,
    })
}

/// The error for files in an earlier build's folder that its manifest does not list: varde
/// would delete them when it replaces the folder.
pub fn foreign_error(out: &Path, listed: &HashSet<String>) -> Option<Diagnostic> {
    let foreign = foreign_files(out, listed);
    if !foreign.is_empty() {
        let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
        let list = if foreign.len() > 5 {
            format!("{} and {} more", shown.join(", "), foreign.len() - 5)
        } else {
            shown.join(", ")
        };
        return Some(Diagnostic::error(format!(
            "the output folder {} holds {} file{} varde did not write: {list}",
            out.display(),
            foreign.len(),
            if foreign.len() == 1 { "" } else { "s" },
        ))
        .hint("varde never deletes a file it did not write: move these out of the folder (files to publish belong in static/), or choose another --out folder"));
    }
    None
}

/// The files an output folder's manifest lists, or `None` when it has none.
fn read_manifest(dir: &Path) -> Option<HashSet<String>> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

/// `path` relative to `dir`, with `/` separators: how a manifest names it. Borrowed where
/// the path is already written that way (always, on Unix), as it is for every entry of a
/// large output on every build.
fn rel_in<'p>(dir: &Path, path: &'p Path) -> std::borrow::Cow<'p, str> {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    match rel.to_str() {
        Some(s) if std::path::MAIN_SEPARATOR == '/' => std::borrow::Cow::Borrowed(s),
        _ => std::borrow::Cow::Owned(rel.to_string_lossy().replace('\\', "/")),
    }
}

/// Runs `each` over every file, link and folder below `dir` (folders after what they
/// hold), one top-level entry per task in parallel, following no links: on a large site the
/// old output's 20 000 entries are walked and removed on every build.
fn below<T: Send>(
    dir: &Path,
    each: impl Fn(walkdir::DirEntry) -> Option<T> + Sync,
) -> io::Result<Vec<T>> {
    use rayon::prelude::*;
    let mut top: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    top.sort();
    Ok(top
        .par_iter()
        .flat_map_iter(|t| {
            walkdir::WalkDir::new(t)
                .follow_root_links(false)
                .contents_first(true)
                .into_iter()
                .filter_map(Result::ok)
                .filter_map(&each)
                .collect::<Vec<T>>()
        })
        .collect())
}

/// Files (and links) below `dir` that its manifest does not list, sorted.
fn foreign_files(dir: &Path, listed: &HashSet<String>) -> Vec<String> {
    let mut found = below(dir, |e| {
        if e.file_type().is_dir() {
            return None;
        }
        let rel = rel_in(dir, e.path());
        (rel != MANIFEST && !listed.contains(rel.as_ref())).then(|| rel.into_owned())
    })
    .unwrap_or_default();
    found.sort();
    found
}

/// Removes the files `dir`'s manifest lists, then the folders left empty, then `dir` if
/// nothing else is in it. Returns whether `dir` is gone; anything varde did not write stays.
/// Only what a walk that follows no links finds is removed, so neither a `..` in the
/// manifest nor a folder replaced by a link can lead a removal out of `dir`.
fn remove_listed(dir: &Path) -> io::Result<bool> {
    let listed = read_manifest(dir).unwrap_or_default();
    let failed = below(dir, |e| {
        if e.file_type().is_dir() {
            // After its contents: empty now, unless something varde did not write is in it.
            let _ = fs::remove_dir(e.path());
            return None;
        }
        if !listed.contains(rel_in(dir, e.path()).as_ref()) {
            return None;
        }
        match fs::remove_file(e.path()) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Some(err),
            _ => None,
        }
    })?;
    if let Some(e) = failed.into_iter().next() {
        return Err(e);
    }
    let _ = fs::remove_file(dir.join(MANIFEST));
    Ok(fs::remove_dir(dir).is_ok())
}

/// Whether process `pid` is gone. `None` where that cannot be told (no `/proc`).
fn process_gone(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.join("self")
        .exists()
        .then(|| !proc.join(pid.to_string()).exists())
}

/// Removes the staging folders that killed builds of `out` left beside it (`kill -9`, a
/// power cut): ours by name, of a process that no longer runs. An old output found there
/// is removed by its manifest, so a file varde did not write stays. Returns what it did.
fn clean_leftovers(out: &Path) -> Vec<String> {
    let mut said = vec![];
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return said;
    };
    let parent = out.parent().unwrap_or(Path::new("."));
    let prefix = format!(".{name}.varde-");
    let Ok(entries) = fs::read_dir(parent) else {
        return said;
    };
    let mut found: Vec<(String, String, u32)> = entries
        .filter_map(|e| {
            let file = e.ok()?.file_name().to_string_lossy().into_owned();
            let rest = file.strip_prefix(&prefix)?;
            let (kind, pid) = rest.split_once('-')?;
            let pid: u32 = pid.parse().ok()?;
            matches!(kind, "new" | "scratch" | "old").then(|| (file.clone(), kind.to_string(), pid))
        })
        .collect();
    found.sort();
    for (file, kind, pid) in found {
        if pid == std::process::id() || process_gone(pid) != Some(true) {
            continue;
        }
        let path = parent.join(&file);
        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let done = if kind == "old" {
            remove_listed(&path).unwrap_or(false)
        } else {
            fs::remove_dir_all(&path).is_ok()
        };
        said.push(if done {
            format!("removed {file}, left by an interrupted build (process {pid})")
        } else {
            format!("{file} was left by an interrupted build (process {pid}); varde removed what it had written there, and left the rest")
        });
    }
    said
}

impl Staging {
    /// Creates the staging folder next to `out` (same file system, so the swap is a rename),
    /// after removing what killed builds left there.
    pub fn new(out: PathBuf) -> io::Result<Staging> {
        let parent = out
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent)?;
        let cleaned = clean_leftovers(&out);
        let tmp = staging_name(&out, "new", std::process::id());
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        let staging = Staging {
            tmp,
            committed: false,
            written: Mutex::new(Vec::new()),
            dirs: Mutex::new(std::collections::HashSet::new()),
            stamps: Mutex::default(),
            cleaned,
            out,
        };
        register(&[&staging.tmp]);
        fs::create_dir(&staging.tmp)?;
        Ok(staging)
    }

    /// Where a site path lands (`/nas/` -> `nas/index.html`, `/sitemap.xml` -> `sitemap.xml`).
    pub fn file_for(&self, site_path: &str) -> PathBuf {
        self.tmp.join(rel_file(site_path))
    }

    fn record(&self, site_path: &str) {
        let rel = rel_file(site_path).to_string_lossy().replace('\\', "/");
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel);
    }

    /// Creates `dir` (and what it is in) unless this build already has.
    fn ensure_dir(&self, dir: &Path) -> io::Result<()> {
        let known = |d: &Path| {
            self.dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(d)
        };
        if dir == self.tmp || known(dir) {
            return Ok(());
        }
        // Parents first, each once; `create_dir_all` is safe when two threads race.
        if let Some(parent) = dir.parent() {
            if parent != self.tmp && !known(parent) {
                self.ensure_dir(parent)?;
            }
        }
        match fs::create_dir(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(e) => return Err(on(dir, e)),
        }
        self.dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dir.to_path_buf());
        Ok(())
    }

    /// Errors name the real path on disk, so a full or failing disk can be found.
    pub fn write(&self, site_path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.file_for(site_path);
        if let Some(dir) = file.parent() {
            self.ensure_dir(dir)?;
        }
        let stamp = (|| {
            let mut f = fs::File::create(&file)?;
            io::Write::write_all(&mut f, bytes)?;
            // The file as written, from the open file: no second lookup of its path. Where
            // a file system sets the time only on close (some network mounts), the next
            // build sees another stamp and renders the output again: time lost, never a
            // wrong file.
            f.metadata()
        })()
        .map_err(|e| on(&file, e))?;
        self.record(site_path);
        self.stamp(site_path, Stamp::from_meta(&stamp));
        Ok(())
    }

    fn stamp(&self, site_path: &str, stamp: Option<Stamp>) {
        if let Some(s) = stamp {
            self.stamps
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(site_path.to_string(), s);
        }
    }

    /// The stamp of every file written or linked, by site path (`render::reuse::records`).
    pub fn take_stamps(&self) -> HashMap<String, Stamp> {
        std::mem::take(&mut *self.stamps.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn copy(&self, source: &Path, site_path: &str) -> io::Result<()> {
        let file = self.file_for(site_path);
        if let Some(dir) = file.parent() {
            self.ensure_dir(dir)?;
        }
        fs::copy(source, &file).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("copying {} to {}: {e}", source.display(), file.display()),
            )
        })?;
        self.record(site_path);
        Ok(())
    }

    /// Writes the manifest and swaps the staging folder in. The old output is renamed aside
    /// first and removed last (only the files its manifest lists), so at every moment one
    /// complete site is in place. Returns a note when the old output held files varde did
    /// not write (put there during the build), which stay in the folder it names.
    pub fn commit(mut self) -> io::Result<Option<String>> {
        let mut written =
            std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        written.sort_unstable();
        written.dedup();
        let mut manifest = String::with_capacity(MANIFEST_HEAD.len() + written.len() * 32);
        manifest.push_str(MANIFEST_HEAD);
        for rel in &written {
            manifest.push_str(rel);
            manifest.push('\n');
        }
        let at = self.tmp.join(MANIFEST);
        fs::write(&at, manifest).map_err(|e| on(&at, e))?;
        let old = staging_name(&self.out, "old", std::process::id());
        let had_old = self.out.exists();
        {
            let _swap = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
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
        }
        unregister(&[&self.tmp]);
        if had_old && !remove_listed(&old)? {
            return Ok(Some(format!(
                "the old output held files varde did not write; they are kept in {}",
                old.display()
            )));
        }
        Ok(None)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
            unregister(&[&self.tmp]);
        }
    }
}

/// The error with the path it happened on, as the OS names it.
fn on(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
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
}
