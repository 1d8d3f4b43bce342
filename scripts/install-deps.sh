#!/usr/bin/env bash
# Installs everything the project needs on Debian 12 (as root), idempotently:
# system packages, then a Python venv with the test peers (rosbags, cyclonedds).
# Downloads are cached under ~/.cache/embodied/ so reruns are fast; nothing depends on the cache.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake clang libclang-dev          # whisper-rs-sys builds whisper.cpp and runs bindgen
  libasound2-dev pkg-config         # cpal (ALSA)
  espeak-ng libespeak-ng-dev sox    # speech synthesis, test audio
  python3-venv python3-pip          # the Python interop peers live in a venv
  iproute2 util-linux               # ip + unshare: DDS tests in a private network namespace
  libfontconfig-dev fonts-dejavu-core  # text in the PNG charts (plotters' ttf backend)
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo (Rust >= 1.88) is required and was not found on PATH" >&2
  exit 1
fi

CACHE="$HOME/.cache/embodied"
mkdir -p "$CACHE/pip"
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  echo "==> creating Python venv $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --cache-dir "$CACHE/pip" --disable-pip-version-check \
  -r scripts/requirements.txt
