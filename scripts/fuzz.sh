#!/usr/bin/env bash
# Builds the fuzz targets in fuzz/ (cargo-fuzz: libFuzzer with AddressSanitizer) and runs each for
# FUZZ_SECONDS (default 300). `make fuzz` runs them all; `make test` runs each for a short smoke time.
# Usage: scripts/fuzz.sh [TARGET...]   (no target: every one, `cargo fuzz list`)
#
# The corpus each run grows is kept outside the clone ($HOME/.cache/custodia/fuzz-corpus/TARGET), read
# together with the committed seeds (fuzz/seeds/TARGET), which libFuzzer never writes to. A crash stops
# the run with libFuzzer's report; the input is saved in fuzz/artifacts/TARGET/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-300}"
target_dir="${FUZZ_TARGET_DIR:-$HOME/.cache/custodia/fuzz-target}"
corpus_root="${FUZZ_CORPUS_DIR:-$HOME/.cache/custodia/fuzz-corpus}"

# cargo-fuzz passes nightly-only flags (-Zsanitizer=address); the pinned stable toolchain, the only one a
# fresh machine has, accepts them with RUSTC_BOOTSTRAP=1 and ships the sanitizer runtimes. ARCHITECTURE.md
# says why this and not a nightly toolchain.
export RUSTC_BOOTSTRAP=1

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# One build of every target: they share custodia-core and its dependencies.
cargo fuzz build --target-dir "$target_dir"

# The bounds that find the bug class that matters here, memory or time taken on an input's word: one
# allocation above 64 MiB (a received bundle must stay within 64 MiB in all), a process above 1 GiB,
# one input taking more than 10 s.
for target in "${targets[@]}"; do
  mkdir -p "$corpus_root/$target"
  echo "fuzz: $target for ${seconds}s"
  cargo fuzz run --target-dir "$target_dir" "$target" "$corpus_root/$target" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -malloc_limit_mb=64 -rss_limit_mb=1024 -timeout=10 -print_final_stats=1
done
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no crash"
