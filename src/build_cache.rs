//! The build cache on disk: what `varde build` keeps so that the next build need not do it
//! again (`--no-cache` turns it off). It lives beside the output folder, never inside it:
//! for `public/`, in `.varde-cache/build/public/` next to `public/`.
//!
//! Each file starts with a stamp of the varde binary that wrote it, and a cache from any
//! other binary is not read: what it holds depends on the code (a page as another Pagefind
//! read it, a hash from another build of the hasher). Reading is best effort: a missing,
//! stale or damaged cache gives a cold build, never an error. A file is written to a
//! temporary name and renamed, so a killed build leaves the last whole cache behind.
//!
//! A cache file is a list of records, each a key (a hash of everything its value depends
//! on) and bytes; the modules that keep records decode them.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Bumped when the layout of a file changes (the binary's stamp covers the rest).
const FORMAT: &str = "varde-build-cache-1";

/// How much of a build the cache saved: for each kind of work, (taken from the cache, in
/// all). Shown after a build, and what the tests check the cache by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reuse {
    /// Rendered outputs, linked from the last output folder.
    pub outputs: (usize, usize),
    /// Pages for the search index, as Pagefind read them.
    pub pages_read: (usize, usize),
    /// Search bundle files, as gzipped.
    pub gzipped: (usize, usize),
}

impl Reuse {
    /// The line a build prints, or `None` when nothing came from the cache.
    pub fn summary(&self) -> Option<String> {
        let (o, outputs) = self.outputs;
        let (p, pages) = self.pages_read;
        let (g, files) = self.gzipped;
        (o + p + g > 0).then(|| {
            format!(
                "from the build cache: {o} of {outputs} rendered files, {p} of {pages} pages read for search, {g} of {files} compressed search files"
            )
        })
    }
}

/// The cache of one output folder.
#[derive(Clone)]
pub struct BuildCache {
    dir: PathBuf,
    stamp: Vec<u8>,
}

impl BuildCache {
    /// The cache of the output folder `out`, or `None` when `out` has no parent folder or
    /// the binary cannot be stamped (then nothing is cached).
    pub fn beside(out: &Path) -> Option<BuildCache> {
        let name = out.file_name()?;
        let dir = out.parent()?.join(".varde-cache").join("build").join(name);
        Some(BuildCache {
            dir,
            stamp: stamp()?,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A cache that could not be written costs the next build time, never its output: a
    /// warning.
    pub fn warning(&self, e: std::io::Error) -> crate::diagnostics::Diagnostic {
        crate::diagnostics::Diagnostic::warning(format!(
            "could not keep the build cache in {}: {e}",
            self.dir.display()
        ))
        .hint("the next build will take as long as this one; --no-cache builds without it")
    }

    /// The records of cache file `name`, as kept by the last build of this binary; empty
    /// when there are none to trust.
    pub fn read(&self, name: &str) -> Records {
        let bytes = std::fs::read(self.dir.join(name)).unwrap_or_default();
        Records::parse(bytes, &self.stamp)
    }

    /// Replaces cache file `name` with `records`, whole or not at all.
    pub fn write<'a>(
        &self,
        name: &str,
        records: impl Iterator<Item = (u64, &'a [u8])>,
    ) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let result = (|| {
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            f.write_all(&(self.stamp.len() as u32).to_le_bytes())?;
            f.write_all(&self.stamp)?;
            for (key, bytes) in records {
                f.write_all(&key.to_le_bytes())?;
                f.write_all(&(bytes.len() as u64).to_le_bytes())?;
                f.write_all(bytes)?;
            }
            // Not synced: a cache torn by a crash reads as no cache (see `Records::parse`).
            f.into_inner().map_err(|e| e.into_error())?;
            std::fs::rename(&tmp, self.dir.join(name))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result
    }
}

/// The records of one cache file, looked up by key.
#[derive(Default)]
pub struct Records {
    bytes: Vec<u8>,
    /// Key -> where its value lies in `bytes`.
    at: HashMap<u64, std::ops::Range<usize>>,
}

impl Records {
    /// Reads a cache file's bytes; the records of a file with another stamp, or cut short,
    /// are not trusted at all.
    fn parse(bytes: Vec<u8>, stamp: &[u8]) -> Records {
        let mut at = HashMap::new();
        let mut i = 0usize;
        // The next `n` bytes, or `None` past the end.
        let take = |i: &mut usize, n: usize| -> Option<std::ops::Range<usize>> {
            let r = *i..i.checked_add(n)?;
            (r.end <= bytes.len()).then(|| {
                *i = r.end;
                r
            })
        };
        let number = |i: &mut usize, n: usize| -> Option<u64> {
            let mut b = [0u8; 8];
            b[..n].copy_from_slice(&bytes[take(i, n)?]);
            Some(u64::from_le_bytes(b))
        };
        let whole = (|| {
            let len = number(&mut i, 4)? as usize;
            if bytes[take(&mut i, len)?] != *stamp {
                return None;
            }
            while i < bytes.len() {
                let key = number(&mut i, 8)?;
                let len = usize::try_from(number(&mut i, 8)?).ok()?;
                at.insert(key, take(&mut i, len)?);
            }
            Some(())
        })();
        if whole.is_none() {
            return Records::default();
        }
        Records { bytes, at }
    }

    /// Records held in memory (the preview keeps its last index's this way).
    pub fn collect<'a>(list: impl Iterator<Item = (u64, &'a [u8])>) -> Records {
        let mut records = Records::default();
        for (key, b) in list {
            let at = records.bytes.len();
            records.bytes.extend_from_slice(b);
            records.at.insert(key, at..records.bytes.len());
        }
        records
    }

    pub fn get(&self, key: u64) -> Option<&[u8]> {
        self.at.get(&key).map(|r| &self.bytes[r.clone()])
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Every record's bytes, in no order.
    pub fn values(&self) -> impl Iterator<Item = &[u8]> {
        self.at.values().map(|r| &self.bytes[r.clone()])
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

/// The records a build keeps for the next one: those of the last file it used again (by
/// key, not copied) and those it made.
pub struct Keep {
    last: Records,
    taken: Vec<u64>,
    new: Vec<(u64, Vec<u8>)>,
}

impl Keep {
    pub fn new(last: Records, taken: Vec<u64>, new: Vec<(u64, Vec<u8>)>) -> Keep {
        Keep { last, taken, new }
    }

    /// How many were used again, and how many there are in all.
    pub fn counts(&self) -> (usize, usize) {
        (self.taken.len(), self.taken.len() + self.new.len())
    }

    pub fn records(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let taken = self
            .taken
            .iter()
            .filter_map(|&k| Some((k, self.last.get(k)?)));
        taken.chain(self.new.iter().map(|(k, b)| (*k, b.as_slice())))
    }
}

/// What identifies the running binary: varde's version and the executable's size and time.
/// A binary built again (other code, same version) has another time.
fn stamp() -> Option<Vec<u8>> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let time = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(
        format!(
            "{FORMAT} varde {} {} {}",
            env!("CARGO_PKG_VERSION"),
            meta.len(),
            time.as_nanos()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_read_back_and_a_damaged_file_is_not_trusted() {
        let dir = std::env::temp_dir().join(format!("varde-cache-test-{}", std::process::id()));
        let out = dir.join("public");
        let cache = BuildCache::beside(&out).unwrap();
        assert!(cache.dir().starts_with(&dir) && !cache.dir().starts_with(&out));
        assert!(cache.read("pages").is_empty());
        let records: Vec<(u64, &[u8])> = vec![(1, b"en"), (2, b""), (u64::MAX, b"tre")];
        cache.write("pages", records.iter().copied()).unwrap();
        let back = cache.read("pages");
        assert_eq!(back.len(), 3);
        assert_eq!(back.get(1), Some(&b"en"[..]));
        assert_eq!(back.get(2), Some(&b""[..]));
        assert_eq!(back.get(u64::MAX), Some(&b"tre"[..]));
        assert_eq!(back.get(3), None);

        // The next build keeps one of these and one of its own; the rest is dropped.
        let keep = Keep::new(back, vec![1], vec![(7, b"ny".to_vec())]);
        assert_eq!(keep.counts(), (1, 2));
        cache.write("pages", keep.records()).unwrap();
        let next = cache.read("pages");
        assert_eq!(
            (next.len(), next.get(1), next.get(7)),
            (2, Some(&b"en"[..]), Some(&b"ny"[..]))
        );
        cache.write("pages", records.iter().copied()).unwrap();

        // Cut short, or written by another binary: nothing is trusted.
        let file = cache.dir().join("pages");
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, &bytes[..bytes.len() - 1]).unwrap();
        assert!(cache.read("pages").is_empty());
        let other = BuildCache {
            dir: cache.dir().to_path_buf(),
            stamp: b"another varde".to_vec(),
        };
        cache.write("pages", records.iter().copied()).unwrap();
        assert!(other.read("pages").is_empty());
        assert_eq!(cache.read("pages").len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
