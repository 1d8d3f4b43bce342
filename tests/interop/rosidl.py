"""ROS 2 interface definitions for the Python test peers, read from our `.msg` files.

Our own types come from msgs/{msg,srv,action}; the standard ones from rosbags' Jazzy typestore,
an implementation independent of ours. From these field definitions we build Cyclone DDS IDL
classes at run time, so the `.msg` files stay the single source of truth here too.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path
from typing import Any

from cyclonedds.idl import IdlStruct, make_idl_struct
from cyclonedds.idl import types as idl
from rosbags.typesys import Stores, get_typestore
from rosbags.typesys.base import Nodetype

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "msgs" / "tests" / "golden"))
from generate import interface_sources, parse_definition  # noqa: E402

# ROS 2 primitive -> Cyclone IDL annotation (ROS `byte` and `char` are both octets on the wire).
_BASE = {
    "bool": bool,
    "byte": idl.uint8,
    "char": idl.uint8,
    "int8": idl.int8,
    "uint8": idl.uint8,
    "int16": idl.int16,
    "uint16": idl.uint16,
    "int32": idl.int32,
    "uint32": idl.uint32,
    "int64": idl.int64,
    "uint64": idl.uint64,
    "float32": idl.float32,
    "float64": idl.float64,
    "string": str,
    "wstring": str,
}


def load_definitions() -> dict[str, Any]:
    """Field definitions by ROS type name: rosbags' Jazzy store plus every interface of ours
    (msg, srv parts, action parts), parsed by the golden-fixture generator's own loader."""
    store = get_typestore(Stores.ROS2_JAZZY)
    definitions = dict(store.fielddefs)
    for ros_type, text, is_standard in interface_sources():
        if not is_standard:
            definitions[ros_type] = parse_definition(ros_type, text)
    return definitions


def dds_type_name(ros_type: str) -> str:
    """`std_msgs/msg/String` -> `std_msgs::msg::dds_::String_` (what rmw puts on the wire)."""
    pkg, kind, name = ros_type.split("/")
    return f"{pkg}::{kind}::dds_::{name}_"


class IdlClasses:
    """Cyclone IDL classes built on demand from field definitions (see load_definitions)."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self._classes: dict[str, type[IdlStruct]] = {}

    def _annotation(self, node) -> Any:
        kind, detail = node
        if kind == Nodetype.BASE:
            name, bound = detail
            if name == "string" and bound:
                return idl.bounded_str[bound]
            return _BASE[name]
        if kind == Nodetype.NAME:
            return self.get(detail)
        if kind == Nodetype.ARRAY:
            inner, length = detail
            return idl.array[self._annotation(inner), length]
        if kind == Nodetype.SEQUENCE:
            inner, bound = detail
            inner_annotation = self._annotation(inner)
            return idl.sequence[inner_annotation, bound] if bound else idl.sequence[inner_annotation]
        raise ValueError(f"unsupported field node {node!r}")

    def get(self, ros_type: str) -> type[IdlStruct]:
        if ros_type not in self._classes:
            _consts, fields = self.definitions[ros_type]
            annotations = {name: self._annotation(node) for name, node in fields}
            if not annotations:  # rmw's rule for empty messages
                annotations = {"structure_needs_at_least_one_member": idl.uint8}
            class_name = ros_type.replace("/", "_")
            self._classes[ros_type] = make_idl_struct(class_name, dds_type_name(ros_type), annotations)
        return self._classes[ros_type]

    def from_plain(self, ros_type: str, value: dict) -> IdlStruct:
        """Builds an IDL sample from a plain JSON-like dict (field names as in the .msg)."""
        _consts, fields = self.definitions[ros_type]
        kwargs = {name: self._value_from_plain(node, value[name]) for name, node in fields}
        if not fields:
            kwargs = {"structure_needs_at_least_one_member": 0}
        return self.get(ros_type)(**kwargs)

    def _value_from_plain(self, node, value):
        kind, detail = node
        if kind == Nodetype.NAME:
            return self.from_plain(detail, value)
        if kind in (Nodetype.ARRAY, Nodetype.SEQUENCE):
            inner, _ = detail
            return [self._value_from_plain(inner, v) for v in value]
        return value


def to_plain(sample: Any) -> Any:
    """An IDL sample (or any nested value) as plain dicts, lists and scalars."""
    if dataclasses.is_dataclass(sample):
        return {f.name: to_plain(getattr(sample, f.name)) for f in dataclasses.fields(sample)}
    if isinstance(sample, (bytes, bytearray)):
        return list(sample)
    if isinstance(sample, (list, tuple)):
        return [to_plain(v) for v in sample]
    return sample


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Field paths where two plain values differ (floats compared at float32 precision)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for key in expected.keys() | actual.keys():
            if key == "structure_needs_at_least_one_member":
                continue
            if key not in expected or key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out.extend(differences(expected[key], actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: length {len(expected)} != {len(actual)}"]
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(differences(e, a, f"{path}[{i}]"))
        return out
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
            if math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-30) or (
                math.isnan(expected) and math.isnan(actual)
            ):
                return []
        return [f"{path}: {expected!r} != {actual!r}"]
    if expected != actual:
        return [f"{path}: {expected!r} != {actual!r}"]
    return []
