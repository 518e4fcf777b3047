"""What a schema's compatibility depends on, read once from its descriptors: per message its fields by
number and its oneofs, per enum its constants, and the message indexes of Confluent's wire format.

Fields are read from the descriptor pool, which has resolved what the syntax implies: editions'
LEGACY_REQUIRED presence is `required` and DELIMITED encoding is a group, as proto2 spells them.
Paths name a place the way compatibility messages report it: `#/Order/LineItem` for a message (its name
within the package, one step per level of nesting), `#/Order/3` for field number 3 of Order,
`#/Order/payment` for a oneof, `#/Status/2` for a constant of enum Status.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.descriptor_pb2 import FieldDescriptorProto

from registry.compatibility.protobuf.printing import default_json_name, syntax_label, syntax_of

if TYPE_CHECKING:
    from collections.abc import Iterable

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


class FieldShape(NamedTuple):
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

    def signature(self) -> tuple[object, ...]:
        """What compatibility compares, as a tuple: equal tuples mean no difference to report."""
        return (
            self.name,
            self.json_name,
            self.kind,
            self.type,
            self.repeated,
            self.required,
            self.oneof,
            None if self.map_key is None else self.map_key.signature(),
            None if self.map_value is None else self.map_value.signature(),
        )


@dataclass(frozen=True, slots=True)
class MessageShape:
    full_name: str
    name: str  # within the package: "Order.LineItem"
    path: str
    indexes: tuple[int, ...]
    fields: dict[int, FieldShape]
    oneofs: dict[str, tuple[int, ...]]  # real oneofs (not proto3 `optional`'s), with their field numbers
    signatures: dict[int, tuple[object, ...]]  # FieldShape.signature() by field number
    fingerprint: bytes  # a digest of the indexes and signatures: equal when nothing differs


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
    """Reads the descriptor protos; only editions, whose features decide presence, encoding and enum
    openness, also ask the pool, which has resolved them."""

    def __init__(self, file: descriptor_pb2.FileDescriptorProto, pool: DescriptorPool) -> None:
        self.file = file
        self.pool = pool
        self.syntax = syntax_of(file)
        self.package_prefix = f"{file.package}." if file.package else ""
        self.messages: dict[str, MessageShape] = {}
        self.enums: dict[str, EnumShape] = {}
        self.local_types: set[str] = set()
        self.map_entries: dict[str, descriptor_pb2.DescriptorProto] = {}
        self._collect("." + self.package_prefix, file.message_type, file.enum_type)

    def _collect(
        self, scope: str, messages: Iterable[descriptor_pb2.DescriptorProto], enums: Iterable[Any]
    ) -> None:
        for enum in enums:
            self.local_types.add(scope + enum.name)
        for message in messages:
            full_name = scope + message.name
            self.local_types.add(full_name)
            if message.options.map_entry:
                self.map_entries[full_name] = message
            self._collect(full_name + ".", message.nested_type, message.enum_type)

    def message(
        self, proto: descriptor_pb2.DescriptorProto, *, prefix: str, indexes: tuple[int, ...]
    ) -> None:
        name = prefix + proto.name
        full_name = self.package_prefix + name
        resolved = self.pool.FindMessageTypeByName(full_name) if self.syntax == "editions" else None
        synthetic = {field.oneof_index for field in proto.field if field.proto3_optional}
        real_oneofs = {
            index: oneof.name for index, oneof in enumerate(proto.oneof_decl) if index not in synthetic
        }
        fields = {
            field.number: self.field(
                field, real_oneofs, resolved.fields_by_number[field.number] if resolved is not None else None
            )
            for field in proto.field
        }
        oneofs = {
            oneof: tuple(number for number, field in fields.items() if field.oneof == oneof)
            for oneof in real_oneofs.values()
        }
        signatures = {number: field.signature() for number, field in fields.items()}
        structure = repr((indexes, tuple(signatures.items()), tuple(oneofs.items()))).encode()
        fingerprint = hashlib.blake2b(structure, digest_size=16).digest()
        self.messages[name] = MessageShape(
            full_name, name, _path(name), indexes, fields, oneofs, signatures, fingerprint
        )
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
        if self.syntax == "editions":
            closed = bool(self.pool.FindEnumTypeByName(self.package_prefix + name).is_closed)
        else:
            closed = self.syntax == "proto2"
        self.enums[name] = EnumShape(self.package_prefix + name, name, _path(name), constants, closed)

    def field(
        self,
        proto: descriptor_pb2.FieldDescriptorProto,
        real_oneofs: dict[int, str],
        resolved: FieldDescriptor | None,
    ) -> FieldShape:
        field_type = resolved.type if resolved is not None else proto.type
        required = resolved.is_required if resolved is not None else proto.label == _LABEL_REQUIRED
        repeated = proto.label == _LABEL_REPEATED
        entry = self.map_entries.get(proto.type_name) if repeated else None
        map_key = map_value = None
        if field_type in SCALAR_NAMES:
            kind, key = "scalar", SCALAR_NAMES[field_type]
            label = key
        else:
            kind = {_TYPE_ENUM: "enum", _TYPE_GROUP: "group"}.get(field_type, "message")
            named = proto.type_name
            key = named[1:].removeprefix(self.package_prefix) if named in self.local_types else named
            label = f"{kind} {named[1:]}"
            if entry is not None:
                map_key, map_value = (self.field(inner, {}, None) for inner in entry.field)
                label = f"map<{map_key.type_label}, {map_value.type_label.rpartition(' ')[2]}>"
        return FieldShape(
            number=proto.number,
            name=proto.name,
            json_name=proto.json_name if proto.HasField("json_name") else default_json_name(proto.name),
            kind=kind,
            type=key,
            type_label=label,
            repeated=repeated,
            required=bool(required),
            is_map=entry is not None,
            oneof=real_oneofs.get(proto.oneof_index) if proto.HasField("oneof_index") else None,
            map_key=map_key,
            map_value=map_value,
        )


_LABEL_REQUIRED = FieldDescriptorProto.LABEL_REQUIRED
_LABEL_REPEATED = FieldDescriptorProto.LABEL_REPEATED
_TYPE_ENUM = FieldDescriptor.TYPE_ENUM
_TYPE_GROUP = FieldDescriptor.TYPE_GROUP


def _path(name: str) -> str:
    return "#/" + name.replace(".", "/")
