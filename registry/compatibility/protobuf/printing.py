"""A FileDescriptorProto written back as `.proto` source that protoc compiles to the same descriptor.

The layout is fixed, so the text depends only on the descriptor: two-space indents, type names fully
qualified (`.acme.Address`), options in field-number order, and in each message its options, then its
fields (a oneof at the place of its first field, a group with its body, a map as `map<K, V>`), nested
messages, enums, extension ranges, nested `extend` blocks and reserved numbers and names. Messages keep
their order, which gives them their message indexes on the wire. Comments are not kept: a descriptor
has none (Confluent's registry drops them too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor_pb2 import DescriptorProto as MessageProto
from google.protobuf.descriptor_pb2 import FieldDescriptorProto as FieldProto

from registry.compatibility.protobuf.options import OptionReader, quoted

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

MAX_FIELD_NUMBER = 536_870_911
MAX_ENUM_NUMBER = 2_147_483_647


def syntax_of(file: descriptor_pb2.FileDescriptorProto) -> str:
    """ "proto2", "proto3" or "editions" (protoc leaves `syntax` empty for proto2)."""
    return file.syntax or "proto2"


def syntax_label(file: descriptor_pb2.FileDescriptorProto) -> str:
    """The file's syntax as a person names it: proto2, proto3, edition 2023."""
    if syntax_of(file) == "editions":
        edition: str = descriptor_pb2.Edition.Name(file.edition)
        return "edition " + edition.removeprefix("EDITION_")
    return syntax_of(file)


def default_json_name(name: str) -> str:
    """The JSON name protoc gives a field that does not set `json_name`: underscores dropped, each letter
    after one upper-cased."""
    parts = name.split("_")
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def print_file(
    file: descriptor_pb2.FileDescriptorProto, options: OptionReader, *, extensions: bool = True
) -> str:
    """The `.proto` source of `file`. Without `extensions` (Confluent's `ignore_extensions`), custom
    options and `extend` blocks are left out."""
    reader = options if extensions else options.without_custom()
    return _Printer(file, reader, extensions).text()


class _Printer:
    def __init__(
        self, file: descriptor_pb2.FileDescriptorProto, options: OptionReader, extensions: bool
    ) -> None:
        self.file = file
        self.syntax = syntax_of(file)
        self.options = options
        self.extensions = extensions
        self.lines: list[str] = []
        self.depth = 0

    def text(self) -> str:
        file = self.file
        if self.syntax == "editions":
            self.line(f"edition = {quoted(syntax_label(file).removeprefix('edition '))};")
        else:
            self.line(f"syntax = {quoted(self.syntax)};")
        if file.package:
            self.line(f"package {file.package};")
        self.section(self.import_lines())
        self.section(f"option {name} = {value};" for name, value in self.options.entries(file.options))
        group_bodies = {field.type_name.rpartition(".")[2] for field in file.extension if _is_group(field)}
        for message in file.message_type:
            if message.name not in group_bodies or not self.extensions:
                self.blank()
                self.message(message)
        for enum in file.enum_type:
            self.blank()
            self.enum(enum)
        for service in file.service:
            self.blank()
            self.service(service)
        if self.extensions:
            for extendee, fields in _extend_blocks(file.extension):
                self.blank()
                self.extend(extendee, fields, file.message_type)
        return "\n".join(self.lines) + "\n"

    def import_lines(self) -> list[str]:
        public, weak = set(self.file.public_dependency), set(self.file.weak_dependency)
        lines = []
        for index, name in enumerate(self.file.dependency):
            kind = "public " if index in public else "weak " if index in weak else ""
            lines.append(f"import {kind}{quoted(name)};")
        return lines

    def line(self, text: str) -> None:
        self.lines.append("  " * self.depth + text)

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def section(self, lines: Iterable[str]) -> None:
        shown = list(lines)
        if shown:
            self.blank()
            for text in shown:
                self.line(text)

    def open(self, header: str, body: bool) -> bool:
        if not body:
            self.line(header + " {}")
            return False
        self.line(header + " {")
        self.depth += 1
        return True

    def close(self) -> None:
        self.depth -= 1
        self.line("}")

    def message(self, message: MessageProto, header: str | None = None) -> None:
        inlined = _inlined_types(message)
        nested = [inner for inner in message.nested_type if inner.name not in inlined]
        body = any(
            (
                self.options.entries(message.options),
                message.field,
                nested,
                message.enum_type,
                message.extension_range,
                self.extensions and message.extension,
                message.reserved_range,
                message.reserved_name,
            )
        )
        if not self.open(header or f"message {message.name}", body):
            return
        for name, value in self.options.entries(message.options):
            self.line(f"option {name} = {value};")
        self.fields(message)
        for inner in nested:
            self.message(inner)
        for enum in message.enum_type:
            self.enum(enum)
        for extension_range in message.extension_range:
            end = "max" if extension_range.end - 1 >= MAX_FIELD_NUMBER else str(extension_range.end - 1)
            numbers = _span(extension_range.start, end)
            self.line(f"extensions {numbers}{self.bracketed(self.options.entries(extension_range.options))};")
        if self.extensions:
            for extendee, fields in _extend_blocks(message.extension):
                self.extend(extendee, fields, message.nested_type)
        self.reserved(
            [(span.start, span.end - 1) for span in message.reserved_range],
            message.reserved_name,
            MAX_FIELD_NUMBER,
        )
        self.close()

    def fields(self, message: MessageProto) -> None:
        real_oneofs = _real_oneofs(message)
        printed_oneofs: set[int] = set()
        for field in message.field:
            if field.HasField("oneof_index") and field.oneof_index in real_oneofs:
                if field.oneof_index in printed_oneofs:
                    continue
                printed_oneofs.add(field.oneof_index)
                self.oneof(message, field.oneof_index)
            else:
                self.field(field, message.nested_type)

    def oneof(self, message: MessageProto, index: int) -> None:
        oneof = message.oneof_decl[index]
        self.open(f"oneof {oneof.name}", True)
        for name, value in self.options.entries(oneof.options):
            self.line(f"option {name} = {value};")
        for field in message.field:
            if field.HasField("oneof_index") and field.oneof_index == index:
                self.field(field, message.nested_type, in_oneof=True)
        self.close()

    def field(self, field: FieldProto, siblings: Sequence[MessageProto], *, in_oneof: bool = False) -> None:
        entry = _map_entry(field, siblings)
        options = self.bracketed(self.field_options(field))
        if entry is not None:
            key, value = entry.field[0], entry.field[1]
            self.line(f"map<{_type_name(key)}, {_type_name(value)}> {field.name} = {field.number}{options};")
            return
        label = "" if in_oneof else self.label(field)
        if _is_group(field):
            group = _local_type(field, siblings)
            self.message(group, header=f"{label}group {group.name} = {field.number}{options}")
            return
        self.line(f"{label}{_type_name(field)} {field.name} = {field.number}{options};")

    def label(self, field: FieldProto) -> str:
        if field.label == FieldProto.LABEL_REPEATED:
            return "repeated "
        if self.syntax == "proto2":
            return "required " if field.label == FieldProto.LABEL_REQUIRED else "optional "
        return "optional " if field.proto3_optional else ""

    def field_options(self, field: FieldProto) -> list[tuple[str, str]]:
        entries = []
        if field.HasField("default_value"):
            entries.append(("default", _default_value(field)))
        if field.HasField("json_name") and field.json_name != default_json_name(field.name):
            entries.append(("json_name", quoted(field.json_name)))
        return entries + self.options.entries(field.options)

    def enum(self, enum: descriptor_pb2.EnumDescriptorProto) -> None:
        self.open(f"enum {enum.name}", True)
        for name, value in self.options.entries(enum.options):
            self.line(f"option {name} = {value};")
        for constant in enum.value:
            constant_options = self.bracketed(self.options.entries(constant.options))
            self.line(f"{constant.name} = {constant.number}{constant_options};")
        self.reserved(
            [(span.start, span.end) for span in enum.reserved_range], enum.reserved_name, MAX_ENUM_NUMBER
        )
        self.close()

    def service(self, service: descriptor_pb2.ServiceDescriptorProto) -> None:
        service_options = self.options.entries(service.options)
        if not self.open(f"service {service.name}", bool(service_options or service.method)):
            return
        for name, value in service_options:
            self.line(f"option {name} = {value};")
        for method in service.method:
            request = ("stream " if method.client_streaming else "") + method.input_type
            response = ("stream " if method.server_streaming else "") + method.output_type
            header = f"rpc {method.name}({request}) returns ({response})"
            method_options = self.options.entries(method.options)
            if not method_options:
                self.line(header + ";")
                continue
            self.open(header, True)
            for name, value in method_options:
                self.line(f"option {name} = {value};")
            self.close()
        self.close()

    def extend(self, extendee: str, fields: list[FieldProto], siblings: Sequence[MessageProto]) -> None:
        self.open(f"extend {extendee}", True)
        for field in fields:
            self.field(field, siblings)
        self.close()

    def reserved(self, spans: list[tuple[int, int]], names: Sequence[str], maximum: int) -> None:
        if spans:
            self.line(
                "reserved "
                + ", ".join(_span(start, "max" if end >= maximum else str(end)) for start, end in spans)
                + ";"
            )
        if names:
            shown = names if self.syntax == "editions" else [quoted(name) for name in names]
            self.line("reserved " + ", ".join(shown) + ";")

    @staticmethod
    def bracketed(entries: list[tuple[str, str]]) -> str:
        return " [" + ", ".join(f"{name} = {value}" for name, value in entries) + "]" if entries else ""


def _span(start: int, end: str) -> str:
    return str(start) if end == str(start) else f"{start} to {end}"


def _type_name(field: FieldProto) -> str:
    if (
        field.type in (FieldProto.TYPE_MESSAGE, FieldProto.TYPE_ENUM, FieldProto.TYPE_GROUP)
        or field.type_name
    ):
        return str(field.type_name)
    type_name: str = FieldProto.Type.Name(field.type)
    return type_name.removeprefix("TYPE_").lower()


def _default_value(field: FieldProto) -> str:
    if field.type == FieldProto.TYPE_STRING:
        return quoted(field.default_value)
    if field.type == FieldProto.TYPE_BYTES:
        return f'"{field.default_value}"'  # already C-escaped in a descriptor
    return str(field.default_value)


def _is_group(field: FieldProto) -> bool:
    return bool(field.type == FieldProto.TYPE_GROUP)


def _real_oneofs(message: MessageProto) -> set[int]:
    """The oneofs written as `oneof` blocks: not the synthetic ones protoc makes for proto3 `optional`."""
    synthetic = {field.oneof_index for field in message.field if field.proto3_optional}
    return {index for index in range(len(message.oneof_decl)) if index not in synthetic}


def _local_type(field: FieldProto, siblings: Sequence[MessageProto]) -> MessageProto:
    simple = field.type_name.rpartition(".")[2]
    return next(inner for inner in siblings if inner.name == simple)


def _map_entry(field: FieldProto, siblings: Sequence[MessageProto]) -> MessageProto | None:
    if field.label != FieldProto.LABEL_REPEATED or field.type != FieldProto.TYPE_MESSAGE:
        return None
    simple = field.type_name.rpartition(".")[2]
    for inner in siblings:
        if inner.name == simple and inner.options.map_entry:
            return inner
    return None


def _inlined_types(message: MessageProto) -> set[str]:
    """Nested types written inside the field that uses them: map entries and group bodies."""
    inlined = {inner.name for inner in message.nested_type if inner.options.map_entry}
    for field in [*message.field, *message.extension]:
        if _is_group(field):
            inlined.add(field.type_name.rpartition(".")[2])
    return inlined


def _extend_blocks(fields: Iterable[FieldProto]) -> list[tuple[str, list[FieldProto]]]:
    """Extensions grouped into `extend` blocks: consecutive ones with the same extendee share a block."""
    blocks: list[tuple[str, list[FieldProto]]] = []
    for field in fields:
        if blocks and blocks[-1][0] == field.extendee:
            blocks[-1][1].append(field)
        else:
            blocks.append((field.extendee, [field]))
    return blocks
