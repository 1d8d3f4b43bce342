#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, unit and integration tests, golden CDR bytes
# against rosbags, DDS tests and the wire-interop test against Cyclone DDS inside a private
# network namespace. Installs what it needs first (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export CARGO_INCREMENTAL=0

step() { printf '\n==> %s\n' "$*"; }

step "install dependencies"
scripts/install-deps.sh
PY=.venv/bin/python

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "golden CDR fixtures are up to date (rosbags)"
"$PY" msgs/tests/golden/generate.py --check

step "DDS tests (private network namespace, loopback multicast)"
scripts/netns.sh cargo test --workspace -- --ignored --test-threads=1

step "unit and integration tests"
cargo test --workspace
