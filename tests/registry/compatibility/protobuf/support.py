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
                key_field, value_field = field.message_type.fields_by_number[1], field.message_type.fields_by_number[2]
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
    """The bytes of `written` parsed as `reader`'s message `full_name` (raises when they do not parse)."""
    read = message_class(reader, full_name)()
    read.ParseFromString(written.SerializeToString())
    return read


def assert_kept(written: Message, read: Message) -> None:
    """Every field the two declare alike (same number, name-independent: type, kind and label) reads
    back with the value written; closed enums may drop numbers they do not declare, and nested messages
    are checked the same way."""
    for field in written.DESCRIPTOR.fields:
        other = read.DESCRIPTOR.fields_by_number.get(field.number)
        if other is None or not _declared_alike(field, other):
            continue
        value, got = getattr(written, field.name), getattr(read, other.name)
        if field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
            if field.message_type.GetOptions().map_entry:
                entry_value = field.message_type.fields_by_number[2]
                if entry_value.message_type is None and entry_value.enum_type is None:
                    assert dict(got) == dict(value), field.full_name
                continue
            if field.is_repeated:
                assert len(value) == len(got), field.full_name
                for inner_written, inner_read in zip(value, got, strict=True):
                    assert_kept(inner_written, inner_read)
            elif written.HasField(field.name):
                assert read.HasField(other.name), field.full_name
                assert_kept(value, got)
        elif field.type == FieldDescriptor.TYPE_ENUM and other.enum_type.is_closed:
            known = set(other.enum_type.values_by_number)
            expected = [item for item in value if item in known] if field.is_repeated else value
            if field.is_repeated:
                assert list(got) == expected, field.full_name
            elif value in known:
                assert got == value, field.full_name
        elif field.is_repeated:
            assert list(got) == list(value), field.full_name
        else:
            assert got == value, field.full_name


def _declared_alike(field: FieldDescriptor, other: FieldDescriptor) -> bool:
    if field.type != other.type or field.is_repeated != other.is_repeated:
        return False
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        entry, other_entry = field.message_type, other.message_type
        return other_entry.GetOptions().map_entry and all(
            _declared_alike(entry.fields_by_number[number], other_entry.fields_by_number[number])
            for number in (1, 2)
        )
    if field.message_type is not None:
        return field.message_type.full_name == other.message_type.full_name
    if field.enum_type is not None:
        return field.enum_type.full_name == other.enum_type.full_name
    return True
