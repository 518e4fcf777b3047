"""Helpers for the Protobuf tests: parsing, the incompatibilities in each direction, and messages written
with one schema and read with another."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from google.protobuf import descriptor, message_factory
from google.protobuf.message import Message

from registry.compatibility import CompatibilityPolicy, Roles
from registry.compatibility.protobuf import ProtobufSchema, parse_protobuf

FieldDescriptor = descriptor.FieldDescriptor

CASES = json.loads((Path(__file__).parents[3] / "data/protobuf/cases.json").read_text())["cases"]


def parse(text: str) -> ProtobufSchema:
    return parse_protobuf(text)


def backward_issues(old: ProtobufSchema, new: ProtobufSchema) -> list[list[str]]:
    issues = new.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT)
    return [[issue.type, issue.path] for issue in issues]


def forward_issues(old: ProtobufSchema, new: ProtobufSchema) -> list[list[str]]:
    issues = old.incompatibilities(new, roles=Roles.forward(), policy=CompatibilityPolicy.STRICT)
    return [[issue.type, issue.path] for issue in issues]


def message_class(schema: ProtobufSchema, full_name: str) -> type[Message]:
    return message_factory.GetMessageClass(schema.pool.FindMessageTypeByName(full_name))


def filled(schema: ProtobufSchema, full_name: str, rng: random.Random, *, depth: int = 0) -> Message:
    """A message of `full_name` with values in its fields: every required field, one member of each
    oneof, and about two thirds of the other fields, message fields to a depth of 3."""
    message = message_class(schema, full_name)()
    _fill(message, rng, depth)
    return message


def _fill(message: Message, rng: random.Random, depth: int) -> None:
    chosen_oneofs = {oneof.name: rng.choice(oneof.fields) for oneof in message.DESCRIPTOR.oneofs}
    for field in message.DESCRIPTOR.fields:
        oneof = field.containing_oneof
        if oneof is not None and chosen_oneofs[oneof.name] is not field:
            continue
        if not field.is_required and rng.random() < 0.3:
            continue
        if field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
            if depth >= 3 and not field.is_required:
                continue
            if field.message_type.GetOptions().map_entry:
                key_field, value_field = (
                    field.message_type.fields_by_number[1],
                    field.message_type.fields_by_number[2],
                )
                target = getattr(message, field.name)
                for _ in range(rng.randint(1, 3)):
                    key = _scalar(key_field, rng)
                    if value_field.message_type is not None:
                        _fill(target[key], rng, depth + 1)
                    else:
                        target[key] = _scalar(value_field, rng)
                continue
            if field.is_repeated:
                for _ in range(rng.randint(1, 3)):
                    _fill(getattr(message, field.name).add(), rng, depth + 1)
            else:
                _fill(getattr(message, field.name), rng, depth + 1)
                getattr(message, field.name).SetInParent()
        elif field.is_repeated:
            getattr(message, field.name).extend(_scalar(field, rng) for _ in range(rng.randint(1, 3)))
        else:
            setattr(message, field.name, _scalar(field, rng))


_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}


def _scalar(field: FieldDescriptor, rng: random.Random) -> Any:
    if field.type in _RANGES:
        low, high = _RANGES[field.type]
        return rng.choice([low, high, 0, 1, -1 if low else 2, rng.randint(low, high)])
    if field.type == FieldDescriptor.TYPE_BOOL:
        return rng.random() < 0.5
    if field.type in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return rng.choice([0.5, -2.25, 1e10, 3.0])
    if field.type == FieldDescriptor.TYPE_STRING:
        return rng.choice(["", "ä€", "sku-1", "x" * 20])
    if field.type == FieldDescriptor.TYPE_BYTES:
        # Valid UTF-8 only: bytes read as a string must be (see test_properties' string/bytes test).
        return rng.choice([b"", b"abc", "ü".encode(), b"\x00\x01"])
    assert field.type == FieldDescriptor.TYPE_ENUM
    return rng.choice([value.number for value in field.enum_type.values])


def read_back(written: Message, reader: ProtobufSchema, full_name: str) -> Message:
    """The bytes of `written` parsed as `reader`'s message `full_name`. Raises when they do not parse, and
    when a required field is missing: Python's parser leaves that to IsInitialized(), while C++'s and
    Java's parsers refuse such bytes."""
    read = message_class(reader, full_name)()
    read.ParseFromString(written.SerializeToString())
    missing = read.FindInitializationErrors()
    assert not missing, f"a reader refuses the message: required {missing} missing"
    return read


def assert_kept(written: Message, read: Message) -> None:
    """What the writer wrote is what the reader reads, field by field (matched by number):

    - a scalar read as a type of the same encoding group (protobuf's language guide: int32, uint32,
      int64, uint64 and bool; sint32 and sint64; fixed32 and sfixed32; fixed64 and sfixed64; string and
      bytes) reads as the writer's value converted as the runtimes do (an integer cast, bytes decoded as
      UTF-8); read as repeated, a singular value is a list of one, and read as singular, a list is its
      last value;
    - an enum reads back, unless the reader's enum is closed and lacks the number (then it is dropped);
    - a message field is checked the same way, whatever its type is called;
    - a value written into a field that the reader declares as anything else is a failure: the reader
      would get something other than what was written."""
    for field in written.DESCRIPTOR.fields:
        other = read.DESCRIPTOR.fields_by_number.get(field.number)
        if other is None or not _present(written, field):
            continue
        if _is_map(field) or _is_map(other):
            assert _is_map(field), _misread(field, other)
            assert _is_map(other), _misread(field, other)
            _assert_map_kept(written, read, field, other)
        elif _is_message(field) or _is_message(other):
            assert field.type == other.type, _misread(field, other)
            if field.is_repeated == other.is_repeated:
                _assert_message_kept(written, read, field, other)
        elif field.type == FieldDescriptor.TYPE_ENUM or other.type == FieldDescriptor.TYPE_ENUM:
            assert field.type == other.type, _misread(field, other)
            assert field.is_repeated == other.is_repeated, _misread(field, other)
            _assert_enum_kept(written, read, field, other)
        else:
            assert _same_group(field.type, other.type), _misread(field, other)
            _assert_scalar_kept(written, read, field, other)


_GROUPS = (
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_BOOL,
    },
    {FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SINT64},
    {FieldDescriptor.TYPE_FIXED32, FieldDescriptor.TYPE_SFIXED32},
    {FieldDescriptor.TYPE_FIXED64, FieldDescriptor.TYPE_SFIXED64},
    {FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES},
)  # fmt: skip


def _same_group(first: int, second: int) -> bool:
    return first == second or any(first in group and second in group for group in _GROUPS)


def _misread(field: FieldDescriptor, other: FieldDescriptor) -> str:
    return (
        f"{field.full_name} was written as {field.type} and is read as {other.full_name} of type {other.type}"
    )


def _is_map(field: FieldDescriptor) -> bool:
    return field.message_type is not None and field.message_type.GetOptions().map_entry


def _is_message(field: FieldDescriptor) -> bool:
    return field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP)


def _assert_map_kept(written: Message, read: Message, field: FieldDescriptor, other: FieldDescriptor) -> None:
    """Keys and values are read as fields of the entry type are."""
    entry, other_entry = field.message_type, other.message_type
    keys, values = (entry.fields_by_number[number] for number in (1, 2))
    other_keys, other_values = (other_entry.fields_by_number[number] for number in (1, 2))
    assert _same_group(keys.type, other_keys.type), _misread(keys, other_keys)
    got = getattr(read, other.name)
    entries = dict(getattr(written, field.name))
    if other_values.enum_type is not None and other_values.enum_type.is_closed:
        # an entry whose value a closed enum does not declare is kept aside as unknown, key and all
        entries = {
            key: value for key, value in entries.items() if value in other_values.enum_type.values_by_number
        }
    assert set(got) == {_convert(key, keys.type, other_keys.type) for key in entries}, field.full_name
    for key, value in entries.items():
        read_value = got[_convert(key, keys.type, other_keys.type)]
        if _is_message(values) or _is_message(other_values):
            assert values.type == other_values.type, _misread(values, other_values)
            assert_kept(value, read_value)
        elif values.type == FieldDescriptor.TYPE_ENUM or other_values.type == FieldDescriptor.TYPE_ENUM:
            assert values.type == other_values.type, _misread(values, other_values)
            assert read_value == value or other_values.enum_type.is_closed, field.full_name
        else:
            assert _same_group(values.type, other_values.type), _misread(values, other_values)
            assert read_value == _convert(value, values.type, other_values.type), field.full_name


def _assert_message_kept(
    written: Message, read: Message, field: FieldDescriptor, other: FieldDescriptor
) -> None:
    value, got = getattr(written, field.name), getattr(read, other.name)
    if field.is_repeated:
        assert len(value) == len(got), field.full_name
        for inner_written, inner_read in zip(value, got, strict=True):
            assert_kept(inner_written, inner_read)
    else:
        assert read.HasField(other.name), field.full_name
        assert_kept(value, got)


def _assert_enum_kept(
    written: Message, read: Message, field: FieldDescriptor, other: FieldDescriptor
) -> None:
    value, got = getattr(written, field.name), getattr(read, other.name)
    known = set(other.enum_type.values_by_number)
    if field.is_repeated:
        expected = [item for item in value if item in known] if other.enum_type.is_closed else list(value)
        assert list(got) == expected, field.full_name
    elif value in known or not other.enum_type.is_closed:
        assert got == value, field.full_name


def _assert_scalar_kept(
    written: Message, read: Message, field: FieldDescriptor, other: FieldDescriptor
) -> None:
    value = getattr(written, field.name)
    converted = [_convert(item, field.type, other.type) for item in (value if field.is_repeated else [value])]
    got = getattr(read, other.name)
    if other.is_repeated:
        assert list(got) == converted, field.full_name
    else:
        assert got == converted[-1], field.full_name


def _present(message: Message, field: FieldDescriptor) -> bool:
    if field.has_presence:
        return message.HasField(field.name)
    return getattr(message, field.name) != field.default_value


_SIGNED_BITS = {
    FieldDescriptor.TYPE_INT32: 32,
    FieldDescriptor.TYPE_INT64: 64,
    FieldDescriptor.TYPE_SFIXED32: 32,
    FieldDescriptor.TYPE_SFIXED64: 64,
}
_UNSIGNED_BITS = {
    FieldDescriptor.TYPE_UINT32: 32,
    FieldDescriptor.TYPE_UINT64: 64,
    FieldDescriptor.TYPE_FIXED32: 32,
    FieldDescriptor.TYPE_FIXED64: 64,
}


def _convert(value: Any, written_type: int, read_type: int) -> Any:
    """`value` of `written_type` as a reader of `read_type` (same encoding) decodes it."""
    if written_type == read_type:
        return value
    if read_type == FieldDescriptor.TYPE_STRING:
        return value.decode("utf-8")
    if read_type == FieldDescriptor.TYPE_BYTES:
        return value.encode("utf-8")
    if written_type in (FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SINT64):
        bits = 64 if written_type == FieldDescriptor.TYPE_SINT64 else 32
        wire = ((value << 1) ^ (value >> (bits - 1))) & ((1 << bits) - 1)  # zigzag
        if read_type == FieldDescriptor.TYPE_SINT32:
            wire &= 0xFFFFFFFF
        return (wire >> 1) ^ -(wire & 1)
    bits = int(value) & ((1 << 64) - 1)  # the varint or fixed bytes on the wire, as unsigned
    if read_type == FieldDescriptor.TYPE_BOOL:
        return bits != 0
    if read_type in _UNSIGNED_BITS:
        return bits & ((1 << _UNSIGNED_BITS[read_type]) - 1)
    width = _SIGNED_BITS[read_type]
    bits &= (1 << width) - 1
    return bits - (1 << width) if bits >> (width - 1) else bits
