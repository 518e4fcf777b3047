"""The normalized form of a schema (`normalize=true`): one text for every way of writing the same file.

Printing already removes comments and whitespace and puts options in field-number order; here imports
are sorted, fields are ordered by number, and reserved ranges, reserved names, extension ranges and
extensions are sorted. Messages keep their order (it gives them their message indexes on the wire) and
so do enum constants (a proto2 enum field defaults to the first one).
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2


def normalized_descriptor(file: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """A copy of `file` with the order that carries no meaning made canonical."""
    normalized = descriptor_pb2.FileDescriptorProto()
    normalized.CopyFrom(file)
    _sort_imports(normalized)
    for message in normalized.message_type:
        _normalize_message(message)
    _sort_extensions(normalized.extension)
    return normalized


def _sort_imports(file: descriptor_pb2.FileDescriptorProto) -> None:
    names = list(file.dependency)
    public = {names[index] for index in file.public_dependency}
    weak = {names[index] for index in file.weak_dependency}
    ordered = sorted(names)
    del file.dependency[:]
    file.dependency.extend(ordered)
    del file.public_dependency[:]
    file.public_dependency.extend(index for index, name in enumerate(ordered) if name in public)
    del file.weak_dependency[:]
    file.weak_dependency.extend(index for index, name in enumerate(ordered) if name in weak)


def _normalize_message(message: descriptor_pb2.DescriptorProto) -> None:
    fields = sorted(message.field, key=lambda field: field.number)
    del message.field[:]
    message.field.extend(fields)
    ranges = sorted(message.reserved_range, key=lambda span: span.start)
    del message.reserved_range[:]
    message.reserved_range.extend(ranges)
    names = sorted(message.reserved_name)
    del message.reserved_name[:]
    message.reserved_name.extend(names)
    extension_ranges = sorted(message.extension_range, key=lambda span: span.start)
    del message.extension_range[:]
    message.extension_range.extend(extension_ranges)
    _sort_extensions(message.extension)
    for nested in message.nested_type:
        _normalize_message(nested)


def _sort_extensions(extensions: Any) -> None:
    """Sorts a repeated field of FieldDescriptorProtos in place, by extendee and number."""
    ordered = sorted(extensions, key=lambda field: (field.extendee, field.number))
    del extensions[:]
    extensions.extend(ordered)
