#!/usr/bin/env bash
# Creates (once) a vault of N small distinct items for the open/list benchmarks, with the floor key
# derivation and the passphrase in pass.txt. Usage: bench-populate.sh CUSTODIA_BIN WORK_DIR N
set -euo pipefail
custodia="$1"; work="$2"; items="$3"
vault="$work/many-$items"
[ -f "$vault/done" ] && exit 0
cd "$work"
printf '%s\n' "correct horse battery staple" > pass.txt
rm -rf "$vault" src-many && mkdir -p src-many
"$custodia" --vault "$vault" --passphrase-file pass.txt init --kdf-memory-mib 19 --kdf-iterations 2 > /dev/null 2>&1
for batch in $(seq 0 $(((items - 1) / 1000))); do
  rm -f src-many/*
  for i in $(seq 0 999); do
    n=$((batch * 1000 + i))
    [ "$n" -lt "$items" ] && printf 'photo %d\n' "$n" > "src-many/IMG_$(printf %06d "$n").jpg"
  done
  "$custodia" --vault "$vault" --passphrase-file pass.txt add src-many/* > /dev/null
done
rm -rf src-many
touch "$vault/done"
