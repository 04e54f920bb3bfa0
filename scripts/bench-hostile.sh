#!/usr/bin/env bash
# Hostile-bundle benchmark (issue 12, point 4): builds each shape of bundle that was made to exhaust the
# machine opening it, runs `custodia bundle verify` on it under `/usr/bin/time -v`, and prints its peak RSS,
# wall time, exit code and first line of error as a Markdown table for BENCHMARKS.md. Every shape must be
# refused (or reported) in bounded memory (goal: under 64 MiB) and in time linear in its size.
#
# Usage: scripts/bench-hostile.sh
#   BENCH_DIR (default /var/tmp/custodia-bench) holds the shapes (about 2 GiB, most of it sparse zeros);
#   they are made once and reused. CUSTODIA names another binary to measure (then nothing is built).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}"
custodia="${CUSTODIA:-$CARGO_TARGET_DIR/release/custodia}"
work="${BENCH_DIR:-/var/tmp/custodia-bench}/hostile"
for tool in age age-keygen python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "bench-hostile: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
[ -n "${CUSTODIA:-}" ] || (cd "$here" && cargo build --release -q -p custodia-cli)
mkdir -p "$work"
cd "$work"

[ -f key.txt ] || age-keygen -o key.txt 2> /dev/null
recipient=$(age-keygen -y key.txt)
printf '%s\n' "a passphrase long enough for a bundle" > pass.txt

b64() { head -c "$1" /dev/urandom | base64 -w0 | tr -d '='; }

# A passphrase bundle whose scrypt stanza claims log2 N = 23 (8 GiB per try): the header of a real age
# file, with an edited work factor, and 17 KB of ciphertext after it.
if [ ! -f scrypt-23.custodia.age ]; then
  { printf 'age-encryption.org/v1\n-> scrypt %s 23\n%s\n--- %s\n' "$(b64 16)" "$(b64 32)" "$(b64 32)"
    head -c 17000 /dev/urandom; } > scrypt-23.custodia.age
fi
# 1 GiB of zeros: an age header that never ends (sparse, so it costs no disk).
[ -f zeros-1g.custodia.age ] || truncate -s 1G zeros-1g.custodia.age
# 100 MiB of X25519 stanzas and no end to the header.
if [ ! -f stanzas-100m.custodia.age ]; then
  { echo "age-encryption.org/v1"
    yes -- "$(printf -- '-> X25519 %s\n%s' "$(b64 32)" "$(b64 32)")" | head -c $((100 << 20)); } > stanzas-100m.custodia.age
fi

# Tar shapes, sealed to the key with Go age.
python3 - "$recipient" << 'EOF'
import io, os, subprocess, sys, tarfile

recipient = sys.argv[1]

class Zeros:
    """`size` zero bytes, read in pieces: a large file is never held."""
    def __init__(self, size):
        self.left = size

    def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left)
        self.left -= n
        return bytes(n)


def seal(name, entries):
    """entries: (path, size or None for a folder); a file's bytes are zeros."""
    path = f"{name}.custodia.age"
    if os.path.exists(path):
        return
    age = subprocess.Popen(["age", "-r", recipient, "-o", path], stdin=subprocess.PIPE)
    with tarfile.open(fileobj=age.stdin, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo("bag/bagit.txt")
        body = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
        for entry, size in entries:
            info = tarfile.TarInfo(entry)
            if size is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                continue
            info.size = size
            tar.addfile(info, Zeros(size))
    age.stdin.close()
    if age.wait() != 0:
        sys.exit(f"age failed on {name}")

# Eight top-level manifests of 32 MiB each (256 MiB that the checks would keep in memory).
seal("manifests", [(f"bag/manifest-x{i}.txt", 32 << 20) for i in range(8)])
# The issue's deep shape: 10,000 files 2,000 folders deep (4 KB paths).
seal("deep-2000", [(f"bag/{'a/' * 2000}{i:05}", 0) for i in range(10_000)])
# 10,000 files 64 folders deep (the most accepted), each in a folder chain of its own, paths of 400 bytes.
seal("deep-64", [(f"bag/x{i:05}/{'bcd/' * 62}f", 0) for i in range(10_000)])
# 10,000 files with 4 KB paths, 64 deep, each in a chain of its own: the names alone are 40 MB.
seal("long-names", [(f"bag/x{i:05}/{('c' * 58 + '/') * 62}f", 0) for i in range(10_000)])
# 150,000 empty files: more entries than accepted.
seal("many-entries", [(f"bag/data/f{i:06}", 0) for i in range(150_000)])
EOF

run() { # name, then custodia's arguments
  local name="$1"; shift
  local log="$name.time" out="$name.out" code=0
  /usr/bin/time -v "$custodia" bundle verify "$@" > "$out" 2> "$log" || code=$?
  local rss secs size said
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$log")
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s}' "$log")
  size=$(du -h --apparent-size "$1" | cut -f1)
  said=$(grep -m1 -E '^(error|PROBLEM|FAILED)' "$log" "$out" 2> /dev/null | head -1 | cut -d: -f2- | cut -c1-150 || true)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$size" "$rss" "$secs" "$code" "${said# }"
}

echo "| shape | size | peak RSS (MiB) | time (s) | exit | what it said |"
echo "|---|---|---|---|---|---|"
run "scrypt work factor 2^23" scrypt-23.custodia.age --bundle-passphrase-file pass.txt
run "1 GiB of zeros (no header end)" zeros-1g.custodia.age --identity key.txt
run "100 MiB of X25519 stanzas (no header end)" stanzas-100m.custodia.age --identity key.txt
run "8 top-level manifests of 32 MiB" manifests.custodia.age --identity key.txt
run "10,000 files 2,000 folders deep" deep-2000.custodia.age --identity key.txt
run "10,000 files 64 deep, own chains, 400 B paths" deep-64.custodia.age --identity key.txt
run "10,000 files 64 deep, 4 KB paths" long-names.custodia.age --identity key.txt
run "150,000 empty files" many-entries.custodia.age --identity key.txt
echo
echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr), commit $(git -C "$here" rev-parse --short HEAD)"
