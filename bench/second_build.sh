#!/usr/bin/env bash
# The build cache, measured: three alternating rounds of a cold build without the cache
# (--no-cache), a cold build that writes it, and a build after one page's text changed.
#
#   bash bench/second_build.sh SITE [OUT] [VARDE]
#
# SITE is a corpus from ../shared/bench/gen_corpus.py (bench/run.py keeps one in
# target/bench/); it is copied, and the copy edited. OUT (default /dev/shm/varde-second) is
# the output folder; its cache goes beside it. Prints wall time and peak memory of each
# build (/usr/bin/time), what the edited build took from the cache, and the sizes of the
# output and its cache.
set -euo pipefail
site=${1:?usage: bash bench/second_build.sh SITE [OUT] [VARDE]}
out=${2:-/dev/shm/varde-second}
varde=${3:-$(dirname "$0")/../target/release/varde}
cache="$(dirname "$out")/.varde-cache/build/$(basename "$out")"
copy=$(mktemp -d)
trap 'rm -rf "$copy" "$out" "$cache"' EXIT
cp -r "$site/." "$copy"
page=$(find "$copy/content" -name '*.md' ! -name '_index.md' | sort | sed -n 1p)
for round in 1 2 3; do
  rm -rf "$out" "$cache"
  /usr/bin/time -f "cold, --no-cache:    %e s, peak %M KB" "$varde" build --root "$copy" --out "$out" --no-cache 2>&1 | tail -1
  rm -rf "$out" "$cache"
  /usr/bin/time -f "cold, writing cache: %e s, peak %M KB" "$varde" build --root "$copy" --out "$out" 2>&1 | tail -1
  echo "En setning til, runde $round." >> "$page"
  VARDE_LANG=en /usr/bin/time -f "one page changed:    %e s, peak %M KB" "$varde" build --root "$copy" --out "$out" 2>&1 | grep -E "^note: from|changed"
done
echo "output $(du -sm "$out" | cut -f1) MB, build cache $(du -sm "$cache" | cut -f1) MB"
