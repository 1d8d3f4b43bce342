#!/usr/bin/env python3
"""Cyclone DDS baseline for `embodied bench transport`: the same measurement as ours, done by
two Python processes over Cyclone DDS (C core), with `embodied_msgs/AudioChunk` samples.

Roles:
  sub: reads `rt/bench/audio`, stamps the arrival time, prints a `{"received": n}` line every
       100 samples and at the end one JSON line with one-way latencies (arrival - header.stamp,
       same host clock) and the throughput phase. It ends after the last burst sample, after
       5 s without a sample once the burst started, or at `--timeout`.
  pub: latency phase: `--count` samples at `--rate` Hz; then a throughput phase: `--burst`
       samples as fast as flow control allows (at most WINDOW ahead of the subscriber's
       acknowledgements on `rt/bench/ack`, so the keep-last reader never drops one).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import sys
import time
from pathlib import Path

from cyclonedds.core import InstanceState, Policy, Qos, ReadCondition, SampleState, ViewState, WaitSet
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
# The same protocol constants as ros_nodes/embodied/src/cli/bench_transport/protocol.rs.
IDLE_AFTER_BURST = 5.0  # seconds without a sample, once the burst started, ends the run
PROGRESS_EVERY = 100  # a {"received": n} line every this many samples
# Flow control of the throughput phase (see protocol.rs): the subscriber acknowledges every
# ACK_EVERY samples with frame_id "ack:{taken}" on ACK_TOPIC; the publisher stays at most
# WINDOW samples ahead, so the keep-last-50 reader never evicts an untaken sample.
ACK_TOPIC = "rt/bench/ack"
ACK_EVERY = 10
WINDOW = 40
ACK_TIMEOUT = 10.0
MATCH_TIMEOUT = 20.0


def qos(depth: int) -> Qos:
    return Qos(
        Policy.Reliability.Reliable(duration(seconds=5)),
        Policy.Durability.Volatile,
        Policy.History.KeepLast(depth),
        Policy.DataRepresentation(use_cdrv0_representation=True),
    )


def now_ns() -> int:
    return time.time_ns()


def wait_until(matched, what: str) -> None:
    deadline = time.monotonic() + MATCH_TIMEOUT
    while not matched():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench_peer pub: no {what} matched within {MATCH_TIMEOUT} s")
        time.sleep(0.01)


def run_pub(args, classes: IdlClasses, template: dict) -> int:
    cls = classes.get(AUDIO)
    dp = DomainParticipant(args.domain)
    writer = DataWriter(dp, Topic(dp, TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    acks = DataReader(dp, Topic(dp, ACK_TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    ack_condition = ReadCondition(acks, ViewState.Any | InstanceState.Any | SampleState.NotRead)
    ack_waitset = WaitSet(dp)
    ack_waitset.attach(ack_condition)
    wait_until(lambda: writer.get_matched_subscriptions() != [], "subscription")
    wait_until(lambda: acks.get_matched_publications() != [], "acknowledging publisher")
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
    acknowledged = 0
    for seq in range(args.burst):
        while seq >= acknowledged + WINDOW:
            if ack_waitset.wait(duration(seconds=ACK_TIMEOUT)) == 0:
                raise SystemExit(
                    f"bench_peer pub: no acknowledgement within {ACK_TIMEOUT} s at sample {seq}"
                )
            for ack in acks.take(N=64, condition=ack_condition):
                if isinstance(ack, InvalidSample) or not ack.header.frame_id.startswith("ack:"):
                    continue
                acknowledged = max(acknowledged, int(ack.header.frame_id[4:]))
        writer.write(sample(seq, 1))
    time.sleep(2.0)  # let the reader drain before the participant leaves
    return 0


def run_sub(args, classes: IdlClasses, ack_template: dict) -> int:
    cls = classes.get(AUDIO)
    dp = DomainParticipant(args.domain)
    reader = DataReader(dp, Topic(dp, TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    ack_writer = DataWriter(dp, Topic(dp, ACK_TOPIC, cls, qos=qos(args.depth)), qos=qos(args.depth))
    ack = classes.from_plain(AUDIO, ack_template)
    # Woken by arrivals (no polling delay): a WaitSet on "any sample not yet read".
    condition = ReadCondition(reader, ViewState.Any | InstanceState.Any | SampleState.NotRead)
    waitset = WaitSet(dp)
    waitset.attach(condition)
    latencies_us: list[float] = []
    burst_first = burst_last = None
    burst_count = received = 0
    complete = False
    deadline = time.monotonic() + args.timeout
    while not complete:
        left = deadline - time.monotonic()
        # Once the burst started, an idle gap means its last sample was lost.
        wait = min(left, IDLE_AFTER_BURST) if burst_first is not None else left
        if wait <= 0 or waitset.wait(duration(seconds=wait)) == 0:
            break
        for s in reader.take(N=64, condition=condition):
            if isinstance(s, InvalidSample):
                continue
            arrival = now_ns()
            label = s.header.frame_id.split(":")
            if len(label) != 2 or label[0] not in ("0", "1") or not label[1].isdigit():
                continue
            phase, seq = label[0], int(label[1])
            if phase == "0":
                sent = s.header.stamp.sec * 1_000_000_000 + s.header.stamp.nanosec
                latencies_us.append((arrival - sent) / 1000.0)
            else:
                burst_first = burst_first or arrival
                burst_last = arrival
                burst_count += 1
                complete = complete or seq + 1 == args.burst
                if burst_count % ACK_EVERY == 0:
                    ack.header.frame_id = f"ack:{burst_count}"
                    ack_writer.write(ack)
            received += 1
            if received % PROGRESS_EVERY == 0:
                print(json.dumps({"received": received}), flush=True)
    seconds = ((burst_last or 0) - (burst_first or 0)) / 1e9
    print(
        json.dumps(
            {
                "latencies_us": latencies_us,
                "burst_received": burst_count,
                "burst_seconds": seconds,
                "implementation": implementation(),
            }
        ),
        flush=True,
    )
    return 0


def implementation() -> str:
    try:
        version = importlib.metadata.version("cyclonedds")
    except importlib.metadata.PackageNotFoundError:
        version = "(version unknown)"
    # uint8[] is a Python list of ints in cyclonedds-python (a `bytes` field would be one copy,
    # but its XTypes type object cannot be built), so large payloads cost Python time here.
    return f"Cyclone DDS (C core) via cyclonedds-python {version}, Python {platform.python_version()}"


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
    template = json.loads((args.golden_dir / "embodied_msgs/AudioChunk.json").read_text())
    if args.role == "sub":
        template["data"] = []
        return run_sub(args, classes, template)
    return run_pub(args, classes, template)


if __name__ == "__main__":
    sys.exit(main())
