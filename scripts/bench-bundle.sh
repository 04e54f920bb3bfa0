#!/usr/bin/env bash
# Bundle benchmark (issue 5): `custodia export` and `custodia bundle verify` of a ~2 GiB bundle (a few
# large videos and 10,000 small photos) against `tar c | age -r` on the same files, in the same run; peak
# RSS; and the per-file overhead, from runs over the videos alone and the photos alone.
#
# Usage: scripts/bench-bundle.sh
#   BENCH_DIR (default /var/tmp/custodia-bench), BENCH_REPS (3), BENCH_VIDEOS (4), BENCH_VIDEO_MIB (460),
#   BENCH_PHOTOS (10000), BENCH_PHOTO_KIB (20) override.
# Prints a Markdown report for BENCHMARKS.md. Inputs and the vault are kept in BENCH_DIR/bundle and reused.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}"
custodia="$CARGO_TARGET_DIR/release/custodia"
work="${BENCH_DIR:-/var/tmp/custodia-bench}/bundle"
reps="${BENCH_REPS:-3}"
videos="${BENCH_VIDEOS:-4}"
video_mib="${BENCH_VIDEO_MIB:-460}"
photos="${BENCH_PHOTOS:-10000}"
photo_kib="${BENCH_PHOTO_KIB:-20}"
for tool in age age-keygen tar /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "bench-bundle: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
(cd "$here" && cargo build --release -q -p custodia-cli)
mkdir -p "$work"
cd "$work"

# Inputs: random bytes (nothing compresses or deduplicates), made once.
mkdir -p src/videos src/photos
for i in $(seq "$videos"); do
  f="src/videos/video-$i.mp4"
  [ "$(stat -c %s "$f" 2> /dev/null || echo 0)" = "$((video_mib << 20))" ] || head -c "$((video_mib << 20))" /dev/urandom > "$f"
done
if [ "$(find src/photos -type f | wc -l)" != "$photos" ]; then
  rm -rf src/photos && mkdir -p src/photos
  head -c "$((photos * photo_kib << 10))" /dev/urandom |
    split -b "$((photo_kib << 10))" -d -a 6 --additional-suffix=.jpg - src/photos/photo-
fi
video_bytes=$(du -cb src/videos | tail -1 | cut -f1)
photo_bytes=$(du -cb --apparent-size src/photos | tail -1 | cut -f1)
total_bytes=$((video_bytes + photo_bytes))
files=$((videos + photos))

printf '%s\n' "correct horse battery staple" > pass.txt
[ -f key.txt ] || age-keygen -o key.txt 2> /dev/null
recipient=$(age-keygen -y key.txt)
c() { "$custodia" --vault vault --passphrase-file pass.txt "$@"; }

# The vault, made once: every input added (the floor key derivation, as the tests use).
if [ ! -d vault ] || [ "$(c list --json 2> /dev/null | wc -l)" != "$files" ]; then
  rm -rf vault vault-records.tar
  c init --kdf-memory-mib 19 --kdf-iterations 2 > /dev/null 2>&1
  c add src/videos/* > /dev/null 2>&1
  find src/photos -type f -print0 | sort -z | xargs -0 -n 2000 "$custodia" --vault vault --passphrase-file pass.txt add > /dev/null 2>&1
fi
c list --json > items.jsonl
# Every export adds events about each item it carries (and so to the next bundle's custody files): each
# run starts from the vault as it was after ingest, so that every run exports the same first bundle. The
# copy is made once, with the vault: made at every start, it took in the events of the runs before.
[ -f vault-records.tar ] || (cd vault && tar cf ../vault-records.tar --exclude=./blobs .)
fresh_records() { (cd vault && find . -maxdepth 1 -type f -delete && tar xf ../vault-records.tar); }
video_ids=$(grep '"name":"video-' items.jsonl | sed 's/.*"id":"\([^"]*\)".*/\1/' | tr '\n' ' ')
photo_ids=$(grep '"name":"photo-' items.jsonl | sed 's/.*"id":"\([^"]*\)".*/\1/' | tr '\n' ' ')

# Runs a command under /usr/bin/time after flushing earlier writes; prints "seconds max_rss_kib".
measure() {
  sync
  /usr/bin/time -f "%e %M" -o time.out "$@" > /dev/null 2> /dev/null
  tail -n 1 time.out
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.0f", b / s / 1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }

# Every contender reads its inputs from the page cache: this VM gives idle cached pages back to its host,
# so the inputs are read once more right before each timed run (the stored copies for an export, the
# originals for tar).
warm() { find "$@" -type f -exec cat {} + > /dev/null; }

# export_of IDS...: one timed custodia export of those items; baseline_of DIR: one timed tar | age.
export_of() {
  rm -f out.custodia.age
  fresh_records
  warm vault/blobs
  # shellcheck disable=SC2086 # the ids are words
  measure "$custodia" --vault vault --passphrase-file pass.txt export --recipient "$recipient" \
    --recipient-kind icc --output out.custodia.age --items "$@"
}
baseline_of() {
  rm -f base.age
  (cd src && warm "$@")
  measure sh -c "tar c -C src $* | age -r '$recipient' > base.age"
}

declare -a t_export t_tar t_tar_null t_tar_sync t_verify t_untar t_exp_v t_exp_p t_tar_v t_tar_p t_exp_1 t_tar_1
one_id=${photo_ids%% *}
one_photo=$(cd src && find photos -type f | sort | sed -n 1p) # sed reads it all: no SIGPIPE under pipefail
rss_export=0
rss_verify=0
for _ in $(seq "$reps"); do
  # shellcheck disable=SC2086
  read -r secs rss < <(export_of $video_ids $photo_ids)
  t_export+=("$secs"); rss_export=$((rss > rss_export ? rss : rss_export))
  # Export writes around the page cache; like every other input, the bundle is read from the cache.
  cat out.custodia.age > /dev/null
  read -r secs rss < <(measure "$custodia" bundle verify out.custodia.age --identity key.txt)
  t_verify+=("$secs"); rss_verify=$((rss > rss_verify ? rss : rss_verify))
  rm -f out.custodia.age # two 2 GiB files at once can fill a laptop's disk
  read -r secs _ < <(baseline_of videos photos)
  t_tar+=("$secs")
  read -r secs _ < <(measure sh -c "age -d -i key.txt base.age | tar x -O > /dev/null")
  t_untar+=("$secs")
  rm -f base.age
  warm src
  read -r secs _ < <(measure sh -c "tar c -C src videos photos | age -r '$recipient' > /dev/null")
  t_tar_null+=("$secs")
  warm src
  read -r secs _ < <(measure sh -c "tar c -C src videos photos | age -r '$recipient' > base.age && sync base.age")
  t_tar_sync+=("$secs")
  # Per-file overhead: the same work over the videos alone and the photos alone.
  # shellcheck disable=SC2086
  read -r secs _ < <(export_of $video_ids); t_exp_v+=("$secs")
  # shellcheck disable=SC2086
  read -r secs _ < <(export_of $photo_ids); t_exp_p+=("$secs")
  read -r secs _ < <(baseline_of videos); t_tar_v+=("$secs")
  read -r secs _ < <(baseline_of photos); t_tar_p+=("$secs")
  # The fixed cost of a run (unlock, plan, checkpoint, close; or starting tar and age), from one photo.
  read -r secs _ < <(export_of "$one_id"); t_exp_1+=("$secs")
  read -r secs _ < <(baseline_of "$one_photo"); t_tar_1+=("$secs")
done
rm -f out.custodia.age base.age
e=$(printf '%s\n' "${t_export[@]}" | median)
t=$(printf '%s\n' "${t_tar[@]}" | median)
ts=$(printf '%s\n' "${t_tar_sync[@]}" | median)
tn=$(printf '%s\n' "${t_tar_null[@]}" | median)
per_run=$(for i in "${!t_export[@]}"; do ratio "${t_export[$i]}" "${t_tar[$i]}"; echo; done | paste -sd ' ')
v=$(printf '%s\n' "${t_verify[@]}" | median)
u=$(printf '%s\n' "${t_untar[@]}" | median)
ev=$(printf '%s\n' "${t_exp_v[@]}" | median)
ep=$(printf '%s\n' "${t_exp_p[@]}" | median)
tv=$(printf '%s\n' "${t_tar_v[@]}" | median)
tp=$(printf '%s\n' "${t_tar_p[@]}" | median)
e1=$(printf '%s\n' "${t_exp_1[@]}" | median)
t1=$(printf '%s\n' "${t_tar_1[@]}" | median)
# Per-file cost: time over the photos beyond a run's fixed cost and what their bytes cost at the videos'
# rate (the videos' time net of the fixed cost too).
per_file() { awk -v tp="$1" -v tv="$2" -v f="$3" -v bp="$photo_bytes" -v bv="$video_bytes" -v n="$photos" \
  'BEGIN {x = (tp - f - bp * (tv - f) / bv) / n * 1e6; printf "%.0f", (x < 0 ? 0 : x)}'; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
gib=$(awk -v b="$total_bytes" 'BEGIN {printf "%.2f", b / 2^30}')
cat <<EOF
Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $cpu, $(uname -r); $(df -P "$work" | awk 'NR==2 {print $1}')
Command: scripts/bench-bundle.sh, $videos videos of $video_mib MiB and $photos photos of $photo_kib KiB ($gib GiB, $files files), page-cached, median of $reps runs, $(date -u +%Y-%m-%d)

| contender ($gib GiB, $files files) | seconds | MB/s | vs \`tar c \\| age -r\` |
|---|---|---|---|
| custodia export (decrypt, SHA-256, tar, age, SHA-256, fsync, custody event) | $e | $(mbps "$total_bytes" "$e") | $(ratio "$e" "$t") |
| tar c \\| age -r (no fsync) | $t | $(mbps "$total_bytes" "$t") | 1.00x |
| tar c \\| age -r, then sync of its output | $ts | $(mbps "$total_bytes" "$ts") | $(ratio "$ts" "$t") |
| tar c \\| age -r > /dev/null (the work alone: nothing written) | $tn | $(mbps "$total_bytes" "$tn") | $(ratio "$tn" "$t") |
| custodia bundle verify (decrypt, every hash both ways, signature, checkpoint, proofs) | $v | $(mbps "$total_bytes" "$v") | |
| age -d \\| tar x -O (decrypt and read every file, no checks) | $u | $(mbps "$total_bytes" "$u") | |

Export against \`tar c \\| age -r\` in each run: $per_run (export: ${t_export[*]} s; tar | age: ${t_tar[*]} s).

| memory | peak RSS |
|---|---|
| custodia export, $gib GiB, $files items | $(mib "$rss_export") |
| custodia bundle verify | $(mib "$rss_verify") |

| per-file overhead ($photos photos of $photo_kib KiB) | photos only (s) | videos only (s) | one photo (s) | µs per file beyond its bytes |
|---|---|---|---|---|
| custodia export | $ep | $ev | $e1 | $(per_file "$ep" "$ev" "$e1") |
| tar c \\| age -r | $tp | $tv | $t1 | $(per_file "$tp" "$tv" "$t1") |
EOF
