#!/usr/bin/env bash
# Keeps the shared build folders from filling the disk between CI runs (.ci/run calls it first).
# Each clean clone sits at a new path, and Cargo keys the workspace's own crates by path, so every run
# leaves a full set of custodia-* test binaries and incremental caches behind; a full disk then fails a
# link with no message. Removes incremental caches and custodia artifacts untouched for six hours (all of
# them when the disk is short), since a new clone rebuilds the workspace crates anyway; third-party crates
# (shared by every clone) are kept, so the next build stays warm.
set -euo pipefail

# Below this much free space (GiB), workspace artifacts go whatever their age: a build needs about 20.
min_free_gib="${TIDY_MIN_FREE_GIB:-30}"
free_gib() { df -Pk "$HOME" | awk 'NR == 2 { print int($4 / 1048576) }'; }
age="-mmin +360"
if [ "$(free_gib)" -lt "$min_free_gib" ]; then age=""; fi

for dir in "${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}" "$HOME/.cache/custodia/fuzz-target"; do
  [ -d "$dir" ] || continue
  find "$dir" -maxdepth 3 -type d -name incremental -prune -exec rm -rf {} +
  # shellcheck disable=SC2086 # $age is zero or two words
  find "$dir" -path '*/deps/*' $age -type f \( -name '*custodia*' -o -name 'export_bindings-*' \
    -o -name 'cli-*' -o -name 'faults-*' -o -name 'vault-*' -o -name 'matching-*' -o -name 'report-*' \) -delete
  # shellcheck disable=SC2086
  find "$dir" -maxdepth 4 -path '*/build/custodia-*' $age -type d -prune -exec rm -rf {} +
done
df -h "$HOME" | awk 'NR == 2 { print "tidy-build-cache: " $4 " free on " $6 }'
