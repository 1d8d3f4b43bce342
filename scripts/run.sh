#!/usr/bin/env bash
# Sets everything up (Debian 12, as root) and runs the assistant: installs dependencies, builds
# the workspace in release mode and starts launch/assistant.launch.xml with our own launcher.
# Without ROS 2 on this machine (no ROS_DISTRO), DDS traffic stays in a private network
# namespace on loopback. Extra arguments go to the launch file, e.g. `namespace:=/robot1`.
# Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> cargo build --release"
cargo build --release --workspace

target_dir="${CARGO_TARGET_DIR:-target}"
launcher=("$target_dir/release/embodied" launch launch/assistant.launch.xml "$@")
if [ -n "${ROS_DISTRO:-}" ]; then
  echo "==> ROS 2 $ROS_DISTRO found: joining its DDS network"
  exec "${launcher[@]}"
fi
echo "==> no ROS 2 here: running in a private network namespace (scripts/netns.sh)"
exec scripts/netns.sh "${launcher[@]}"
