#!/usr/bin/env bash
# Installs what building, running and testing Custodia needs on Debian/Ubuntu, skipping what is present.
# Called by `make run`, `make test` and `make bench`; safe to run again.
set -euo pipefail

# Tauri's Debian prerequisites, the tools the tests drive (Xvfb, WebKitWebDriver), and the Go `age`
# used as the outside reference in interop tests and benchmarks.
packages=(
  build-essential pkg-config curl wget file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver age imagemagick time
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
