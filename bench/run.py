#!/usr/bin/env python3
"""Build benchmarks: varde against Hugo (and Hugo + the Pagefind CLI) on the same corpus.

    python3 bench/run.py [--sizes 1000,10000] [--runs 3] [--work target/bench] [--out DIR]

For each size N it generates (once, cached under --work) a corpus with
../shared/bench/gen_corpus.py (N pages, N/5 services), once with links to source files for
varde and once with URL links for Hugo. It then runs, alternating, `varde build` without and
with the search index, and, when `hugo` is on PATH, `hugo` (plus `pagefind --site` if the
Pagefind CLI is installed, e.g. `npm install --prefix target/bench pagefind`). It prints the
median wall time, CPU time and peak memory of each, and the ratios the performance issue asks
for. Timings come from /usr/bin/time; nothing here is a timed test.

Every build is cold: its output folder is removed before it starts (outside the timing), for
varde as for Hugo. --out puts the output folders elsewhere, e.g. on tmpfs (/dev/shm) to take
the disk out of the comparison.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")


def corpus(work, n, links):
    d = os.path.join(work, f"corpus-{n}-{links}")
    if not os.path.isdir(os.path.join(d, "content")):
        shutil.rmtree(d, ignore_errors=True)
        subprocess.run([sys.executable, GEN, "--pages", str(n), "--services", str(n // 5), "--out", d, "--links", links], check=True)
        shutil.copy(os.path.join(HERE, "corpus-site.yaml"), os.path.join(d, "site.yaml"))
        shutil.copy(os.path.join(HERE, "hugo", "hugo.toml"), os.path.join(d, "hugo.toml"))
        shutil.copytree(os.path.join(HERE, "hugo", "layouts"), os.path.join(d, "layouts"))
    return d


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak MiB)."""
    fmt = "%e %U %S %M"
    p = subprocess.run(["/usr/bin/time", "-f", fmt] + cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-2000:]}")
    wall, user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    ap.add_argument("--varde", default=os.path.join(ROOT, "target", "release", "varde"))
    ap.add_argument("--out", help="where the output folders go (default: --work)")
    a = ap.parse_args()
    if a.varde == ap.get_default("varde"):
        # From a clean clone: build the binary this measures (a no-op when it is current).
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], cwd=ROOT, check=True)
    os.makedirs(a.work, exist_ok=True)
    hugo = shutil.which("hugo")
    pagefind = shutil.which("pagefind") or next((p for p in [os.path.join(a.work, "node_modules", ".bin", "pagefind")] if os.path.exists(p)), None)
    print(f"machine: {os.cpu_count()} cores; hugo: {hugo or 'not found'}; pagefind CLI: {pagefind or 'not found'}")
    rows = []
    per_page = {}
    for n in [int(s) for s in a.sizes.split(",")]:
        vd = corpus(a.work, n, "md")
        hd = corpus(a.work, n, "url")
        out = os.path.join(a.out or a.work, f"out-{n}")
        results = {}
        for _ in range(a.runs):
            shutil.rmtree(out + "-v", ignore_errors=True)
            results.setdefault("varde (no search)", []).append(timed([a.varde, "build", "--root", vd, "--out", out + "-v", "--no-search"]))
            shutil.rmtree(out + "-vs", ignore_errors=True)
            results.setdefault("varde (with search)", []).append(timed([a.varde, "build", "--root", vd, "--out", out + "-vs"]))
            if hugo:
                shutil.rmtree(out + "-h", ignore_errors=True)
                h = timed([hugo, "--quiet", "-s", hd, "-d", out + "-h"])
                results.setdefault("hugo", []).append(h)
                if pagefind:
                    p = timed([pagefind, "--site", out + "-h", "--quiet"])
                    results.setdefault("hugo + pagefind CLI", []).append((h[0] + p[0], h[1] + p[1], max(h[2], p[2])))
        med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in results.items()}
        for k, (w, c, m) in med.items():
            rows.append((n, k, w, c, m))
        per_page[n] = med["varde (no search)"][0] / n
        if "hugo" in med:
            print(f"N={n}: varde/hugo wall = {med['varde (no search)'][0] / med['hugo'][0]:.2f}")
        if "hugo + pagefind CLI" in med:
            print(f"N={n}: varde with search / (hugo + pagefind) wall = {med['varde (with search)'][0] / med['hugo + pagefind CLI'][0]:.2f}")
    print()
    print(f"| pages | tool | wall s (median of {a.runs}) | CPU s | peak MiB |")
    print("| --- | --- | --- | --- | --- |")
    for n, k, w, c, m in rows:
        print(f"| {n} | {k} | {w:.2f} | {c:.2f} | {m:.0f} |")
    sizes = sorted(per_page)
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        print(f"\nscaling: time per page at {hi} / at {lo} = {per_page[hi] / per_page[lo]:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
