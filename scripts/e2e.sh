#!/usr/bin/env bash
# The end-to-end suite: builds the app with the `e2e` feature (native dialogs answered from files),
# starts tauri-driver (which drives WebKitWebDriver) under Xvfb, and runs tests/e2e against the real app.
# Screenshots land in target/e2e/screenshots/. Run through `make e2e` (or `make test`).
# `scripts/e2e.sh bench VAULT` runs tests/e2e/bench.mjs against an existing vault instead (make bench).
set -euo pipefail
mode="${1:-test}"

root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/custodia/target}"
target="$CARGO_TARGET_DIR"
export PATH="$HOME/.cargo/bin:$PATH"
TAURI_DRIVER_VERSION=2.1.0

if ! command -v tauri-driver > /dev/null; then
  echo "e2e: installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION"
fi

cargo build -p custodia-app --features e2e
mkdir -p "$root/target/e2e"
app="$root/target/e2e/custodia-app"
cp "$target/debug/custodia-app" "$app"

"$root/scripts/npm-ci-if-needed.sh" "$root/tests/e2e"

work="$(mktemp -d /tmp/custodia-e2e.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/saved"
shots="$root/target/e2e/screenshots"
rm -rf "$shots" && mkdir -p "$shots"

export E2E_APP="$app" E2E_SCREENSHOTS="$shots" E2E_WORK="$work"
export CUSTODIA_VAULT="$work/vault" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export XDG_STATE_HOME="$work/state"
export XDG_CACHE_HOME="$work/cache"
if [ "$mode" = bench ]; then
  export CUSTODIA_VAULT="$2"
fi
export E2E_MODE="$mode"
export CUSTODIA_E2E_PICK="$work/pick.txt" CUSTODIA_E2E_SAVE_DIR="$work/saved"

touch "$work/stamp"
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port 4444 > "$E2E_WORK/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:4444/status > /dev/null && break; sleep 0.1; done
  status=0
  (cd "'"$root"'/tests/e2e" && npm run "$E2E_MODE") || status=$?
  # SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too.
  kill -TERM "$driver" 2> /dev/null || true
  wait "$driver" 2> /dev/null || true
  [ "$status" -eq 0 ] || { echo "e2e: tauri-driver log:"; tail -n 30 "$E2E_WORK/tauri-driver.log"; }
  exit "$status"
'
if [ "$mode" = test ]; then
  # Nothing typed or added in the suite may be left in plain text by the app: not in WebKit's data and
  # cache folders, not in its settings, not in the vault, not anywhere in /tmp (the test's own input
  # files, which the user chose, are skipped). The markers are the suite's evidence text, names and
  # passphrase (tests/e2e/app.e2e.mjs).
  echo "e2e: scanning the app's folders and /tmp for plaintext"
  python3 "$root/scripts/scan-plaintext.py" "$work/stamp" \
    'Testimony of W-12, recorded' 'Amina Yusuf Adam' 'Aminah Yousif Adam' 'olive lantern mountain seventeen' -- \
    "$work/data" "$work/cache" "$work/config" "$work/state" "$work/vault" /tmp \
    "$HOME/.cache/org.custodia.vault" "$HOME/.local/share/org.custodia.vault" --skip "$work"
fi
echo "e2e: screenshots in $shots"
ls "$shots"
