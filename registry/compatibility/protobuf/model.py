"""What a schema's compatibility depends on, read once from its descriptors: per message its fields by
number and its oneofs, per enum its constants, and the message indexes of Confluent's wire format.

Fields are read from the descriptor pool, which has resolved what the syntax implies: editions'
LEGACY_REQUIRED presence is `required` and DELIMITED encoding is a group, as proto2 spells them.
Paths name a place the way compatibility messages report it: `#/Order/LineItem` for a message (its name
within the package, one step per level of nesting), `#/Order/3` for field number 3 of Order,
`#/Order/payment` for a oneof, `#/Status/2` for a constant of enum Status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from google.protobuf import descriptor
from google.protobuf.descriptor import FieldDescriptor

from registry.compatibility.protobuf.printing import syntax_label

if TYPE_CHECKING:
    from google.protobuf import descriptor_pb2
    from google.protobuf.descriptor_pool import DescriptorPool

SCALAR_NAMES = {
    FieldDescriptor.TYPE_DOUBLE: "double",
    FieldDescriptor.TYPE_FLOAT: "float",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT64: "uint64",
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_FIXED64: "fixed64",
    FieldDescriptor.TYPE_FIXED32: "fixed32",
    FieldDescriptor.TYPE_BOOL: "bool",
    FieldDescriptor.TYPE_STRING: "string",
    FieldDescriptor.TYPE_BYTES: "bytes",
    FieldDescriptor.TYPE_UINT32: "uint32",
    FieldDescriptor.TYPE_SFIXED32: "sfixed32",
    FieldDescriptor.TYPE_SFIXED64: "sfixed64",
    FieldDescriptor.TYPE_SINT32: "sint32",
    FieldDescriptor.TYPE_SINT64: "sint64",
}


@dataclass(frozen=True, slots=True)
class FieldShape:
    """One field as the wire sees it. `kind` is scalar, message, enum or group; `type` is the scalar's
    name or the named type's key (its name within the package when this file defines it, else its full
    name with a leading dot); `type_label` is how messages name the type."""

    number: int
    name: str
    json_name: str
    kind: str
    type: str
    type_label: str
    repeated: bool
    required: bool
    is_map: bool
    oneof: str | None
    map_key: FieldShape | None = None  # a map's key and value, compared instead of its entry type
    map_value: FieldShape | None = None


@dataclass(frozen=True, slots=True)
class MessageShape:
    full_name: str
    name: str  # within the package: "Order.LineItem"
    path: str
    indexes: tuple[int, ...]
    fields: dict[int, FieldShape]
    oneofs: dict[str, tuple[int, ...]]  # real oneofs (not proto3 `optional`'s), with their field numbers


@dataclass(frozen=True, slots=True)
class EnumShape:
    full_name: str
    name: str
    path: str
    constants: dict[int, tuple[str, ...]]  # number -> names (several with allow_alias)
    closed: bool


@dataclass(frozen=True, slots=True)
class FileShape:
    package: str
    syntax: str
    messages: dict[str, MessageShape]  # by name within the package, in file order (nested after parent)
    enums: dict[str, EnumShape]

    def message_by_path(self, tokens: list[str]) -> tuple[MessageShape | None, int]:
        """The message the leading name tokens of a path name, and how many tokens that took."""
        found: MessageShape | None = None
        taken = 0
        for count in range(1, len(tokens) + 1):
            candidate = self.messages.get(".".join(tokens[:count]))
            if candidate is None:
                break
            found, taken = candidate, count
        return found, taken


def read_shape(file: descriptor_pb2.FileDescriptorProto, pool: DescriptorPool) -> FileShape:
    """The shape of `file`, whose descriptors `pool` holds."""
    reader = _ShapeReader(file, pool)
    for index, message in enumerate(file.message_type):
        reader.message(message, prefix="", indexes=(index,))
    for enum in file.enum_type:
        reader.enum(enum, prefix="")
    return FileShape(file.package, syntax_label(file), reader.messages, reader.enums)


class _ShapeReader:
    def __init__(self, file: descriptor_pb2.FileDescriptorProto, pool: DescriptorPool) -> None:
        self.file = file
        self.pool = pool
        self.package_prefix = f"{file.package}." if file.package else ""
        self.messages: dict[str, MessageShape] = {}
        self.enums: dict[str, EnumShape] = {}

    def message(
        self, proto: descriptor_pb2.DescriptorProto, *, prefix: str, indexes: tuple[int, ...]
    ) -> None:
        name = prefix + proto.name
        resolved = self.pool.FindMessageTypeByName(self.package_prefix + name)
        synthetic = {field.oneof_index for field in proto.field if field.proto3_optional}
        real_oneofs = [oneof.name for index, oneof in enumerate(proto.oneof_decl) if index not in synthetic]
        fields = {field.number: self.field(field, real_oneofs) for field in resolved.fields}
        oneofs = {
            oneof.name: tuple(field.number for field in oneof.fields)
            for oneof in resolved.oneofs
            if oneof.name in real_oneofs
        }
        self.messages[name] = MessageShape(resolved.full_name, name, _path(name), indexes, fields, oneofs)
        for index, nested in enumerate(proto.nested_type):
            if not nested.options.map_entry:
                self.message(nested, prefix=name + ".", indexes=(*indexes, index))
        for enum in proto.enum_type:
            self.enum(enum, prefix=name + ".")

    def enum(self, proto: descriptor_pb2.EnumDescriptorProto, *, prefix: str) -> None:
        name = prefix + proto.name
        constants: dict[int, tuple[str, ...]] = {}
        for value in proto.value:
            constants[value.number] = (*constants.get(value.number, ()), value.name)
        closed = self.pool.FindEnumTypeByName(self.package_prefix + name).is_closed
        self.enums[name] = EnumShape(self.package_prefix + name, name, _path(name), constants, closed)

    def field(self, field: FieldDescriptor, real_oneofs: list[str]) -> FieldShape:
        oneof = field.containing_oneof
        is_map = bool(field.message_type is not None and field.message_type.GetOptions().map_entry)
        if field.type in SCALAR_NAMES:
            kind, key = "scalar", SCALAR_NAMES[field.type]
            label = key
        else:
            named = field.message_type if field.enum_type is None else field.enum_type
            kind = {FieldDescriptor.TYPE_ENUM: "enum", FieldDescriptor.TYPE_GROUP: "group"}.get(
                field.type, "message"
            )
            key = self.type_key(named)
            label = _map_label(field) if is_map else f"{kind} {named.full_name}"
        return FieldShape(
            number=field.number,
            name=field.name,
            json_name=field.json_name,
            kind=kind,
            type=key,
            type_label=label,
            repeated=field.is_repeated,
            required=field.is_required,
            is_map=is_map,
            oneof=oneof.name if oneof is not None and oneof.name in real_oneofs else None,
            map_key=self.field(field.message_type.fields_by_number[1], []) if is_map else None,
            map_value=self.field(field.message_type.fields_by_number[2], []) if is_map else None,
        )

    def type_key(self, named: descriptor.Descriptor | descriptor.EnumDescriptor) -> str:
        full_name: str = named.full_name
        if named.file.name == self.file.name:
            return full_name.removeprefix(self.package_prefix)
        return "." + full_name


def _map_label(field: FieldDescriptor) -> str:
    key, value = field.message_type.fields_by_number[1], field.message_type.fields_by_number[2]
    return f"map<{_type_label(key)}, {_type_label(value)}>"


def _type_label(field: FieldDescriptor) -> str:
    if field.type in SCALAR_NAMES:
        return SCALAR_NAMES[field.type]
    named = field.message_type if field.enum_type is None else field.enum_type
    return str(named.full_name)


def _path(name: str) -> str:
    return "#/" + name.replace(".", "/")
