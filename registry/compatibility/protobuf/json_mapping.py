"""The JSON Schema of a Protobuf message as a consumer reads it in proto3's JSON mapping.

A consumer may declare what it reads as JSON Schema (the matcher DSL) while the producer publishes
Protobuf. Its code sees the decoded message, in Protobuf's JSON mapping: fields by their JSON name
(lowerCamelCase), 64-bit integers as decimal strings, enums by their names, bytes as base64 text,
`google.protobuf.Timestamp` as RFC 3339 text, wrappers as their value or null, maps as objects,
repeated fields as arrays.

Presence decides what may be missing. A field with implicit presence (a proto3 scalar or enum without
`optional`, outside a oneof), a repeated field and a map always have a value once decoded (their
default when the wire carried none), so they are required here; proto2 `required` fields too. A field
with explicit presence (a message, a proto3 `optional`, a oneof member, a proto2 `optional`) may be
absent. Float and double are numbers, as Avro's are (NaN and the infinities, which the mapping writes
as text, are left out, as for Avro).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from google.protobuf.descriptor import FieldDescriptor

if TYPE_CHECKING:
    from google.protobuf.descriptor import Descriptor

JsonSchema = dict[str, Any]

_INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
_UINT32 = {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}
_INT64 = {"type": "string", "pattern": "^-?[0-9]+$"}
_UINT64 = {"type": "string", "pattern": "^[0-9]+$"}
_SCALARS: dict[int, JsonSchema] = {
    FieldDescriptor.TYPE_DOUBLE: {"type": "number"},
    FieldDescriptor.TYPE_FLOAT: {"type": "number"},
    FieldDescriptor.TYPE_INT32: _INT32,
    FieldDescriptor.TYPE_SINT32: _INT32,
    FieldDescriptor.TYPE_SFIXED32: _INT32,
    FieldDescriptor.TYPE_UINT32: _UINT32,
    FieldDescriptor.TYPE_FIXED32: _UINT32,
    FieldDescriptor.TYPE_INT64: _INT64,
    FieldDescriptor.TYPE_SINT64: _INT64,
    FieldDescriptor.TYPE_SFIXED64: _INT64,
    FieldDescriptor.TYPE_UINT64: _UINT64,
    FieldDescriptor.TYPE_FIXED64: _UINT64,
    FieldDescriptor.TYPE_BOOL: {"type": "boolean"},
    FieldDescriptor.TYPE_STRING: {"type": "string"},
    FieldDescriptor.TYPE_BYTES: {"type": "string", "contentEncoding": "base64"},
}
_WRAPPED: dict[str, JsonSchema] = {
    "google.protobuf.DoubleValue": {"type": "number"},
    "google.protobuf.FloatValue": {"type": "number"},
    "google.protobuf.Int64Value": _INT64,
    "google.protobuf.UInt64Value": _UINT64,
    "google.protobuf.Int32Value": _INT32,
    "google.protobuf.UInt32Value": _UINT32,
    "google.protobuf.BoolValue": {"type": "boolean"},
    "google.protobuf.StringValue": {"type": "string"},
    "google.protobuf.BytesValue": {"type": "string", "contentEncoding": "base64"},
}
_WELL_KNOWN: dict[str, JsonSchema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,9})?s$"},
    "google.protobuf.FieldMask": {"type": "string"},
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.ListValue": {"type": "array"},
    "google.protobuf.Value": {},  # any JSON value
    "google.protobuf.Empty": {"type": "object", "additionalProperties": False},
    "google.protobuf.Any": {
        "type": "object",
        "properties": {"@type": {"type": "string"}},
        "required": ["@type"],
    },
}


def json_mapping_schema(message: Descriptor) -> JsonSchema:
    """The draft-07 JSON Schema every decoded `message`, in proto3's JSON mapping, satisfies."""
    return {"$schema": "http://json-schema.org/draft-07/schema#", **_Mapping().message(message)}


def always_present(field: FieldDescriptor) -> bool:
    """Whether a decoded message always has a value for `field` (implicit presence, repeated, map, or a
    proto2 required field)."""
    return field.is_required or not field.has_presence


class _Mapping:
    def __init__(self) -> None:
        self.visiting: set[str] = set()

    def message(self, message: Descriptor) -> JsonSchema:
        name = message.full_name
        if name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[name])
        if name in _WRAPPED:
            return {"anyOf": [{"type": "null"}, dict(_WRAPPED[name])]}
        if name in self.visiting:
            return {}  # a recursive message: its JSON nests without end, so any value may appear here
        self.visiting.add(name)
        try:
            properties = {field.json_name: self.field(field) for field in message.fields}
        finally:
            self.visiting.discard(name)
        return {
            "type": "object",
            "properties": properties,
            "required": [field.json_name for field in message.fields if always_present(field)],
            "additionalProperties": False,
        }

    def field(self, field: FieldDescriptor) -> JsonSchema:
        entry = field.message_type
        if entry is not None and entry.GetOptions().map_entry:
            key, value = entry.fields_by_name["key"], entry.fields_by_name["value"]
            keys = {"pattern": "^(true|false)$"} if key.type == FieldDescriptor.TYPE_BOOL else None
            mapped = {"type": "object", "additionalProperties": self.value(value)}
            if key.type != FieldDescriptor.TYPE_STRING and keys is None:
                keys = {"pattern": "^-?[0-9]+$"}
            return mapped if keys is None else {**mapped, "propertyNames": keys}
        if field.is_repeated:
            return {"type": "array", "items": self.value(field)}
        return self.value(field)

    def value(self, field: FieldDescriptor) -> JsonSchema:
        if field.type == FieldDescriptor.TYPE_ENUM:
            enum = field.enum_type
            if enum.full_name == "google.protobuf.NullValue":
                return {"type": "null"}
            return {"type": "string", "enum": [value.name for value in enum.values]}
        if field.message_type is not None:
            return self.message(field.message_type)
        return dict(_SCALARS[field.type])
