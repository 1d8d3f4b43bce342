#!/usr/bin/env bash
# Runs a command inside a private network namespace whose only interface is loopback, with
# multicast routed on it, so DDS discovery works and no packet can leave the machine
# (architecture.md, "Transport"). Usage: scripts/netns.sh COMMAND [ARGS...]
set -euo pipefail
if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
if [ "${EMBODIED_IN_NETNS:-}" = 1 ]; then
  exec "$@"
fi
# -r maps us to root inside a user namespace where plain `unshare -n` is not permitted.
if unshare -n true 2>/dev/null; then flags=(-n); else flags=(-r -n); fi
exec unshare "${flags[@]}" env EMBODIED_IN_NETNS=1 bash -c '
  set -e
  ip link set lo up
  ip link set lo multicast on
  ip route add 224.0.0.0/4 dev lo
  exec "$@"' netns "$@"
