//! The build cache's part in rendering: each output's fingerprint as the last build wrote it
//! (`incremental::Prints`, the hash of exactly what its template sees, which the preview
//! compares too) and the file it wrote. An output whose fingerprint is unchanged, and whose
//! file in the last output folder is still the one that build wrote (same size, time and
//! inode, a regular file and not a link), is linked into the new output instead of rendered
//! again. Anything else is rendered: a file edited by hand, a folder swapped, a cache from
//! another binary.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::build_cache::BuildCache;
use crate::content::source::hash_str;
use crate::sink::{rel_file, Stamp};

/// The build cache's file of outputs.
pub const OUTPUTS: &str = "outputs";

/// The last build's outputs, in the output folder it wrote.
pub struct Previous {
    out: PathBuf,
    /// Site path -> (fingerprint, the file as written).
    outputs: HashMap<String, (u64, Stamp)>,
}

impl Previous {
    /// The outputs the last build into `out` wrote, as `cache` kept them.
    pub fn load(cache: &BuildCache, out: &Path) -> Previous {
        let records = cache.read(OUTPUTS);
        let outputs = records
            .values()
            .filter_map(|bytes| {
                let n = |at: usize, len: usize| -> Option<u128> {
                    let mut b = [0u8; 16];
                    b[..len].copy_from_slice(bytes.get(at..at + len)?);
                    Some(u128::from_le_bytes(b))
                };
                let print = n(0, 8)? as u64;
                let stamp = Stamp {
                    len: n(8, 8)? as u64,
                    nanos: n(16, 16)?,
                    ino: n(32, 8)? as u64,
                };
                let path = std::str::from_utf8(bytes.get(40..)?).ok()?;
                Some((path.to_string(), (print, stamp)))
            })
            .collect();
        Previous {
            out: out.to_path_buf(),
            outputs,
        }
    }

    /// The last build's file for output `path` and its stamp, if its fingerprint is still
    /// `print` and the file is still the one that build wrote.
    pub(super) fn reusable(&self, path: &str, print: u64) -> Option<(PathBuf, Stamp)> {
        let (was, stamp) = self.outputs.get(path)?;
        let file = self.out.join(rel_file(path));
        (*was == print && Stamp::of(&file)? == *stamp).then_some((file, *stamp))
    }
}

/// This build's outputs for the next build: each site path with its fingerprint and the
/// stamp its file got when the staging folder wrote or linked it (the swap renames the
/// folder, which changes no file's stamp). An output without a stamp is left out (the next
/// build renders it).
pub fn records(stamps: &HashMap<String, Stamp>, prints: &[(String, u64)]) -> Vec<(u64, Vec<u8>)> {
    prints
        .par_iter()
        .filter_map(|(path, print)| {
            let s = stamps.get(path)?;
            let mut v = Vec::with_capacity(40 + path.len());
            v.extend_from_slice(&print.to_le_bytes());
            v.extend_from_slice(&s.len.to_le_bytes());
            v.extend_from_slice(&s.nanos.to_le_bytes());
            v.extend_from_slice(&s.ino.to_le_bytes());
            v.extend_from_slice(path.as_bytes());
            Some((hash_str(path), v))
        })
        .collect()
}
