#!/usr/bin/env bash
# Ingest benchmark (issue 2): `custodia add` of a large file (single pass: SHA-256 + age + fsync) against
# the two-pass baseline a user would script (`sha256sum FILE` then Go `age -r`), and `age` alone, in the
# same run on the same page-cached file. Also peak memory for a 4 GiB file, and opening a 100k-item vault.
#
# Usage: scripts/bench-ingest.sh            (BENCH_DIR, BENCH_GIB, BENCH_REPS, BENCH_ITEMS override)
# Prints a Markdown report; BENCHMARKS.md keeps the one from the machine it names.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}"
custodia="$target/release/custodia"
work="${BENCH_DIR:-/var/tmp/custodia-bench}"
gib="${BENCH_GIB:-1}"
reps="${BENCH_REPS:-5}"
items="${BENCH_ITEMS:-100000}"
[ -x "$custodia" ] || { echo "build first: make cli" >&2; exit 1; }
mkdir -p "$work"
cd "$work"

big="input-${gib}g.bin"
[ -f "$big" ] || head -c "$((gib << 30))" /dev/urandom > "$big"
bytes=$(stat -c %s "$big")
cat "$big" > /dev/null   # page cache: every contender reads from memory
printf '%s\n' "correct horse battery staple" > pass.txt
[ -f key.txt ] || age-keygen -o key.txt 2> /dev/null
recipient=$(age-keygen -y key.txt)

# Runs a command under /usr/bin/time after flushing earlier writes; prints "seconds max_rss_kib".
measure() {
  sync
  /usr/bin/time -f "%e %M" -o time.out "$@" > /dev/null 2> /dev/null
  tail -n 1 time.out
}
fresh_vault() {
  rm -rf vault
  "$custodia" --vault vault --passphrase-file pass.txt init --kdf-memory-mib 19 --kdf-iterations 2 > /dev/null 2>&1
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mbps() { awk -v b="$bytes" -v s="$1" 'BEGIN {printf "%.0f", b / s / 1e6}'; }

declare -a t_custodia t_two_pass t_age t_age_sync
rss_custodia=0
for _ in $(seq "$reps"); do
  fresh_vault
  read -r secs rss < <(measure "$custodia" --vault vault --passphrase-file pass.txt add "$big")
  t_custodia+=("$secs"); rss_custodia=$((rss > rss_custodia ? rss : rss_custodia))
  rm -f out.age
  read -r secs _ < <(measure bash -c "sha256sum '$big' && age -r '$recipient' -o out.age '$big'")
  t_two_pass+=("$secs"); rm -f out.age
  read -r secs _ < <(measure age -r "$recipient" -o out.age "$big")
  t_age+=("$secs"); rm -f out.age
  read -r secs _ < <(measure bash -c "age -r '$recipient' -o out.age '$big' && sync out.age")
  t_age_sync+=("$secs"); rm -f out.age
done
c=$(printf '%s\n' "${t_custodia[@]}" | median)
two=$(printf '%s\n' "${t_two_pass[@]}" | median)
a=$(printf '%s\n' "${t_age[@]}" | median)
as=$(printf '%s\n' "${t_age_sync[@]}" | median)

# Memory: peak RSS of adding a 4 GiB file against an open that adds nothing (`list`), both with the
# 19 MiB floor key derivation, whose memory is part of every unlock.
big4="input-4g.bin"
[ -f "$big4" ] || head -c "$((4 << 30))" /dev/urandom > "$big4"
fresh_vault
read -r _ rss_list < <(measure "$custodia" --vault vault --passphrase-file pass.txt list)
read -r secs4 rss4 < <(measure "$custodia" --vault vault --passphrase-file pass.txt add "$big4")

# Opening a vault of $items items: time of `show` (unlock + open + reconcile + query + close) minus the
# time of a refused unlock (the same key derivation, nothing opened).
"$here/scripts/bench-populate.sh" "$custodia" "$work" "$items"
some_id=$("$custodia" --vault "many-$items" --passphrase-file pass.txt list --json | head -1 | sed 's/.*"id":"\([^"]*\)".*/\1/')
printf 'not the passphrase\n' > wrong.txt
declare -a t_open t_kdf
for _ in $(seq "$reps"); do
  read -r secs _ < <(measure "$custodia" --vault "many-$items" --passphrase-file pass.txt show "$some_id")
  t_open+=("$secs")
  read -r secs _ < <(measure "$custodia" --vault "many-$items" --passphrase-file wrong.txt show "$some_id" || true)
  t_kdf+=("$secs")
done
o=$(printf '%s\n' "${t_open[@]}" | median)
k=$(printf '%s\n' "${t_kdf[@]}" | median)

cat <<REPORT
Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r); $(df -h "$work" | awk 'NR==2 {print $1}') ($(findmnt -no FSTYPE -T "$work"))
Command: scripts/bench-ingest.sh (make bench), ${gib} GiB random file, page-cached, median of ${reps} runs

| contender (${gib} GiB) | seconds | MB/s | vs two-pass |
|---|---|---|---|
| custodia add (SHA-256 + age in one pass, fsync, commit) | $c | $(mbps "$c") | $(awk -v x="$two" -v y="$c" 'BEGIN {printf "%.2fx", x / y}') |
| two-pass: sha256sum, then age -r -o (no fsync) | $two | $(mbps "$two") | 1.00x |
| age -r -o alone (no fsync) | $a | $(mbps "$a") | |
| age -r -o, then sync of its output | $as | $(mbps "$as") | |

| memory | peak RSS |
|---|---|
| custodia add, ${gib} GiB | $((rss_custodia / 1024)) MiB |
| custodia add, 4 GiB (${secs4} s) | $((rss4 / 1024)) MiB |
| custodia list (unlock with the 19 MiB floor KDF, no ingest) | $((rss_list / 1024)) MiB |

| open a vault of $items items | seconds |
|---|---|
| custodia show ID (unlock + open + reconcile + query + close) | $o |
| refused unlock (key derivation alone) | $k |
| open after the key derivation | $(awk -v o="$o" -v k="$k" 'BEGIN {printf "%.2f", o - k}') |
REPORT
