//! Watching the site's sources with notify. An editor's save is often several events
//! (write a temporary file, rename it over the old one, touch it); `next_change` waits for a
//! short quiet spell so one save gives one rebuild.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

/// How long the sources must be quiet before a rebuild starts.
const QUIET: Duration = Duration::from_millis(20);

pub struct Watch {
    _watcher: RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
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
    /// Watches `content/`, `themes/`, `templates/`, `static/` and `site.yaml` under `root`.
    pub fn new(root: &Path) -> notify::Result<Watch> {
        let (tx, rx) = channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        for dir in ["content", "themes", "templates", "static"] {
            let p = root.join(dir);
            if p.is_dir() {
                watcher.watch(&p, RecursiveMode::Recursive)?;
            }
        }
        // The root itself, not recursively: site.yaml, and folders created later.
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        Ok(Watch {
            _watcher: watcher,
            rx,
            root: root.to_path_buf(),
        })
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
                    matches!(
                        first.as_str(),
                        "content" | "themes" | "templates" | "static" | "site.yaml"
                    )
                }
                Err(_) => true,
            }
        })
    }

    /// Blocks until the sources change and then settle. Returns when the first relevant
    /// event was seen, so callers can measure latency from the save.
    pub fn next_change(&self) -> Option<Instant> {
        let first = loop {
            match self.rx.recv() {
                Ok(Ok(e)) if self.relevant(&e) => break Instant::now(),
                Ok(_) => continue,
                Err(_) => return None,
            }
        };
        loop {
            match self.rx.recv_timeout(QUIET) {
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => return Some(first),
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}
