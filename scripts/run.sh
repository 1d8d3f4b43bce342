#!/usr/bin/env bash
# Sets everything up (Debian 12, as root) and runs the assistant on our simulator: installs
# dependencies, builds the workspace in release mode, provisions the whisper weights, and starts
# launch/sim.launch.xml with our own launcher. Audio is a spoken sample command (synthesised
# with espeak-ng) unless `--live` is given, which listens to the default microphone instead.
# Without ROS 2 on this machine (no ROS_DISTRO), DDS traffic stays in a private network
# namespace on loopback. Extra arguments go to the launch file, e.g. `namespace:=/robot1`.
# Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> cargo build --release"
cargo build --release --workspace

target_dir="${CARGO_TARGET_DIR:-target}"
embodied="$target_dir/release/embodied"
echo "==> whisper weights"
"$embodied" models fetch --model tiny.en

audio=(audio_source:=wav)
if [ "${1:-}" = "--live" ]; then
  shift
  audio=(audio_source:=device)
else
  sample="$HOME/.cache/embodied/demo/go_to_the_kitchen.wav"
  mkdir -p "$(dirname "$sample")"
  [ -s "$sample" ] || espeak-ng -v en-us -s 150 -w "$sample" "Please go to the kitchen."
  audio+=("wav:=[$sample]")
  echo "==> sample voice command: $sample (\"Please go to the kitchen.\")"
fi
launcher=("$embodied" launch launch/sim.launch.xml "${audio[@]}" "$@")
if [ -n "${ROS_DISTRO:-}" ]; then
  echo "==> ROS 2 $ROS_DISTRO found: joining its DDS network"
  exec "${launcher[@]}"
fi
echo "==> no ROS 2 here: running in a private network namespace (scripts/netns.sh)"
exec scripts/netns.sh "${launcher[@]}"
