#!/usr/bin/env bash
# Sets everything up (Debian 12, as root) and runs the assistant on our simulator: installs
# dependencies, builds the workspace in release mode and provisions the whisper weights. Then:
# - by default, a short demo: three spoken commands (synthesised with espeak-ng) are played to
#   the whole assistant on the headless simulator (`embodied scenario`), which prints the
#   dialogue, the tasks and where the robot went; the JSON report and the trajectory PNG are in
#   target/demo/;
# - with `--live`, launch/sim.launch.xml with our own launcher, listening to the default
#   microphone (stop with Ctrl-C). Without ROS 2 on this machine (no ROS_DISTRO), DDS traffic
#   stays in a private network namespace on loopback. Extra arguments go to the launch file,
#   e.g. `namespace:=/robot1`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
echo "==> cargo build --release"
cargo build --release --workspace

target_dir="${CARGO_TARGET_DIR:-target}"
embodied="$target_dir/release/embodied"
echo "==> whisper weights"
"$embodied" models fetch --model tiny.en

if [ "${1:-}" != "--live" ]; then
  out="$target_dir/demo"
  echo "==> demo: three spoken commands to the assistant on the simulator (report in $out/)"
  RUST_LOG="${RUST_LOG:-warn}" exec "$embodied" scenario --start "living room" --out "$out" --dialogue \
    --say "Please go to the kitchen." --say "What do you see?" --say "Turn left." \
    > /dev/null
fi
shift
launcher=("$embodied" launch launch/sim.launch.xml audio_source:=device "$@")
if [ -n "${ROS_DISTRO:-}" ]; then
  echo "==> ROS 2 $ROS_DISTRO found: joining its DDS network"
  exec "${launcher[@]}"
fi
echo "==> no ROS 2 here: running in a private network namespace (scripts/netns.sh)"
exec scripts/netns.sh "${launcher[@]}"
