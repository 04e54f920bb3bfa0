#!/usr/bin/env bash
# Installs what building, running and testing Custodia needs on Debian/Ubuntu, skipping what is present.
# Called by `make run`, `make test` and `make bench`; safe to run again.
set -euo pipefail

# Tauri's Debian prerequisites, the tools the tests drive (Xvfb, WebKitWebDriver), the Go `age` used as
# the outside reference in interop tests and benchmarks, and Python's venv for the `bagit` validator below.
packages=(
  build-essential pkg-config curl wget file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver age imagemagick time python3 python3-venv
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node.js 20 or newer for the front end (Vite) and the WebDriver client. Debian 12's own nodejs is 18,
# too old: on such a machine install Node 20 (for example from nodesource.com) and run this again.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "install-deps: installing nodejs and npm"
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends nodejs npm
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: Node.js $(node --version) is too old; Custodia's front end needs Node.js 20 or newer" >&2
  exit 1
fi

# Rust, pinned by rust-toolchain.toml; rustup fetches that toolchain on first use.
if ! command -v cargo >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "install-deps: installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
fi

# Python `bagit` (the Library of Congress's BagIt tool) checks exported bundles in the interop tests, as
# a lawyer's machine would: `bagit.py --validate`. Pinned, in its own virtual environment, so the system's
# Python is left alone; the tests look for it at this path and fail if it is missing.
bagit_venv="$HOME/.cache/custodia/venv"
bagit_version="1.9.0"
if ! "$bagit_venv/bin/pip" show bagit 2>/dev/null | grep -qx "Version: $bagit_version"; then
  echo "install-deps: installing bagit $bagit_version into $bagit_venv"
  python3 -m venv "$bagit_venv"
  "$bagit_venv/bin/pip" install --quiet --disable-pip-version-check "bagit==$bagit_version"
fi
