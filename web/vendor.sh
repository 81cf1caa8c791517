#!/usr/bin/env bash
# Copies the pinned, already-minified library files out of node_modules into vendor/, which the
# build embeds. scripts/install-deps.sh (group build) runs `npm ci` here and then this script;
# vendor/ is not committed (the libraries are other projects' code: they come from npm, pinned by
# package-lock.json). The folder names carry the versions, which lets the server cache them for a
# long time. `./vendor.sh --check` compares instead of copying (exit 1 when anything differs or is
# missing).
set -euo pipefail
cd "$(dirname "$0")"
files=(
  "node_modules/preact/dist/preact.mjs vendor/preact-11.2.0/preact.mjs"
  "node_modules/preact/hooks/dist/hooks.mjs vendor/preact-11.2.0/hooks.mjs"
  "node_modules/htm/dist/htm.mjs vendor/htm-3.1.1/htm.mjs"
  "node_modules/uplot/dist/uPlot.iife.min.js vendor/uplot-1.6.32/uPlot.iife.min.js"
  "node_modules/uplot/dist/uPlot.min.css vendor/uplot-1.6.32/uPlot.min.css"
)
status=0
for pair in "${files[@]}"; do
  read -r src dst <<<"$pair"
  if [ "${1:-}" = "--check" ]; then
    [ -f "$dst" ] && sed '/^\/\/# sourceMappingURL=/d' "$src" | cmp -s - "$dst" || { echo "differs: $dst"; status=1; }
  else
    mkdir -p "$(dirname "$dst")"
    # Source maps are not shipped: drop the trailing sourceMappingURL comment so the browser does
    # not ask for a file the server does not have.
    sed '/^\/\/# sourceMappingURL=/d' "$src" >"$dst"
  fi
done
exit $status
