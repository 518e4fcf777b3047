"""The JSON Schema of Avro data in its decoded JSON form, for comparing an Avro writer with a JSON reader.

A consumer may declare what it reads as JSON Schema while the producer's events are Avro. What the
consumer's code sees is the decoded datum: records as objects with every field present, unions as the
plain value of their branch, enums as their symbol, logical types in their JSON form (timestamps and
dates as RFC 3339 text, UUIDs as text, decimals as numbers), bytes and fixed as text. This module writes
that as a JSON Schema, so the JSON engine can compare it with the consumer's reader schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from registry.compatibility.schema import SchemaParseError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.schema import ResolvedReference

JsonSchema = dict[str, Any]

_INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_INT64 = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}
_PRIMITIVES: dict[str, JsonSchema] = {
    "null": {"type": "null"},
    "boolean": {"type": "boolean"},
    "int": _INT32,
    "long": _INT64,
    "float": {"type": "number"},
    "double": {"type": "number"},
    "string": {"type": "string"},
    "bytes": {"type": "string"},
}
_LOGICAL_FORMATS = {
    "date": "date",
    "time-millis": "time",
    "time-micros": "time",
    "timestamp-millis": "date-time",
    "timestamp-micros": "date-time",
    "timestamp-nanos": "date-time",
    "local-timestamp-millis": "date-time",
    "local-timestamp-micros": "date-time",
    "uuid": "uuid",
}
_NAMED = ("record", "error", "enum", "fixed")


def decoded_json_schema(
    text: str, references: Sequence[ResolvedReference] = (), *, as_reader: bool = False
) -> JsonSchema:
    """The draft-07 JSON Schema that every decoded datum of the Avro schema `text` satisfies.

    With `as_reader`, the schema of what the Avro schema can *read*: records admit fields it does not
    know (resolution skips them) and fields with a default may be missing (resolution fills them in).
    """
    named: dict[str, Any] = {}
    for reference in references:
        _collect(_load(reference.text), "", named)
    document = _load(text)
    _collect(document, "", named)
    converted = _Converter(named, as_reader=as_reader).convert(document, "")
    return {"$schema": "http://json-schema.org/draft-07/schema#", **converted}


class _Converter:
    def __init__(self, named: dict[str, Any], *, as_reader: bool) -> None:
        self.named = named
        self.as_reader = as_reader
        self.visiting: set[str] = set()

    def convert(self, schema: Any, namespace: str) -> JsonSchema:
        if isinstance(schema, list):
            return _union([self.convert(branch, namespace) for branch in schema])
        if isinstance(schema, str):
            return self._by_name(schema, namespace)
        if not isinstance(schema, dict):
            raise SchemaParseError(f"Invalid Avro schema: {schema!r} is not a type")
        kind = schema.get("type")
        logical = schema.get("logicalType")
        if logical == "decimal" and kind in ("bytes", "fixed"):
            return {"type": "number"}
        if logical in _LOGICAL_FORMATS and isinstance(kind, str) and kind in _PRIMITIVES:
            return {"type": "string", "format": _LOGICAL_FORMATS[logical]}
        if kind in ("record", "error"):
            return self._record(schema, namespace)
        if kind == "enum":
            return {"type": "string", "enum": list(schema.get("symbols", []))}
        if kind == "fixed":
            size = schema.get("size")
            return {"type": "string", "minLength": size, "maxLength": size}
        if kind == "array":
            return {"type": "array", "items": self.convert(schema.get("items"), namespace)}
        if kind == "map":
            return {"type": "object", "additionalProperties": self.convert(schema.get("values"), namespace)}
        return self.convert(kind, namespace)

    def _by_name(self, name: str, namespace: str) -> JsonSchema:
        if name in _PRIMITIVES:
            return dict(_PRIMITIVES[name])
        full = _full_name(name, namespace)
        definition = self.named.get(full, self.named.get(name))
        if definition is None:
            raise SchemaParseError(f"Invalid Avro schema: unknown type {name!r}")
        if full in self.visiting:
            return {}  # a recursive type: its JSON form nests without end, so any value may appear here
        self.visiting.add(full)
        try:
            return self.convert(definition, _namespace_of(definition, namespace))
        finally:
            self.visiting.discard(full)

    def _record(self, schema: dict[str, Any], namespace: str) -> JsonSchema:
        own = _namespace_of(schema, namespace)
        full = _full_name(str(schema.get("name", "")), own)
        fields = schema.get("fields", [])
        self.visiting.add(full)
        try:
            properties = {str(field["name"]): self.convert(field["type"], own) for field in fields}
        finally:
            self.visiting.discard(full)
        if self.as_reader:
            required = [str(field["name"]) for field in fields if "default" not in field]
            return {"type": "object", "properties": properties, "required": required}
        return {
            "type": "object",
            "properties": properties,
            "required": list(properties),
            "additionalProperties": False,
        }


def _union(branches: list[JsonSchema]) -> JsonSchema:
    if all(set(branch) == {"type"} and isinstance(branch["type"], str) for branch in branches):
        kinds = list(dict.fromkeys(branch["type"] for branch in branches))
        return {"type": kinds[0] if len(kinds) == 1 else kinds}
    return {"anyOf": branches}


def _collect(schema: Any, namespace: str, named: dict[str, Any]) -> None:
    """Index every named type (record, enum, fixed) by its full name."""
    if isinstance(schema, list):
        for branch in schema:
            _collect(branch, namespace, named)
        return
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind in _NAMED and isinstance(schema.get("name"), str):
        namespace = _namespace_of(schema, namespace)
        named[_full_name(schema["name"], namespace)] = schema
    if kind in ("record", "error"):
        for field in schema.get("fields", []):
            if isinstance(field, dict):
                _collect(field.get("type"), namespace, named)
    elif kind == "array":
        _collect(schema.get("items"), namespace, named)
    elif kind == "map":
        _collect(schema.get("values"), namespace, named)
    elif isinstance(kind, dict | list):
        _collect(kind, namespace, named)


def _full_name(name: str, namespace: str) -> str:
    if "." in name or not namespace:
        return name
    return f"{namespace}.{name}"


def _namespace_of(schema: dict[str, Any], enclosing: str) -> str:
    name = str(schema.get("name", ""))
    if "." in name:
        return name.rsplit(".", 1)[0]
    namespace = schema.get("namespace")
    return namespace if isinstance(namespace, str) else enclosing


def _load(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise SchemaParseError(f"Invalid Avro schema: not JSON: {error}") from error
