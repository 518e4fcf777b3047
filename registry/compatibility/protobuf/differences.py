"""Confluent's Protobuf difference types, and the structural comparison that finds them.

The comparison goes from the writer's schema to the reader's, as Confluent's does from the original
schema to the update: a message of the writer's that the reader lacks is MESSAGE_REMOVED, one only the
reader has is MESSAGE_ADDED. Messages and enums are matched by their name within the package, fields and
enum constants by number (what the wire carries), oneofs by name. Types that a field names from another
file are compared by name; their own subject's compatibility covers their contents, as in Confluent.

Which differences are compatible follows Confluent's rules, which the wire format explains: adding,
removing and renaming fields and enum constants is safe because readers skip unknown field numbers and
keep unknown enum numbers; scalar types may change only within a group that shares an encoding; a
repeated numeric field is packed, so only string, bytes and message fields may change between singular
and repeated. Where the wire would allow more, Confluent (and so Accord) is stricter: a removed message,
a removed `required` field, a changed syntax or package, a field leaving a oneof.

Where Confluent's rules would accept what the wire breaks, Accord is stricter: a constant that the
reader's closed enum (proto2, or editions' CLOSED enum type) lacks is compatible unless a `required` field
of the reader has that enum as its type. A closed enum's reader keeps an unknown number aside as an
unknown field, so the required field reads as missing and the reader refuses the whole message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.compatibility.protobuf.model import EnumShape, FieldShape, FileShape, MessageShape


class DifferenceType(StrEnum):
    """Confluent's names for the differences between two Protobuf schemas."""

    PACKAGE_CHANGED = "PACKAGE_CHANGED"
    SYNTAX_VERSION_CHANGED = "SYNTAX_VERSION_CHANGED"
    MESSAGE_ADDED = "MESSAGE_ADDED"
    MESSAGE_REMOVED = "MESSAGE_REMOVED"
    MESSAGE_MOVED = "MESSAGE_MOVED"
    ENUM_ADDED = "ENUM_ADDED"
    ENUM_REMOVED = "ENUM_REMOVED"
    ENUM_CONST_ADDED = "ENUM_CONST_ADDED"
    ENUM_CONST_CHANGED = "ENUM_CONST_CHANGED"
    ENUM_CONST_REMOVED = "ENUM_CONST_REMOVED"
    FIELD_ADDED = "FIELD_ADDED"
    FIELD_REMOVED = "FIELD_REMOVED"
    FIELD_NAME_CHANGED = "FIELD_NAME_CHANGED"
    FIELD_KIND_CHANGED = "FIELD_KIND_CHANGED"
    FIELD_SCALAR_KIND_CHANGED = "FIELD_SCALAR_KIND_CHANGED"
    FIELD_NAMED_TYPE_CHANGED = "FIELD_NAMED_TYPE_CHANGED"
    FIELD_NUMERIC_LABEL_CHANGED = "FIELD_NUMERIC_LABEL_CHANGED"
    FIELD_STRING_OR_BYTES_LABEL_CHANGED = "FIELD_STRING_OR_BYTES_LABEL_CHANGED"
    REQUIRED_FIELD_ADDED = "REQUIRED_FIELD_ADDED"
    REQUIRED_FIELD_REMOVED = "REQUIRED_FIELD_REMOVED"
    ONEOF_ADDED = "ONEOF_ADDED"
    ONEOF_REMOVED = "ONEOF_REMOVED"
    ONEOF_FIELD_ADDED = "ONEOF_FIELD_ADDED"
    ONEOF_FIELD_REMOVED = "ONEOF_FIELD_REMOVED"
    MULTIPLE_FIELDS_MOVED_TO_ONEOF = "MULTIPLE_FIELDS_MOVED_TO_ONEOF"
    FIELD_MOVED_TO_EXISTING_ONEOF = "FIELD_MOVED_TO_EXISTING_ONEOF"


T = DifferenceType

COMPATIBLE = frozenset(
    {
        T.MESSAGE_ADDED,
        T.MESSAGE_MOVED,
        T.ENUM_ADDED,
        T.ENUM_REMOVED,
        T.ENUM_CONST_ADDED,
        T.ENUM_CONST_CHANGED,
        T.ENUM_CONST_REMOVED,
        T.FIELD_ADDED,
        T.FIELD_REMOVED,
        T.FIELD_NAME_CHANGED,
        T.FIELD_STRING_OR_BYTES_LABEL_CHANGED,
        T.ONEOF_ADDED,
        T.ONEOF_REMOVED,
        T.ONEOF_FIELD_ADDED,
    }
)

# Scalar types that share a wire encoding: a reader decodes any of a group's values as its own type
# (an integer that does not fit is truncated, as a C++ cast would).
ENCODING_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"int32", "uint32", "int64", "uint64", "bool"}),
    frozenset({"sint32", "sint64"}),
    frozenset({"fixed32", "sfixed32"}),
    frozenset({"fixed64", "sfixed64"}),
    frozenset({"string", "bytes"}),
)

LENGTH_DELIMITED_SCALARS = frozenset({"string", "bytes"})


def same_encoding(first: str, second: str) -> bool:
    return first == second or any(first in group and second in group for group in ENCODING_GROUPS)


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference between the writer's schema and the reader's: its type, the path of the place in
    the schema that has it (the reader's, or the writer's for what the reader lacks), and what the
    messages need: the element on each side and the message or enum it belongs to."""

    type: DifferenceType
    path: str
    writer: FieldShape | MessageShape | EnumShape | str | None = None
    reader: FieldShape | MessageShape | EnumShape | str | None = None
    owner: MessageShape | EnumShape | None = None
    detail: tuple[FieldShape, ...] = field(default=())
    breaking_uses: tuple[str, ...] = field(default=())  # what makes a difference of a compatible type break

    @property
    def compatible(self) -> bool:
        """Whether a reader reads what the writer wrote despite this difference."""
        return self.type in COMPATIBLE and not self.breaking_uses


def compare_files(writer: FileShape, reader: FileShape) -> list[Difference]:
    """Every difference from `writer` to `reader`, in the writer's file order, additions last."""
    found: list[Difference] = []
    if writer.package != reader.package:
        found.append(Difference(T.PACKAGE_CHANGED, "#/", writer.package, reader.package))
    if writer.syntax != reader.syntax:
        found.append(Difference(T.SYNTAX_VERSION_CHANGED, "#/", writer.syntax, reader.syntax))
    for name, old in writer.messages.items():
        new = reader.messages.get(name)
        if new is None:
            found.append(Difference(T.MESSAGE_REMOVED, old.path, old, None))
            continue
        if old.fingerprint == new.fingerprint:
            continue  # the same indexes, fields and oneofs: nothing to report
        if old.indexes != new.indexes:
            found.append(Difference(T.MESSAGE_MOVED, new.path, old, new))
        found.extend(_compare_messages(old, new))
    found.extend(
        Difference(T.MESSAGE_ADDED, new.path, None, new)
        for name, new in reader.messages.items()
        if name not in writer.messages
    )
    for name, old_enum in writer.enums.items():
        new_enum = reader.enums.get(name)
        if new_enum is None:
            found.append(Difference(T.ENUM_REMOVED, old_enum.path, old_enum, None))
        elif old_enum.constants != new_enum.constants:
            found.extend(_compare_enums(old_enum, new_enum, _required_uses(reader, new_enum)))
    found.extend(
        Difference(T.ENUM_ADDED, new_enum.path, None, new_enum)
        for name, new_enum in reader.enums.items()
        if name not in writer.enums
    )
    return found


def _compare_messages(writer: MessageShape, reader: MessageShape) -> list[Difference]:
    found: list[Difference] = []
    for number in sorted(writer.fields.keys() | reader.fields.keys()):
        if writer.signatures.get(number, number) == reader.signatures.get(number):
            continue  # declared alike on both sides
        old, new = writer.fields.get(number), reader.fields.get(number)
        path = f"{reader.path}/{number}"
        if new is None:
            assert old is not None
            kind = T.REQUIRED_FIELD_REMOVED if old.required else T.FIELD_REMOVED
            found.append(Difference(kind, path, old, None, reader))
        elif old is None:
            kind = T.REQUIRED_FIELD_ADDED if new.required else T.FIELD_ADDED
            found.append(Difference(kind, path, None, new, reader))
        else:
            found.extend(Difference(kind, path, old, new, reader) for kind in _field_changes(old, new))
    if writer.oneofs or reader.oneofs:
        found.extend(_compare_oneofs(writer, reader))
    return found


def _field_changes(old: FieldShape, new: FieldShape) -> list[DifferenceType]:
    changes = []
    if old.name != new.name:
        changes.append(T.FIELD_NAME_CHANGED)
    if old.map_key is not None and new.map_key is not None:
        assert old.map_value is not None
        assert new.map_value is not None
        key_change, value_change = (
            _type_change(old.map_key, new.map_key),
            _type_change(old.map_value, new.map_value),
        )
        changes.extend(change for change in (key_change, value_change) if change is not None)
    else:
        type_change = _type_change(old, new)
        if type_change is not None:
            changes.append(type_change)
    if old.repeated != new.repeated:
        delimited = old.kind in ("message", "group") or old.type in LENGTH_DELIMITED_SCALARS
        changes.append(T.FIELD_STRING_OR_BYTES_LABEL_CHANGED if delimited else T.FIELD_NUMERIC_LABEL_CHANGED)
    if new.required and not old.required:
        changes.append(T.REQUIRED_FIELD_ADDED)
    elif old.required and not new.required:
        changes.append(T.REQUIRED_FIELD_REMOVED)
    return changes


def _type_change(old: FieldShape, new: FieldShape) -> DifferenceType | None:
    if old.kind != new.kind:
        return T.FIELD_KIND_CHANGED
    if old.kind == "scalar":
        return None if same_encoding(old.type, new.type) else T.FIELD_SCALAR_KIND_CHANGED
    return None if old.type == new.type else T.FIELD_NAMED_TYPE_CHANGED


def _compare_oneofs(writer: MessageShape, reader: MessageShape) -> list[Difference]:
    found: list[Difference] = []
    for name, members in writer.oneofs.items():
        if name not in reader.oneofs:
            found.append(Difference(T.ONEOF_REMOVED, f"{reader.path}/{name}", name, None, reader))
            continue
        kept = set(reader.oneofs[name])
        found.extend(
            Difference(T.ONEOF_FIELD_REMOVED, f"{reader.path}/{number}", writer.fields[number], name, reader)
            for number in members
            if number not in kept
        )
        for number in reader.oneofs[name]:
            if number in members:
                continue
            new = reader.fields[number]
            kind = T.FIELD_MOVED_TO_EXISTING_ONEOF if number in writer.fields else T.ONEOF_FIELD_ADDED
            found.append(Difference(kind, f"{reader.path}/{number}", writer.fields.get(number), new, reader))
    for name, members in reader.oneofs.items():
        if name in writer.oneofs:
            continue
        found.append(Difference(T.ONEOF_ADDED, f"{reader.path}/{name}", None, name, reader))
        moved = tuple(
            writer.fields[number]
            for number in members
            if number in writer.fields and writer.fields[number].oneof is None
        )
        if len(moved) > 1:
            found.append(
                Difference(
                    T.MULTIPLE_FIELDS_MOVED_TO_ONEOF, f"{reader.path}/{name}", None, name, reader, moved
                )
            )
    return found


def _required_uses(file: FileShape, enum: EnumShape) -> tuple[str, ...]:
    """The required fields of `file` whose type is the closed enum `enum`, as messages name them: a number
    the enum lacks makes such a field missing, and the message unreadable."""
    if not enum.closed:
        return ()
    return tuple(
        f"'{shape.name}' (number {shape.number}) of message {message.full_name}"
        for message in file.messages.values()
        for shape in message.fields.values()
        if shape.required and shape.kind == "enum" and shape.type == enum.name
    )


def _compare_enums(writer: EnumShape, reader: EnumShape, required_uses: tuple[str, ...]) -> list[Difference]:
    found: list[Difference] = []
    for number in sorted(writer.constants.keys() | reader.constants.keys()):
        old, new = writer.constants.get(number), reader.constants.get(number)
        path = f"{reader.path}/{number}"
        if new is None:
            constant = old[0] if old else None
            found.append(
                Difference(T.ENUM_CONST_REMOVED, path, constant, None, reader, breaking_uses=required_uses)
            )
        elif old is None:
            found.append(Difference(T.ENUM_CONST_ADDED, path, None, new[0], reader))
        elif old != new:
            found.append(Difference(T.ENUM_CONST_CHANGED, path, "/".join(old), "/".join(new), reader))
    return found
