#!/usr/bin/env bash
# Builds the ament package `embodied_assistant` with colcon exactly as on a ROS 2 robot
# (colcon-ros-cargo + cargo-ament-build, all from PyPI and crates.io: no ROS needed), into a
# scratch workspace, and checks the install layout that `ros2 run` and `ros2 launch` search.
# Usage: scripts/colcon-check.sh [--release]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
profile_args=()
[ "${1:-}" = "--release" ] && profile_args=(--cargo-args --release)

CACHE="$HOME/.cache/embodied"
VENV="$CACHE/colcon-venv"
if [ ! -x "$VENV/bin/colcon" ] || ! "$VENV/bin/pip" show -q colcon-package-selection >/dev/null 2>&1; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --cache-dir "$CACHE/pip" \
    colcon-core==0.21.3 colcon-cargo==0.2.0 colcon-ros-cargo==0.2.0 colcon-ros==0.5.0 \
    colcon-package-selection==0.2.10
fi
if ! command -v cargo-ament-build >/dev/null 2>&1; then
  cargo install --locked --quiet --root "$CACHE/cargo" cargo-ament-build --version 0.1.11
  export PATH="$CACHE/cargo/bin:$PATH"
fi
[ -x "$CACHE/cargo/bin/cargo-ament-build" ] && export PATH="$CACHE/cargo/bin:$PATH"

# The scratch workspace is on the home disk, not in /tmp, which may be a small tmpfs; and not in
# the repository, which colcon would crawl again through the scratch workspace's link to it.
mkdir -p "$CACHE"
ws="$(mktemp -d "$CACHE/colcon-scratch.XXXXXX")"
trap 'rm -rf "$ws"' EXIT
mkdir -p "$ws/src"
ln -s "$repo" "$ws/src/embodied"
cd "$ws"
# colcon-ros-cargo uses build/<pkg> of the scratch workspace as cargo's target directory; it goes
# with the workspace (several GB of a full build).
export CARGO_INCREMENTAL=0
"$VENV/bin/colcon" build --packages-select embodied_assistant "${profile_args[@]}" \
  --event-handlers console_direct+ >"$ws/colcon.log" 2>&1 \
  || { tail -n 80 "$ws/colcon.log"; exit 1; }

prefix="$ws/install/embodied_assistant"
fail=0
check() { if [ -e "$prefix/$1" ]; then echo "ok   $1"; else echo "MISSING $1"; fail=1; fi; }
check share/ament_index/resource_index/packages/embodied_assistant
check share/embodied_assistant/package.xml
check share/embodied_assistant/launch/assistant.launch.xml
check share/embodied_assistant/config/world/home.yaml
check share/embodied_assistant/models/gazebo/worlds/home.sdf
check share/embodied_assistant/models/gazebo/models/robot/model.sdf
for exe in $(sed -n 's/^name = "\(.*\)" *# ros2 run.*/\1/p' "$repo/ros_nodes/embodied/Cargo.toml"); do
  check "lib/embodied_assistant/$exe"
done
check lib/embodied_assistant/embodied
# The launcher finds the installed package through AMENT_PREFIX_PATH, as ros2 launch does.
AMENT_PREFIX_PATH="$prefix" "$prefix/lib/embodied_assistant/embodied" launch --dry-run \
  "$prefix/share/embodied_assistant/launch/assistant.launch.xml" | sed 's/^/dry-run: /'
exit "$fail"
