#!/usr/bin/env python3
"""Foreign DDS peer for the simulator interop test (Cyclone DDS, independent of our stack).

Reads `/odom` and `/scan` as a ROS 2 node behind Gazebo's bridge would: first at rest, where the
scan must equal the expected ranges (computed by the test from the same world) and the odometry
must sit at the spawn pose in frames odom -> base_link; then it publishes `/cmd_vel` and the
odometry must move (0.5 m) at the commanded speed. Prints one JSON report; exit status 0 when
every check passed.
"""

from __future__ import annotations

import argparse
import json
import math
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

XCDR1 = Policy.DataRepresentation(use_cdrv0_representation=True)
# rclcpp's SensorDataQoS, what /odom and /scan use.
SENSOR = Qos(Policy.Reliability.BestEffort, Policy.Durability.Volatile, Policy.History.KeepLast(5), XCDR1)
RELIABLE = Qos(Policy.Reliability.Reliable(duration(seconds=1)), Policy.Durability.Volatile, Policy.History.KeepLast(10), XCDR1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=int, default=int(os.environ.get("ROS_DOMAIN_ID", "0")))
    parser.add_argument("--expected", type=Path, required=True, help="JSON: spawn pose and scan at rest")
    parser.add_argument("--speed", type=float, default=0.3, help="commanded forward speed, m/s")
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args()
    expected = json.loads(args.expected.read_text())

    classes = IdlClasses(load_definitions())
    odom_type = classes.get("nav_msgs/msg/Odometry")
    scan_type = classes.get("sensor_msgs/msg/LaserScan")
    twist_type = classes.get("geometry_msgs/msg/Twist")
    participant = DomainParticipant(args.domain)
    odom_reader = DataReader(participant, Topic(participant, "rt/odom", odom_type, qos=SENSOR), qos=SENSOR)
    scan_reader = DataReader(participant, Topic(participant, "rt/scan", scan_type, qos=SENSOR), qos=SENSOR)
    cmd_writer = DataWriter(participant, Topic(participant, "rt/cmd_vel", twist_type, qos=RELIABLE), qos=RELIABLE)

    failures: list[str] = []
    checks: dict[str, object] = {}
    rest_odom = None
    rest_scan = None
    moving_odom = None
    deadline = time.monotonic() + args.timeout
    last_command = 0.0
    print(f"peer: domain {args.domain}, waiting for /odom and /scan", flush=True)
    while time.monotonic() < deadline and moving_odom is None:
        for sample in odom_reader.take(N=16):
            if isinstance(sample, InvalidSample):
                continue
            if rest_odom is None:
                rest_odom = sample
            elif rest_scan is not None:
                moved = math.hypot(
                    sample.pose.pose.position.x - rest_odom.pose.pose.position.x,
                    sample.pose.pose.position.y - rest_odom.pose.pose.position.y,
                )
                if moved > 0.5 and sample.twist.twist.linear.x > 0.9 * args.speed:
                    moving_odom = sample
        for sample in scan_reader.take(N=4):
            if not isinstance(sample, InvalidSample) and rest_scan is None:
                rest_scan = sample
        now = time.monotonic()
        if rest_odom is not None and rest_scan is not None and now - last_command > 0.1:
            cmd = twist_type(
                linear=classes.from_plain("geometry_msgs/msg/Vector3", {"x": args.speed, "y": 0.0, "z": 0.0}),
                angular=classes.from_plain("geometry_msgs/msg/Vector3", {"x": 0.0, "y": 0.0, "z": 0.0}),
            )
            cmd_writer.write(cmd)
            last_command = now
        time.sleep(0.005)

    if rest_odom is None or rest_scan is None:
        failures.append("no /odom or /scan at rest")
    else:
        spawn = expected["spawn"]
        position = rest_odom.pose.pose.position
        checks["odom_frames"] = [rest_odom.header.frame_id, rest_odom.child_frame_id]
        if checks["odom_frames"] != ["odom", "base_link"]:
            failures.append(f"odom frames {checks['odom_frames']}")
        if abs(position.x - spawn[0]) > 1e-6 or abs(position.y - spawn[1]) > 1e-6:
            failures.append(f"odom at rest {position.x}, {position.y} is not the spawn {spawn}")
        scan = expected["scan"]
        checks["scan_frame"] = rest_scan.header.frame_id
        checks["scan_samples"] = len(rest_scan.ranges)
        if rest_scan.header.frame_id != scan["frame_id"]:
            failures.append(f"scan frame {rest_scan.header.frame_id} != {scan['frame_id']}")
        for field in ("angle_min", "angle_max", "angle_increment", "range_min", "range_max"):
            if not math.isclose(getattr(rest_scan, field), scan[field], rel_tol=1e-6, abs_tol=1e-6):
                failures.append(f"scan {field} {getattr(rest_scan, field)} != {scan[field]}")
        if len(rest_scan.ranges) != len(scan["ranges"]):
            failures.append(f"scan has {len(rest_scan.ranges)} ranges, expected {len(scan['ranges'])}")
        else:
            worst = 0.0
            for got, want in zip(rest_scan.ranges, scan["ranges"]):
                want = math.inf if want is None else want
                if math.isinf(want) or math.isinf(got):
                    if got != want:
                        worst = math.inf
                else:
                    worst = max(worst, abs(got - want))
            checks["scan_worst_error_m"] = worst
            if worst > 1e-4:
                failures.append(f"scan differs from the expected ranges by up to {worst} m")
    if moving_odom is None:
        failures.append("/odom did not move forward after /cmd_vel")
    else:
        checks["moving_speed_mps"] = moving_odom.twist.twist.linear.x
        checks["moved_m"] = math.hypot(
            moving_odom.pose.pose.position.x - rest_odom.pose.pose.position.x,
            moving_odom.pose.pose.position.y - rest_odom.pose.pose.position.y,
        )

    report = {"ok": not failures, "failures": failures, "checks": checks}
    print("peer report: " + json.dumps(report), flush=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
