#!/usr/bin/env bash
# Keeps the shared build folders from filling the disk between CI runs (.ci/run calls it first).
# Each clean clone sits at a new path, and Cargo keys the workspace's own crates by path, so every run
# leaves a full set of custodia-* test binaries and incremental caches behind; a full disk then fails a
# link with no message. Removes incremental caches and custodia artifacts untouched for six hours (workspace crates are rebuilt by a new clone anyway); third-party
# crates (shared by every clone) are kept, so the next build stays warm.
set -euo pipefail

for dir in "${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}" "$HOME/.cache/custodia/fuzz-target"; do
  [ -d "$dir" ] || continue
  find "$dir" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} +
  find "$dir" -path '*/deps/*' -mmin +360 -type f \( -name '*custodia*' -o -name 'export_bindings-*' \
    -o -name 'cli-*' -o -name 'faults-*' -o -name 'vault-*' -o -name 'matching-*' -o -name 'report-*' \) -delete
  find "$dir" -path '*/build/custodia-*' -maxdepth 4 -mmin +360 -type d -prune -exec rm -rf {} +
done
df -h "$HOME" | awk 'NR == 2 { print "tidy-build-cache: " $4 " free on " $6 }'
