#!/usr/bin/env python3
"""Cyclone DDS baseline for `embodied bench transport`: the same measurement as ours, done by
two Python processes over Cyclone DDS (C core), with `embodied_msgs/AudioChunk` samples.

Roles:
  sub: reads `rt/bench/audio`, stamps the arrival time, and at the end prints one JSON line with
       one-way latencies (arrival - header.stamp, same host clock) and the throughput phase.
  pub: latency phase: `--count` samples at `--rate` Hz; then a throughput phase: `--burst`
       samples back to back (reliable, so none is lost).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from cyclonedds.core import Policy, Qos
from cyclonedds.domain import DomainParticipant
from cyclonedds.internal import InvalidSample
from cyclonedds.pub import DataWriter
from cyclonedds.sub import DataReader
from cyclonedds.topic import Topic
from cyclonedds.util import duration

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rosidl import IdlClasses, load_definitions  # noqa: E402

TOPIC = "rt/bench/audio"
AUDIO = "embodied_msgs/msg/AudioChunk"


def qos(depth: int) -> Qos:
    return Qos(
        Policy.Reliability.Reliable(duration(seconds=5)),
        Policy.Durability.Volatile,
        Policy.History.KeepLast(depth),
        Policy.DataRepresentation(use_cdrv0_representation=True),
    )


def now_ns() -> int:
    return time.time_ns()


def run_pub(args, classes: IdlClasses, template: dict) -> int:
    cls = classes.get(AUDIO)
    dp = DomainParticipant(args.domain)
    writer = DataWriter(dp, Topic(dp, TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    deadline = time.monotonic() + 20
    while writer.get_matched_subscriptions() == [] and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # let the reliable handshake settle before timing
    template["data"] = [i % 251 for i in range(args.size)]
    message = classes.from_plain(AUDIO, template)  # built once; only the header changes

    def sample(seq: int, phase: int):
        t = now_ns()
        message.header.stamp.sec = t // 1_000_000_000
        message.header.stamp.nanosec = t % 1_000_000_000
        message.header.frame_id = f"{phase}:{seq}"
        return message

    period = 1.0 / args.rate
    next_at = time.monotonic()
    for seq in range(args.count):
        writer.write(sample(seq, 0))
        next_at += period
        time.sleep(max(0.0, next_at - time.monotonic()))
    for seq in range(args.burst):
        writer.write(sample(seq, 1))
    time.sleep(2.0)  # let the reader drain before the participant leaves
    return 0


def run_sub(args, classes: IdlClasses) -> int:
    cls = classes.get(AUDIO)
    dp = DomainParticipant(args.domain)
    reader = DataReader(dp, Topic(dp, TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    latencies_us: list[float] = []
    burst_first = burst_last = None
    burst_count = 0
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and burst_count < args.burst:
        for s in reader.take(N=64):
            if isinstance(s, InvalidSample):
                continue
            arrival = now_ns()
            phase = s.header.frame_id.split(":")[0]
            if phase == "0":
                sent = s.header.stamp.sec * 1_000_000_000 + s.header.stamp.nanosec
                latencies_us.append((arrival - sent) / 1000.0)
            else:
                burst_first = burst_first or arrival
                burst_last = arrival
                burst_count += 1
        time.sleep(0.0002)
    seconds = ((burst_last or 0) - (burst_first or 0)) / 1e9
    print(
        json.dumps(
            {
                "latencies_us": latencies_us,
                "burst_received": burst_count,
                "burst_seconds": seconds,
            }
        ),
        flush=True,
    )
    return 0


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("role", choices=["pub", "sub"])
    p.add_argument("--domain", type=int, default=int(os.environ.get("ROS_DOMAIN_ID", "0")))
    p.add_argument("--size", type=int, default=1024)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--rate", type=float, default=200.0)
    p.add_argument("--burst", type=int, default=2000)
    p.add_argument("--depth", type=int, default=50)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--golden-dir", type=Path, default=root / "msgs/tests/golden")
    args = p.parse_args()
    classes = IdlClasses(load_definitions())
    if args.role == "sub":
        return run_sub(args, classes)
    template = json.loads((args.golden_dir / "embodied_msgs/AudioChunk.json").read_text())
    return run_pub(args, classes, template)


if __name__ == "__main__":
    sys.exit(main())
