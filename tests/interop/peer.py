#!/usr/bin/env python3
"""Foreign DDS peer for the wire-interop test (Cyclone DDS, an implementation independent of ours).

For every interface type that has a golden sample, it reads `rt/interop/<pkg>/<Name>/ping`,
checks the value against the golden sample, and writes the same value back on `.../pong`, where
the Rust side checks it again. It also reads `ros_discovery_info` (what `ros2 node list` reads)
and checks that the Rust node appears with the expected name and namespace.
Exit status 0 when every type round-tripped with equal values and the node was seen.
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
from cyclonedds.idl import make_idl_struct
from cyclonedds.idl import types as idl
from cyclonedds.internal import InvalidSample
from cyclonedds.pub import DataWriter
from cyclonedds.sub import DataReader
from cyclonedds.topic import Topic
from cyclonedds.util import duration

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rosidl import IdlClasses, differences, load_definitions, to_plain  # noqa: E402

# Plain CDR (XCDR1): RustDDS does not speak XCDR2 (ros2.md §1.7).
XCDR1 = Policy.DataRepresentation(use_cdrv0_representation=True)
RELIABLE = Qos(
    Policy.Reliability.Reliable(duration(seconds=1)),
    Policy.Durability.Volatile,
    Policy.History.KeepLast(10),
    XCDR1,
)
LATCHED = Qos(
    Policy.Reliability.Reliable(duration(seconds=1)),
    Policy.Durability.TransientLocal,
    Policy.History.KeepLast(1),
    XCDR1,
)


def graph_types(gid_size: int):
    """rmw_dds_common graph messages; Gid is 16 bytes from Iron on, 24 up to Humble."""
    gid = make_idl_struct("Gid", "rmw_dds_common::msg::dds_::Gid_", {"data": idl.array[idl.uint8, gid_size]})
    node = make_idl_struct(
        "NodeEntitiesInfo",
        "rmw_dds_common::msg::dds_::NodeEntitiesInfo_",
        {
            "node_namespace": str,
            "node_name": str,
            "reader_gid_seq": idl.sequence[gid],
            "writer_gid_seq": idl.sequence[gid],
        },
    )
    participant = make_idl_struct(
        "ParticipantEntitiesInfo",
        "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_",
        {"gid": gid, "node_entities_info_seq": idl.sequence[node]},
    )
    return participant


def find_types(definitions, golden_dir: Path) -> dict[str, dict]:
    """ROS type name -> golden plain value, for every golden sample on disk."""
    out = {}
    for path in sorted(golden_dir.glob("*/*.json")):
        pkg, name = path.parent.name, path.stem
        if "." in name or pkg == "codegen_test_msgs":  # constants/defaults side files; test-only package
            continue
        for kind in ("msg", "srv", "action"):
            ros_type = f"{pkg}/{kind}/{name}"
            if ros_type in definitions:
                out[ros_type] = json.loads(path.read_text())
                break
        else:
            raise SystemExit(f"golden sample {path} matches no known interface type")
    return out


def topic_base(ros_type: str) -> str:
    pkg, _kind, name = ros_type.split("/")
    return f"rt/interop/{pkg}/{name}"


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=int, default=int(os.environ.get("ROS_DOMAIN_ID", "0")))
    parser.add_argument("--golden-dir", type=Path, default=root / "msgs/tests/golden")
    parser.add_argument("--expect-node", required=True, help="node name, e.g. interop_node")
    parser.add_argument("--expect-namespace", required=True, help="namespace, e.g. /robot1")
    parser.add_argument("--gid-size", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--linger", type=float, default=3.0, help="seconds to keep echoing after success")
    args = parser.parse_args()

    definitions = load_definitions()
    classes = IdlClasses(definitions)
    golden = find_types(definitions, args.golden_dir)
    participant = DomainParticipant(args.domain)

    endpoints = {}
    for ros_type in golden:
        cls = classes.get(ros_type)
        base = topic_base(ros_type)
        reader = DataReader(participant, Topic(participant, f"{base}/ping", cls, qos=RELIABLE), qos=RELIABLE)
        writer = DataWriter(participant, Topic(participant, f"{base}/pong", cls, qos=RELIABLE), qos=RELIABLE)
        endpoints[ros_type] = (reader, writer)

    info_type = graph_types(args.gid_size)
    info_reader = DataReader(participant, Topic(participant, "ros_discovery_info", info_type, qos=LATCHED), qos=LATCHED)

    matched: set[str] = set()
    mismatched: dict[str, list[str]] = {}
    nodes_seen: set[tuple[str, str]] = set()
    expected_node = (args.expect_namespace, args.expect_node)
    deadline = time.monotonic() + args.timeout
    done_at = None
    print(f"peer: domain {args.domain}, {len(golden)} types, waiting for node {expected_node}", flush=True)
    while time.monotonic() < deadline:
        for ros_type, (reader, writer) in endpoints.items():
            for sample in reader.take(N=16):
                if isinstance(sample, InvalidSample):  # a writer left: no payload
                    continue
                diff = differences(golden[ros_type], to_plain(sample))
                if diff:
                    mismatched[ros_type] = diff
                else:
                    matched.add(ros_type)
                    mismatched.pop(ros_type, None)
                writer.write(sample)
        for info in info_reader.take(N=16):
            if isinstance(info, InvalidSample):
                continue
            for node in info.node_entities_info_seq:
                nodes_seen.add((node.node_namespace, node.node_name))
        if done_at is None and len(matched) == len(golden) and expected_node in nodes_seen:
            print(f"peer: all {len(golden)} types matched; node {expected_node} seen", flush=True)
            done_at = time.monotonic()
        if done_at is not None and time.monotonic() - done_at > args.linger:
            break
        time.sleep(0.01)

    ok = len(matched) == len(golden) and expected_node in nodes_seen
    report = {
        "ok": ok,
        "types": len(golden),
        "matched": len(matched),
        "missing": sorted(set(golden) - matched - set(mismatched)),
        "mismatched": mismatched,
        "nodes_seen": sorted(f"{ns.rstrip('/')}/{n}" for ns, n in nodes_seen),
    }
    print("peer report: " + json.dumps(report), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
