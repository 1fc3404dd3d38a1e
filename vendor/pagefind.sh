#!/usr/bin/env bash
# The vendored Pagefind is the crates.io release with vendor/pagefind.patch applied,
# nothing else. This script proves it, or rebuilds the copy for a new release.
#
#   bash vendor/pagefind.sh check            # vendor/pagefind == release + patch?
#   bash vendor/pagefind.sh update [VERSION] # replace vendor/pagefind with release + patch
#
# It downloads the release from static.crates.io.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-check}
version=${2:-$(sed -n 's/^version = "\(.*\)"/\1/p' pagefind/Cargo.toml | head -1)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -sSfL "https://static.crates.io/crates/pagefind/pagefind-$version.crate" | tar xz -C "$tmp"
src="$tmp/pagefind-$version"
# Cargo's own bookkeeping, and a lock file Cargo ignores in a dependency.
rm -f "$src/.cargo-ok" "$src/Cargo.lock"
patch -s -p1 -d "$src" < pagefind.patch
case "$mode" in
  check)
    diff -r "$src" pagefind && echo "vendor/pagefind is pagefind $version with pagefind.patch"
    ;;
  update)
    rm -rf pagefind
    cp -r "$src" pagefind
    echo "vendor/pagefind is now pagefind $version with pagefind.patch"
    ;;
  *)
    echo "usage: bash vendor/pagefind.sh check|update [VERSION]" >&2
    exit 2
    ;;
esac
