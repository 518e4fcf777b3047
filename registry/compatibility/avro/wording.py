"""How types and values are named in messages meant for people."""

from __future__ import annotations

from typing import Any

import orjson

from registry.compatibility.avro.model import Array, AvroType, Fixed, Map, Named, Primitive, Union

_LONGEST_VALUE = 60


def show_value(value: Any) -> str:
    """A JSON value as it would appear in the schema, cut short when long."""
    text = orjson.dumps(value).decode()
    return text if len(text) <= _LONGEST_VALUE else text[: _LONGEST_VALUE - 3] + "..."


def describe_type(avro_type: AvroType) -> str:
    """A short name for a type: `long (timestamp-millis)`, `record com.acme.Order`, `array of string`,
    `union [null, string]`."""
    if isinstance(avro_type, Primitive):
        return f"{avro_type.kind} ({avro_type.logical_type})" if avro_type.logical_type else avro_type.kind
    if isinstance(avro_type, Fixed):
        return f"fixed {avro_type.full_name} ({avro_type.size} bytes)"
    if isinstance(avro_type, Named):
        return f"{avro_type.kind} {avro_type.full_name}"
    if isinstance(avro_type, Array):
        return f"array of {_short(avro_type.items)}"
    if isinstance(avro_type, Map):
        return f"map of {_short(avro_type.values)}"
    assert isinstance(avro_type, Union)
    return "union [" + ", ".join(_short(branch) for branch in avro_type.branches) + "]"


def _short(avro_type: AvroType) -> str:
    """A type's name without looking inside arrays, maps and unions a second time."""
    if isinstance(avro_type, Named):
        return avro_type.full_name
    if isinstance(avro_type, Primitive):
        return describe_type(avro_type)
    return avro_type.kind


def pointer_token(key: str) -> str:
    """`key` escaped for use as one step of a JSON pointer."""
    return key.replace("~", "~0").replace("/", "~1")
