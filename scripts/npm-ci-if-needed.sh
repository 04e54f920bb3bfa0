#!/usr/bin/env bash
# Runs `npm ci` in the given folder when node_modules is missing or older than package-lock.json.
set -euo pipefail
dir="$1"
stamp="$dir/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
  (cd "$dir" && npm ci --no-audit --no-fund)
fi
