#!/bin/sh
# Runs the DDS tests of embodied_runtime (tests/dds.rs, `#[ignore = "needs netns"]`) inside the
# private network namespace of scripts/netns.sh (loopback only, multicast on), so DDS discovery
# works and no packet leaves the machine (ros2.md §3.6).
#
# Usage: ros_nodes/runtime/tests/run_dds_tests.sh [test name filter and test-binary flags...]
# Build first (needs crates.io), then run offline inside the namespace (which has no network).
set -eu
cd "$(dirname "$0")/../../.."

cargo test -p embodied_runtime --test dds --no-run
exec scripts/netns.sh cargo test --offline -p embodied_runtime --test dds -- --ignored --test-threads=1 "$@"
