//! Watching the site's sources with notify. An editor's save is often several events
//! (write a temporary file, rename it over the old one, touch it); `next_change` waits for a
//! short quiet spell so one save gives one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// How long the sources must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(20);

/// The folders under the site root that hold sources.
const SOURCES: [&str; 6] = ["content", "themes", "templates", "static", "data", "i18n"];

pub struct Watch {
    watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    /// Source folders being watched; one created later (a first `templates/`) is added.
    watched: Vec<PathBuf>,
}

/// Editors' temporary and backup files, which change all the time and never hold content.
fn ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

impl Watch {
    /// Watches the source folders under `root` and `site.yaml`.
    pub fn new(root: &Path) -> notify::Result<Watch> {
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(tx)?;
        let mut w = Watch {
            watcher,
            rx,
            root: root.to_path_buf(),
            watched: vec![],
        };
        w.watch_new_folders();
        // The root itself, not recursively: site.yaml, and source folders created later.
        w.watcher.watch(root, RecursiveMode::NonRecursive)?;
        Ok(w)
    }

    /// Starts watching any source folder that exists now but is not watched yet.
    fn watch_new_folders(&mut self) {
        for dir in SOURCES {
            let p = self.root.join(dir);
            if p.is_dir()
                && !self.watched.contains(&p)
                && self.watcher.watch(&p, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(p);
            }
        }
    }

    fn relevant(&self, event: &notify::Event) -> bool {
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return false;
        }
        event.paths.iter().any(|p| {
            if ignored(p) {
                return false;
            }
            match p.strip_prefix(&self.root) {
                Ok(rel) => {
                    let first = rel
                        .components()
                        .next()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .unwrap_or_default();
                    SOURCES.contains(&first.as_str()) || first == "site.yaml"
                }
                Err(_) => true,
            }
        })
    }

    /// Blocks until the sources change and then settle.
    pub fn next_change(&mut self) -> Option<Change> {
        let mut change = loop {
            match self.rx.recv() {
                Ok(Ok(e)) if self.relevant(&e) => {
                    let mut c = Change {
                        first: Instant::now(),
                        edited: Some(vec![]),
                    };
                    c.add(&e);
                    break c;
                }
                Ok(_) => continue,
                Err(_) => return None,
            }
        };
        loop {
            match self.rx.recv_timeout(QUIET) {
                Ok(Ok(e)) => {
                    if self.relevant(&e) {
                        change.add(&e);
                    }
                }
                // A lost event may have been anything.
                Ok(Err(_)) => change.edited = None,
                Err(RecvTimeoutError::Timeout) => {
                    self.watch_new_folders();
                    return Some(change);
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

/// One settled change to the sources.
pub struct Change {
    /// When the first event came, so callers can measure latency from the save.
    pub first: Instant,
    /// The files, when every event was an edit of an existing file's contents; `None` when
    /// anything was created, removed or renamed (then only a full rebuild is safe).
    pub edited: Option<Vec<PathBuf>>,
}

impl Change {
    fn add(&mut self, e: &notify::Event) {
        use notify::event::{EventKind, ModifyKind};
        if e.paths.iter().all(|p| ignored(p)) {
            return;
        }
        let content_only = matches!(
            e.kind,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)) | EventKind::Access(_)
        );
        match (&mut self.edited, content_only) {
            (Some(files), true) => {
                for p in &e.paths {
                    if !ignored(p) && !files.contains(p) {
                        files.push(p.clone());
                    }
                }
            }
            _ => self.edited = None,
        }
    }
}
