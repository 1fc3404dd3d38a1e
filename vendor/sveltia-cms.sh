#!/usr/bin/env bash
# The vendored Sveltia CMS (vendor/sveltia-cms/sveltia-cms.js) is the npm registry's
# @sveltia/cms release, file for file. This script proves it, or fetches a new release.
#
#   bash vendor/sveltia-cms.sh check            # the copy == the release?
#   bash vendor/sveltia-cms.sh update [VERSION] # replace the copy with a release
#
# It asks the npm registry (npm pack), which checks the tarball's integrity itself.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-check}
version=${2:-$(cat sveltia-cms/VERSION)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@sveltia/cms@$version" >/dev/null && tar xzf ./*.tgz)
case "$mode" in
  check)
    cmp "$tmp/package/dist/sveltia-cms.js" sveltia-cms/sveltia-cms.js \
      && echo "vendor/sveltia-cms is @sveltia/cms $version"
    ;;
  update)
    cp "$tmp/package/dist/sveltia-cms.js" "$tmp"/package/LICENSE* sveltia-cms/
    echo "$version" > sveltia-cms/VERSION
    echo "vendor/sveltia-cms is now @sveltia/cms $version"
    ;;
  *)
    echo "usage: bash vendor/sveltia-cms.sh check|update [VERSION]" >&2
    exit 2
    ;;
esac
