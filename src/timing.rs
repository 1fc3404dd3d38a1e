//! Stage timings on stderr when `VARDE_TIMINGS` is set: where a build's time goes, and how
//! much memory the process holds after each stage (on Linux), without a profiler.

use std::time::Instant;

pub struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    pub fn new() -> Timer {
        Timer {
            on: std::env::var_os("VARDE_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Prints the time since the previous lap under `stage`.
    pub fn lap(&mut self, stage: &str) {
        if self.on {
            let rss = resident_mib().map_or(String::new(), |m| format!("  rss {m:>5} MiB"));
            eprintln!(
                "timing: {stage:<28} {:>7.1} ms{rss}",
                self.last.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.last = Instant::now();
    }
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

/// The process's resident memory now, from `/proc/self/statm` (its second field counts pages;
/// 4 KiB on the machines this is read on). None where there is no procfs.
fn resident_mib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096 / (1024 * 1024))
}
