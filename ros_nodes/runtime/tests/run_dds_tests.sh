#!/bin/sh
# Runs the DDS tests of embodied_runtime (tests/dds.rs, `#[ignore = "needs netns"]`) inside a
# private network namespace whose only interface is loopback with multicast enabled, so DDS
# discovery works and no packet leaves the machine (ros2.md §3.6).
#
# Usage: ros_nodes/runtime/tests/run_dds_tests.sh [test name filter and test-binary flags...]
# Build first (needs crates.io), then run offline inside the namespace (which has no network).
set -eu
cd "$(dirname "$0")/../../.."

cargo test -p embodied_runtime --test dds --no-run

# `unshare -rn` maps the caller to root in a new user namespace; plain root can use `-n`.
if unshare -rn true 2>/dev/null; then
    UNSHARE="unshare -rn"
else
    UNSHARE="unshare -n"
fi

# shellcheck disable=SC2086 # UNSHARE holds the command and its flag
exec $UNSHARE sh -c '
    set -eu
    ip link set lo up
    ip link set lo multicast on
    ip route add 224.0.0.0/4 dev lo
    exec cargo test --offline -p embodied_runtime --test dds -- --ignored --test-threads=1 "$@"
' sh "$@"
