"""What users read about a Protobuf difference: what changed and where, why it breaks which side, and the
usual fix. `Roles` names the two schemas, so messages speak of "the new schema" and "the old schema" (or
the contract harness's "expected" and "published"). Places are given as Confluent gives them,
"at path '#/Order/3'": a message, then a field number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.protobuf.differences import ENCODING_GROUPS, DifferenceType
from registry.compatibility.protobuf.model import EnumShape, FieldShape, MessageShape

if TYPE_CHECKING:
    from collections.abc import Callable

    from registry.compatibility.protobuf.differences import Difference
    from registry.compatibility.schema import Roles

T = DifferenceType

_WIRE = {
    **dict.fromkeys(("int32", "uint32", "int64", "uint64", "bool", "enum"), "a varint"),
    **dict.fromkeys(("sint32", "sint64"), "a zigzag varint"),
    **dict.fromkeys(("fixed32", "sfixed32", "float"), "4 fixed bytes"),
    **dict.fromkeys(("fixed64", "sfixed64", "double"), "8 fixed bytes"),
    **dict.fromkeys(("string", "bytes", "message", "map"), "length-delimited"),
    "group": "a group between start and end tags",
}

_NEW_FIELD = "for a value of another type, add a new field with a new number and reserve the old one"


def describe(difference: Difference, roles: Roles) -> str:
    """The message for one difference, naming the schemas by their roles."""
    return _MESSAGES[difference.type](_Context(difference, roles))


class _Context:
    def __init__(self, difference: Difference, roles: Roles) -> None:
        self.difference = difference
        self.reader_side, self.writer_side = roles.reader, roles.writer
        self.reader_is_new = roles.reader == "new"
        self.new = roles.reader if self.reader_is_new else roles.writer
        self.old = roles.writer if self.reader_is_new else roles.reader
        self.at_path = f"at path '{difference.path}'"

    @property
    def consequence(self) -> str:
        if self.reader_is_new:
            return "consumers that move to the new schema could not read data written with the old schema"
        if self.reader_side == "old":
            return "consumers still on the old schema could not read data written with the new schema"
        return (
            f"a consumer reading with the {self.reader_side} schema could not read data written with the "
            f"{self.writer_side} schema"
        )

    @property
    def sides(self) -> str:
        """The reader's schema has it and the writer's does not."""
        return f"{self.reader_side} schema but not in the {self.writer_side} schema"

    @property
    def sides_reversed(self) -> str:
        return f"{self.writer_side} schema but not in the {self.reader_side} schema"

    @property
    def old_field(self) -> FieldShape:
        field = self.difference.writer
        assert isinstance(field, FieldShape)
        return field

    @property
    def new_field(self) -> FieldShape:
        field = self.difference.reader
        assert isinstance(field, FieldShape)
        return field

    @property
    def field(self) -> FieldShape:
        reader = self.difference.reader
        return reader if isinstance(reader, FieldShape) else self.old_field

    @property
    def owner(self) -> str:
        owner = self.difference.owner
        assert isinstance(owner, MessageShape | EnumShape)
        return owner.full_name

    @property
    def subject(self) -> str:
        field = self.field
        return f"Field '{field.name}' (number {field.number}) of message {self.owner} {self.at_path}"

    def element(self, side: object) -> MessageShape | EnumShape:
        assert isinstance(side, MessageShape | EnumShape)
        return side


def _package_changed(context: _Context) -> str:
    difference = context.difference
    return (
        f"The package changed {context.at_path}: '{difference.writer}' in the {context.writer_side} schema, "
        f"'{difference.reader}' in the {context.reader_side} schema. Every message's full name changes with "
        "it, and readers find message types by full name (Confluent's deserializers, google.protobuf.Any, "
        f"type URLs), so {context.consequence}. Keep the package '{_old_value(context)}'; to move the types, "
        "publish them as a new event type under a new subject."
    )


def _syntax_changed(context: _Context) -> str:
    difference = context.difference
    return (
        f"The syntax changed {context.at_path}: {difference.writer} in the {context.writer_side} schema, "
        f"{difference.reader} in the {context.reader_side} schema. The same declarations mean different "
        "things under each: proto3's implicit presence leaves zero values off the wire, so a proto2 reader "
        "sees its own default instead; proto2 enums drop unknown values that proto3 keeps; proto3 requires "
        f"strings to be valid UTF-8. So {context.consequence} as it was meant. Keep "
        f"{_old_value(context)}; move to another syntax with a new event type."
    )


def _old_value(context: _Context) -> object:
    return context.difference.writer if context.reader_is_new else context.difference.reader


def _message_removed(context: _Context) -> str:
    message = context.element(context.difference.writer)
    if context.reader_is_new:
        return (
            f"Message {message.full_name} {context.at_path} is in the old schema but not in the new schema. "
            f"Every record names its message by an index into the schema that wrote it, so records of "
            f"{message.full_name} leave {context.consequence}. Keep the message, even unused."
        )
    return (
        f"Message {message.full_name} {context.at_path} is new in the {context.new} schema, and the "
        f"{context.old} schema does not have it: records written as {message.full_name} name a message "
        f"the {context.old} schema lacks, so {context.consequence}. Under FORWARD or FULL compatibility "
        "add new message types in a file of their own (a new subject that this one may import), or "
        "register the new message under BACKWARD compatibility."
    )


def _message_added(context: _Context) -> str:
    message = context.element(context.difference.reader)
    return f"Message {message.full_name} {context.at_path} is in the {context.sides}."


def _message_moved(context: _Context) -> str:
    old, new = context.element(context.difference.writer), context.element(context.difference.reader)
    assert isinstance(old, MessageShape)
    assert isinstance(new, MessageShape)
    return (
        f"Message {new.full_name} moved {context.at_path}: its message index is {list(new.indexes)} in the "
        f"{context.reader_side} schema and {list(old.indexes)} in the {context.writer_side} schema. Records "
        "carry the index of the schema that wrote them, so readers still find it."
    )


def _enum_added(context: _Context) -> str:
    enum = context.element(context.difference.reader)
    return f"Enum {enum.full_name} {context.at_path} is in the {context.sides}."


def _enum_removed(context: _Context) -> str:
    enum = context.element(context.difference.writer)
    return (
        f"Enum {enum.full_name} {context.at_path} is in the {context.sides_reversed}; fields that use it "
        "are compared on their own."
    )


def _enum_const_added(context: _Context) -> str:
    number = context.difference.path.rpartition("/")[2]
    return (
        f"Enum {context.owner} has the constant {context.difference.reader} = {number} {context.at_path} in "
        f"the {context.sides}; a reader that does not know a number keeps it (open enums) or treats the "
        "field as unset (closed proto2 enums)."
    )


def _enum_const_removed(context: _Context) -> str:
    number = context.difference.path.rpartition("/")[2]
    uses = context.difference.breaking_uses
    if uses:
        return (
            f"Enum {context.owner} has the constant {context.difference.writer} = {number} "
            f"{context.at_path} in the {context.sides_reversed}, and the enum is closed: a reader keeps a "
            f"number it does not know aside as an unknown field. The {context.reader_side} schema requires "
            f"{'field ' if len(uses) == 1 else 'fields '}{', '.join(uses)}, which then reads as missing, so "
            f"the message is refused and {context.consequence}. Keep the constants of a closed enum that a "
            "required field uses as they are; for new values add a new optional field of a new enum type."
        )
    return (
        f"Enum {context.owner} has the constant {context.difference.writer} = {number} {context.at_path} in "
        f"the {context.sides_reversed}; a reader that does not know a number keeps it (open enums) or treats "
        "the field as unset (closed proto2 enums)."
    )


def _enum_const_changed(context: _Context) -> str:
    number = context.difference.path.rpartition("/")[2]
    return (
        f"Enum {context.owner}'s constant number {number} {context.at_path} is named "
        f"{context.difference.writer} in the {context.writer_side} schema and {context.difference.reader} "
        f"in the {context.reader_side} schema; the wire carries the number, so binary readers agree (the "
        "JSON mapping, which writes names, does not)."
    )


def _field_added(context: _Context) -> str:
    return (
        f"{context.subject} is in the {context.sides}; reading data without it, a reader sees the field's "
        "default."
    )


def _field_removed(context: _Context) -> str:
    field = context.old_field
    return (
        f"{context.subject} is in the {context.sides_reversed}, which skips it as an unknown number. Reserve "
        f"number {field.number} in the schema without it, so that no later field reuses it with another "
        "meaning."
    )


def _field_name_changed(context: _Context) -> str:
    return (
        f"{context.subject} is named '{context.old_field.name}' in the {context.writer_side} schema; the "
        "wire carries the number, so binary readers agree (the JSON mapping, which writes names, does not)."
    )


def _field_kind_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    if old.is_map and new.is_map:
        return _map_type_changed(context)
    kept = old if context.reader_is_new else new
    return (
        f"{context.subject} is a {old.type_label} in the {context.writer_side} schema but a "
        f"{new.type_label} in the {context.reader_side} schema; {_wire(old)} and {_wire(new)} are different "
        f"encodings, so {context.consequence}. Keep the field a {kept.type_label}; {_NEW_FIELD}."
    )


def _map_type_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    kept = old if context.reader_is_new else new
    return (
        f"{context.subject} is {old.type_label} in the {context.writer_side} schema but {new.type_label} in "
        f"the {context.reader_side} schema; a map's keys and values follow the rules of fields (scalars may "
        f"change only to a type of the same encoding, message and enum types keep their names), so "
        f"{context.consequence}. Keep {kept.type_label}; for values of another type, add a new map field "
        "with a new number and reserve the old one."
    )


def _field_scalar_kind_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    if old.is_map and new.is_map:
        return _map_type_changed(context)
    kept = old.type if context.reader_is_new else new.type
    group = next((sorted(group - {kept}) for group in ENCODING_GROUPS if kept in group), [])
    alternatives = f" (or {', '.join(group)}, which share its encoding)" if group else ""
    return (
        f"{context.subject} is {old.type} in the {context.writer_side} schema but {new.type} in the "
        f"{context.reader_side} schema; {old.type} is {_wire(old)} on the wire and {new.type} is "
        f"{_wire(new)}, so {context.consequence}. Keep {kept}{alternatives}; {_NEW_FIELD}. Types that share "
        "an encoding: int32, uint32, int64, uint64 and bool; sint32 and sint64; fixed32 and sfixed32; "
        "fixed64 and sfixed64; string and bytes."
    )


def _field_named_type_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    if old.is_map and new.is_map:
        return _map_type_changed(context)
    kept = old if context.reader_is_new else new
    return (
        f"{context.subject} has type {old.type_label} in the {context.writer_side} schema but "
        f"{new.type_label} in the {context.reader_side} schema; message and enum types are matched by "
        f"name, so {context.consequence}. Keep {kept.type_label} and evolve that type compatibly instead; "
        f"{_NEW_FIELD}."
    )


def _label(field: FieldShape) -> str:
    return "repeated" if field.repeated else "singular"


def _numeric_label_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    return (
        f"{context.subject} is {_label(old)} in the {context.writer_side} schema but {_label(new)} in the "
        f"{context.reader_side} schema. A repeated {old.type_label} field is packed into one "
        "length-delimited record (the default in proto3 and editions), which a singular reader skips as "
        f"unknown, and a singular one holds one value, so {context.consequence} intact. Keep the field "
        f"{_label(old if context.reader_is_new else new)}; {_NEW_FIELD}."
    )


def _string_or_bytes_label_changed(context: _Context) -> str:
    old, new = context.old_field, context.new_field
    return (
        f"{context.subject} is {_label(old)} in the {context.writer_side} schema and {_label(new)} in the "
        f"{context.reader_side} schema; both are length-delimited records, so a repeated reader reads one "
        "value as a list of one and a singular reader keeps the last value (a message merges them)."
    )


def _required_added(context: _Context) -> str:
    old = context.difference.writer
    before = "does not have it" if old is None else "has it as optional"
    return (
        f"{context.subject} is required in the {context.reader_side} schema, and the {context.writer_side} "
        f"schema {before}. A reader refuses a message without its required fields, and data written with "
        f"the {context.writer_side} schema may lack it, so {context.consequence}. Make the field optional "
        "(proto2 `optional`, or no LEGACY_REQUIRED field presence): required fields can never be added "
        "safely."
    )


def _required_removed(context: _Context) -> str:
    new = context.difference.reader
    after = "does not have it" if new is None else "has it as optional"
    return (
        f"{context.subject} is required in the {context.writer_side} schema, and the {context.reader_side} "
        f"schema {after}. In Protobuf a required field is required forever: a schema without it lets "
        "producers leave it out, and every consumer whose schema requires it refuses such data, so the "
        f"{context.new} and {context.old} schemas cannot be used side by side. Keep the field required "
        "(consumers may ignore it); to drop it, publish a new event type."
    )


def _oneof_added(context: _Context) -> str:
    return (
        f"Message {context.owner} has the oneof '{context.difference.reader}' {context.at_path} in the "
        f"{context.sides}."
    )


def _oneof_removed(context: _Context) -> str:
    return (
        f"Message {context.owner} has the oneof '{context.difference.writer}' {context.at_path} in the "
        f"{context.sides_reversed}; its fields are read on their own."
    )


def _oneof_field_added(context: _Context) -> str:
    return (
        f"{context.subject} is a member of oneof '{context.new_field.oneof}' in the {context.sides}; a "
        "reader that does not know it sees the oneof unset."
    )


def _oneof_field_removed(context: _Context) -> str:
    old = context.old_field
    return (
        f"{context.subject} belongs to oneof '{old.oneof}' in the {context.writer_side} schema but not in "
        f"the {context.reader_side} schema. Data written with '{old.name}' as the oneof's choice has none "
        f"of the {context.reader_side} schema's choices set, so {context.consequence} as it was meant. Keep "
        f"'{old.name}' in oneof '{old.oneof}'."
    )


def _multiple_moved(context: _Context) -> str:
    moved = ", ".join(f"'{field.name}' ({field.number})" for field in context.difference.detail)
    return (
        f"Fields {moved} of message {context.owner} are separate fields in the {context.writer_side} schema "
        f"but members of the new oneof '{context.difference.reader}' {context.at_path} in the "
        f"{context.reader_side} schema. A oneof holds one of its fields, so data that sets several of them "
        f"keeps only the last one read, and {context.consequence} intact. Move at most one existing field "
        "into a new oneof; add new fields for the others' choices."
    )


def _moved_to_existing(context: _Context) -> str:
    new = context.new_field
    return (
        f"{context.subject} is outside oneof '{new.oneof}' in the {context.writer_side} schema but a member "
        f"of it in the {context.reader_side} schema. Data that sets it and another member keeps only the "
        f"last one read, so {context.consequence} intact. Keep '{new.name}' out of the oneof; add a new "
        "field to the oneof instead."
    )


def _wire(field: FieldShape) -> str:
    key = "map" if field.is_map else field.type if field.kind == "scalar" else field.kind
    return _WIRE.get(key, "length-delimited")


_MESSAGES: dict[DifferenceType, Callable[[_Context], str]] = {
    T.PACKAGE_CHANGED: _package_changed,
    T.SYNTAX_VERSION_CHANGED: _syntax_changed,
    T.MESSAGE_ADDED: _message_added,
    T.MESSAGE_REMOVED: _message_removed,
    T.MESSAGE_MOVED: _message_moved,
    T.ENUM_ADDED: _enum_added,
    T.ENUM_REMOVED: _enum_removed,
    T.ENUM_CONST_ADDED: _enum_const_added,
    T.ENUM_CONST_CHANGED: _enum_const_changed,
    T.ENUM_CONST_REMOVED: _enum_const_removed,
    T.FIELD_ADDED: _field_added,
    T.FIELD_REMOVED: _field_removed,
    T.FIELD_NAME_CHANGED: _field_name_changed,
    T.FIELD_KIND_CHANGED: _field_kind_changed,
    T.FIELD_SCALAR_KIND_CHANGED: _field_scalar_kind_changed,
    T.FIELD_NAMED_TYPE_CHANGED: _field_named_type_changed,
    T.FIELD_NUMERIC_LABEL_CHANGED: _numeric_label_changed,
    T.FIELD_STRING_OR_BYTES_LABEL_CHANGED: _string_or_bytes_label_changed,
    T.REQUIRED_FIELD_ADDED: _required_added,
    T.REQUIRED_FIELD_REMOVED: _required_removed,
    T.ONEOF_ADDED: _oneof_added,
    T.ONEOF_REMOVED: _oneof_removed,
    T.ONEOF_FIELD_ADDED: _oneof_field_added,
    T.ONEOF_FIELD_REMOVED: _oneof_field_removed,
    T.MULTIPLE_FIELDS_MOVED_TO_ONEOF: _multiple_moved,
    T.FIELD_MOVED_TO_EXISTING_ONEOF: _moved_to_existing,
}
