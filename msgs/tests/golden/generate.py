#!/usr/bin/env python3
"""Golden CDR fixtures for every type of the embodied_msgs crate, made with rosbags.

rosbags (PyPI) is an independent, pure-Python ROS 2 CDR implementation. For every interface
type (our msg/srv/action files and the standard types mirrored in ros2_std/) this script builds
a deterministic, non-trivial sample value from the type's schema and writes

    tests/golden/<package>/<Name>.json      the value, field names as in the .msg file
    tests/golden/<package>/<Name>.cdr.hex   rosbags' serialize_cdr bytes (header 00 01 00 00)
    tests/golden/<package>/<Name>.constants.json   the constants as rosidl_adapter reads them
    tests/golden/<package>/<Name>.defaults.json    explicit field defaults, as rosidl_adapter
                                            reads them (both only where the type has any)

where <Name> is the ROS name within the package (`AudioChunk`, `Remember_Request`,
`ExecuteTask_Goal`). The test-only package tests/interfaces/codegen_test_msgs gets fixtures too. It also fails if any ros2_std definition differs from rosbags'
ROS2_JAZZY typestore (field names, types and order, constants), and checks every file with
ROS 2's own parser, rosidl_adapter (PyPI `ros-jazzy-rosidl-adapter`): it must accept the file
and read the same fields and constants as rosbags.

Usage:
    (needs a venv with: pip install rosbags ros-jazzy-rosidl-adapter)
    generate.py           regenerate the fixtures in place
    generate.py --check   regenerate into a temporary directory and fail on any difference
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from rosbags.typesys import Stores, get_typestore, get_types_from_msg
from rosbags.typesys.base import Nodetype

try:
    from rosidl_adapter.parser import parse_message_string as rosidl_parse_message
except ImportError:  # reported in main(), so --help still works
    rosidl_parse_message = None

GOLDEN_DIR = Path(__file__).resolve().parent
MSGS_DIR = GOLDEN_DIR.parents[1]
OWN_PACKAGE = "embodied_msgs"
# Interface packages defined here: the real one, and a test-only package that exercises every
# feature of the Rust code generator (checked by unit tests in src/codegen_samples.rs).
OWN_PACKAGES = {
    OWN_PACKAGE: MSGS_DIR,
    "codegen_test_msgs": MSGS_DIR / "tests" / "interfaces" / "codegen_test_msgs",
}
SECTION_SUFFIXES = {
    "msg": [""],
    "srv": ["_Request", "_Response"],
    "action": ["_Goal", "_Result", "_Feedback"],
}
EMPTY_MEMBER = ("structure_needs_at_least_one_member", (Nodetype.BASE, ("uint8", 0)))

NUMPY_DTYPES = {
    "bool": np.bool_,
    "byte": np.uint8,
    "char": np.uint8,
    "uint8": np.uint8,
    "int8": np.int8,
    "int16": np.int16,
    "uint16": np.uint16,
    "int32": np.int32,
    "uint32": np.uint32,
    "int64": np.int64,
    "uint64": np.uint64,
    "float32": np.float32,
    "float64": np.float64,
}


class DefinitionError(Exception):
    """An interface file that cannot be used, or a standard type that differs from Jazzy."""


def split_sections(text: str) -> list[str]:
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == "---":
            sections.append([])
        else:
            sections[-1].append(line)
    return ["\n".join(lines) + "\n" for lines in sections]


def interface_sources() -> list[tuple[str, str, bool]]:
    """(ROS type name, .msg-format text, is_standard) for every type, sorted by name."""
    sources: list[tuple[str, str, bool]] = []
    for package, package_dir in OWN_PACKAGES.items():
        for kind, suffixes in SECTION_SUFFIXES.items():
            for path in sorted((package_dir / kind).glob(f"*.{kind}")):
                sections = split_sections(path.read_text(encoding="utf-8"))
                if len(sections) != len(suffixes):
                    raise DefinitionError(f"{path}: expected {len(suffixes)} sections, found {len(sections)}")
                for suffix, text in zip(suffixes, sections):
                    sources.append((f"{package}/{kind}/{path.stem}{suffix}", text, False))
    for path in sorted((MSGS_DIR / "ros2_std").glob("*/msg/*.msg")):
        package = path.parent.parent.name
        sources.append((f"{package}/msg/{path.stem}", path.read_text(encoding="utf-8"), True))
    # Standard services and actions (action_msgs/CancelGoal, nav2_msgs/NavigateToPose): rosbags'
    # typestore holds messages only, so these are checked by rosidl_adapter, not against Jazzy.
    for kind in ("srv", "action"):
        suffixes = SECTION_SUFFIXES[kind]
        for path in sorted((MSGS_DIR / "ros2_std").glob(f"*/{kind}/*.{kind}")):
            package = path.parent.parent.name
            sections = split_sections(path.read_text(encoding="utf-8"))
            if len(sections) != len(suffixes):
                raise DefinitionError(f"{path}: expected {len(suffixes)} sections, found {len(sections)}")
            for suffix, text in zip(suffixes, sections):
                sources.append((f"{package}/{kind}/{path.stem}{suffix}", text, False))
    return sorted(sources)


def parse_definition(typename: str, text: str) -> tuple[list, list]:
    """Parse .msg text with rosbags; srv/action sections are parsed as messages of the same
    package (bare type names then resolve to `<package>/msg/<Type>`, as in ROS 2)."""
    package, _kind, name = typename.split("/")
    parsed = get_types_from_msg(text, f"{package}/msg/{name}")
    return parsed[f"{package}/msg/{name}"]


def normalized_fields(fields: list) -> list:
    return list(fields) if fields else [EMPTY_MEMBER]


def check_standard_definitions(store, sources) -> None:
    problems = []
    for typename, text, is_standard in sources:
        if not is_standard:
            continue
        if typename not in store.fielddefs:
            problems.append(f"{typename}: not in rosbags' ROS2_JAZZY typestore")
            continue
        ours_consts, ours_fields = parse_definition(typename, text)
        jazzy_consts, jazzy_fields = store.fielddefs[typename]
        if normalized_fields(ours_fields) != normalized_fields(jazzy_fields):
            problems.append(f"{typename}: fields differ from Jazzy\n  ours:  {ours_fields}\n  jazzy: {jazzy_fields}")
        if list(ours_consts) != list(jazzy_consts):
            problems.append(f"{typename}: constants differ from Jazzy\n  ours:  {ours_consts}\n  jazzy: {jazzy_consts}")
    if problems:
        raise DefinitionError("\n".join(problems))


def rosbags_type_text(desc) -> str:
    """rosbags' field description in rosidl's spelling (`uint8[]`, `string<=5[<=3]`, `pkg/Type`)."""
    node, detail = desc
    if node == Nodetype.BASE:
        type_name, bound = detail
        return f"{type_name}<={bound}" if bound else type_name
    if node == Nodetype.NAME:
        package, _kind, name = detail.split("/")
        return f"{package}/{name}"
    element, size = detail
    inner = rosbags_type_text(element)
    if node == Nodetype.ARRAY:
        return f"{inner}[{size}]"
    return f"{inner}[<={size}]" if size else f"{inner}[]"


def rosidl_type_text(type_text: str) -> str:
    # rosidl_adapter keeps the `Header` shorthand as `<this package>/Header`; ROS 2 means std_msgs.
    package, sep, rest = type_text.partition("/")
    if sep and package != "std_msgs" and (rest == "Header" or rest.startswith("Header[")):
        return f"std_msgs/{rest}"
    return type_text


def check_with_rosidl(sources) -> None:
    """ROS 2's own .msg parser must accept every definition and agree with rosbags on it."""
    problems = []
    for typename, text, _is_standard in sources:
        package, _kind, name = typename.split("/")
        try:
            spec = rosidl_parse_message(package, name, text)
        except Exception as err:  # rosidl_adapter raises several exception types
            problems.append(f"{typename}: rosidl_adapter rejects it: {err}")
            continue
        rosidl_fields = [(f.name, rosidl_type_text(str(f.type))) for f in spec.fields]
        # Constants do not travel on the wire; their reference is rosidl (see rosidl_constants).
        _consts, fields = parse_definition(typename, text)
        rosbags_fields = [(n, rosbags_type_text(d)) for n, d in fields]
        if rosidl_fields != rosbags_fields:
            problems.append(f"{typename}: rosidl and rosbags read different fields\n  rosidl:  {rosidl_fields}\n  rosbags: {rosbags_fields}")
    if problems:
        raise DefinitionError("\n".join(problems))


def rosidl_constants(typename: str, text: str) -> list[dict[str, Any]]:
    """Constants as ROS 2 reads them (rosbags does not unescape quotes in string constants)."""
    package, _kind, name = typename.split("/")
    spec = rosidl_parse_message(package, name, text)
    return [{"name": c.name, "type": c.type, "value": c.value} for c in spec.constants]


def rosidl_defaults(typename: str, text: str) -> dict[str, Any]:
    """Explicit field defaults as ROS 2 reads them, with the field's type."""
    package, _kind, name = typename.split("/")
    spec = rosidl_parse_message(package, name, text)
    return {
        f.name: {"type": str(f.type), "value": f.default_value}
        for f in spec.fields
        if f.default_value is not None
    }


def build_store(sources):
    store = get_typestore(Stores.ROS2_JAZZY)
    check_with_rosidl(sources)
    check_standard_definitions(store, sources)
    own = {}
    for typename, text, is_standard in sources:
        if not is_standard:
            own[typename] = parse_definition(typename, text)
    store.register(own)
    return store


class Sampler:
    """Deterministic sample values derived from the schema: a running counter makes every leaf
    distinct and non-zero; strings are non-ASCII; sequences are non-empty."""

    def __init__(self, store):
        self.store = store
        self.counter = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def scalar(self, type_name: str, bound: int, field: str) -> Any:
        k = self._next()
        sign = -1 if k % 2 else 1
        if type_name == "bool":
            return k % 2 == 1
        if type_name in ("byte", "char"):
            # rosbags packs these as signed 8-bit, ROS 2 as unsigned: stay in the common range.
            return (k * 29) % 127 + 1
        if type_name == "uint8":
            return (k * 29) % 250 + 1
        if type_name == "int8":
            return sign * ((k * 7) % 120 + 1)
        if type_name == "int16":
            return sign * ((k * 263) % 30000 + 1)
        if type_name == "uint16":
            return (k * 263) % 60000 + 1
        if type_name == "int32":
            if field == "sec":
                return 1_700_000_000 + k  # plausible time stamps
            return sign * ((k * 100_003) % 2_000_000_000 + 1)
        if type_name == "uint32":
            if field == "nanosec":
                return (k * 123_456_789) % 1_000_000_000 or 1
            return (k * 2_654_435_761) % 4_000_000_000 + 1
        if type_name == "int64":
            return sign * (k * 10**12 + 123_456_789)
        if type_name == "uint64":
            return k * 10**13 + 987_654_321
        # Dyadic fractions survive every decimal round trip exactly (JSON, f32).
        if type_name == "float32":
            return sign * (k * 0.25 + 0.5)
        if type_name == "float64":
            return sign * (k * 1.125 + 0.0625)
        if type_name == "string":
            if bound:
                return f"s{k}"[:bound]
            return f"{field} #{k}: héllo wörld, 機器人 🤖"
        raise DefinitionError(f"no sample rule for builtin type {type_name}")

    def sequence_length(self, element_desc, bound: int) -> int:
        node, detail = element_desc
        octets = node == Nodetype.BASE and detail[0] in ("uint8", "byte", "char")
        # Odd byte counts exercise alignment padding after the sequence.
        length = 7 if octets else 3
        return min(length, bound) if bound else length

    def field(self, desc, field: str) -> tuple[Any, Any]:
        """(rosbags value, JSON value) for one field description."""
        node, detail = desc
        if node == Nodetype.BASE:
            value = self.scalar(detail[0], detail[1], field)
            return value, value
        if node == Nodetype.NAME:
            return self.message(detail)
        if node in (Nodetype.ARRAY, Nodetype.SEQUENCE):
            element_desc, size = detail
            count = size if node == Nodetype.ARRAY else self.sequence_length(element_desc, size)
            items = [self.field(element_desc, field) for _ in range(count)]
            values = [v for v, _ in items]
            json_values = [j for _, j in items]
            element_node, element_detail = element_desc
            if element_node == Nodetype.BASE and element_detail[0] in NUMPY_DTYPES:
                return np.array(values, dtype=NUMPY_DTYPES[element_detail[0]]), json_values
            return values, json_values
        raise DefinitionError(f"{field}: unsupported field description {desc}")

    def message(self, typename: str) -> tuple[Any, dict]:
        _consts, fields = self.store.fielddefs[typename]
        kwargs: dict[str, Any] = {}
        as_json: dict[str, Any] = {}
        for name, desc in normalized_fields(fields):
            if (name, desc) == EMPTY_MEMBER:
                value = json_value = 0  # the placeholder byte of an empty message is always 0
            else:
                value, json_value = self.field(desc, name)
            if fields:  # rosbags adds the placeholder itself for types registered without fields
                kwargs[name] = value
            as_json[name] = json_value
        return self.store.types[typename](**kwargs), as_json


def hex_lines(data: bytes, width: int = 32) -> str:
    return "".join(data[i : i + width].hex() + "\n" for i in range(0, len(data), width))


def write_fixtures(out_dir: Path) -> int:
    sources = interface_sources()
    store = build_store(sources)
    for typename, text, _std in sources:
        package, _kind, name = typename.split("/")
        value, as_json = Sampler(store).message(typename)
        data = bytes(store.serialize_cdr(value, typename))
        if data[:4] != b"\x00\x01\x00\x00":
            raise DefinitionError(f"{typename}: unexpected encapsulation header {data[:4].hex()}")
        # rosbags must read its own bytes back to the same value.
        store.deserialize_cdr(data, typename)
        target = out_dir / package
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.json").write_text(
            json.dumps(as_json, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (target / f"{name}.cdr.hex").write_text(hex_lines(data), encoding="utf-8")
        defaults = rosidl_defaults(typename, text)
        if defaults:
            (target / f"{name}.defaults.json").write_text(
                json.dumps(defaults, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        constants = rosidl_constants(typename, text)
        if constants:
            (target / f"{name}.constants.json").write_text(
                json.dumps(constants, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
    return len(sources)


def fixture_files(root: Path) -> set[Path]:
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and (p.name.endswith(".json") or p.name.endswith(".hex"))
    }


def check(out_dir: Path) -> list[str]:
    expected = fixture_files(out_dir)
    actual = fixture_files(GOLDEN_DIR)
    problems = [f"missing: {p}" for p in sorted(expected - actual)]
    problems += [f"stale (no such type): {p}" for p in sorted(actual - expected)]
    for rel in sorted(expected & actual):
        if not filecmp.cmp(out_dir / rel, GOLDEN_DIR / rel, shallow=False):
            problems.append(f"differs: {rel}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the checked-in fixtures are not up to date")
    args = parser.parse_args()
    if rosidl_parse_message is None:
        print(
            "error: rosidl_adapter is missing: .venv/bin/pip install rosbags ros-jazzy-rosidl-adapter",
            file=sys.stderr,
        )
        return 1
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                count = write_fixtures(Path(tmp))
                problems = check(Path(tmp))
            if problems:
                print("golden fixtures are out of date (run msgs/tests/golden/generate.py):", file=sys.stderr)
                for p in problems:
                    print(f"  {p}", file=sys.stderr)
                return 1
            print(f"golden fixtures up to date: {count} types")
            return 0
        for stale in fixture_files(GOLDEN_DIR):
            (GOLDEN_DIR / stale).unlink()
        count = write_fixtures(GOLDEN_DIR)
        print(f"wrote fixtures for {count} types to {GOLDEN_DIR}")
        return 0
    except DefinitionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
