#!/usr/bin/env bash
# Vendors ECharts (Apache-2.0) unmodified into the console's embedded static files, pinned by version
# and checksum, so the console works with no internet. Run again only to change the version.
set -euo pipefail
version=6.1.0
sha256=681aff88cc1038c3fa941a3a53d1b177a52250b05335efc607d6105ae13be481
dest="$(cd "$(dirname "$0")/.." && pwd)/internal/console/static/vendor/echarts"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "echarts@$version" >/dev/null 2>&1)
echo "$sha256  $tmp/echarts-$version.tgz" | sha256sum -c - >/dev/null
tar xzf "$tmp/echarts-$version.tgz" -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/dist/echarts.min.js" "$tmp/package/LICENSE" "$tmp/package/NOTICE" "$dest/"
echo "echarts $version vendored into $dest"
