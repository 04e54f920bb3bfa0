#!/usr/bin/env bash
# Person-matching benchmark (issue 4): precision, recall and F1 of `duplicate_pairs` at the default threshold
# on the multilingual development set (tuning part, held-out part, whole) and on FEBRL3, the speed of one check
# and of a full scan over 100,000 synthetic persons, and in the same run the baseline the issue names
# (unidecode + token-sort-ratio on the name, at its best threshold on the same data).
#
# Usage: scripts/eval-matching.sh        (EVAL_DIR, EVAL_PERSONS, DEV_CSV, DEV_TRUTH override)
# Needs network access to PyPI on the first run only (a venv under EVAL_DIR keeps recordlinkage).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="${EVAL_DIR:-/var/tmp/custodia-eval}"
persons="${EVAL_PERSONS:-100000}"
dev="${DEV_CSV:-$here/tests/data/matching/persons-dev.csv}"
truth="${DEV_TRUTH:-$here/tests/data/matching/persons-dev.truth.csv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}"
export PATH="$HOME/.cargo/bin:$PATH"
[ -f "$dev" ] && [ -f "$truth" ] || { echo "development set not found: $dev, $truth" >&2; exit 1; }
mkdir -p "$work"

# FEBRL ships inside the recordlinkage package; the baseline uses rapidfuzz and unidecode.
if [ ! -x "$work/venv/bin/python" ]; then
  python3 -m venv "$work/venv"
fi
"$work/venv/bin/python" -c "import recordlinkage, rapidfuzz, unidecode" 2> /dev/null \
  || "$work/venv/bin/pip" install --quiet recordlinkage rapidfuzz unidecode
"$work/venv/bin/python" - "$work/febrl3.csv" << 'PY'
import sys
from recordlinkage.datasets import load_febrl3
df = load_febrl3()
df.index.name = "rec_id"
df.to_csv(sys.argv[1])
PY

cargo build --quiet --release -p custodia-core --example match_eval
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -r); $(date -u +%Y-%m-%d)"
echo "Command: scripts/eval-matching.sh (EVAL_PERSONS=$persons)"
echo
"$CARGO_TARGET_DIR/release/examples/match_eval" --dev "$dev" --truth "$truth" --febrl "$work/febrl3.csv" \
  --speed "$persons"

echo
echo "Baseline: unidecode + token_sort_ratio on the name, best threshold per dataset (same data, same split)."
echo
"$work/venv/bin/python" - "$dev" "$truth" "$work/febrl3.csv" << 'PY'
import csv, sys
import numpy as np
from rapidfuzz import fuzz, process
from unidecode import unidecode

def best(names, ids, truth):
    """F1 at every threshold of token_sort_ratio over all pairs; returns the best row."""
    keys = [unidecode(n).lower() for n in names]
    scores = process.cdist(keys, keys, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1)
    iu = np.triu_indices(len(keys), k=1)
    flat = scores[iu]
    index = {r: i for i, r in enumerate(ids)}
    true = np.zeros(len(flat), dtype=bool)
    n = len(keys)
    for a, b in truth:
        i, j = sorted((index[a], index[b]))
        true[i * n - i * (i + 1) // 2 + (j - i - 1)] = True
    top = (0.0, 0, 0, 0.0, 0.0)
    for t in range(50, 101):
        pred = flat >= t
        hits = int((pred & true).sum())
        p = hits / max(int(pred.sum()), 1)
        r = hits / max(int(true.sum()), 1)
        f = 2 * p * r / (p + r) if p + r else 0.0
        if f > top[0]:
            top = (f, t, int(pred.sum()), p, r)
    return top

def dev_rows(path, truth_path, keep):
    rows = [r for r in csv.DictReader(open(path, encoding="utf-8")) if keep(int(r["ref"][1:]))]
    ids = [r["ref"] for r in rows]
    s = set(ids)
    truth = [(r["a"], r["b"]) for r in csv.DictReader(open(truth_path)) if r["a"] in s and r["b"] in s]
    return [r["full_name"] for r in rows], ids, truth

print("| baseline on | pairs in truth | predicted | precision | recall | F1 | best threshold |")
print("|---|---|---|---|---|---|---|")
dev, truth_path, febrl = sys.argv[1:4]
for label, keep in [("dev (tuning part)", lambda n: n <= 444), ("dev (held out)", lambda n: n > 444),
                    ("dev (whole)", lambda n: True)]:
    names, ids, truth = dev_rows(dev, truth_path, keep)
    f, t, k, p, r = best(names, ids, truth)
    print(f"| {label} | {len(truth)} | {k} | {p:.3f} | {r:.3f} | {f:.3f} | {t} |")
rows = list(csv.DictReader(open(febrl, encoding="utf-8")))
ids = [r["rec_id"] for r in rows]
names = [f"{r['given_name']} {r['surname']}".strip() for r in rows]
groups = {}
for i in ids:
    groups.setdefault(i.split("-")[1], []).append(i)
truth = [(a, b) for g in groups.values() for x, a in enumerate(g) for b in g[x + 1:]]
f, t, k, p, r = best(names, ids, truth)
print(f"| FEBRL3 | {len(truth)} | {k} | {p:.3f} | {r:.3f} | {f:.3f} | {t} |")
PY
