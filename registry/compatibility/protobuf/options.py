"""Options as `.proto` source writes them: `java_package = "com.acme"`, `(.confluent.field_meta) = {...}`.

A descriptor keeps custom options (extensions of `google.protobuf.*Options`) as extension fields that only
a pool which defines them can name, so options are read again with the option types of the schema's own
descriptor pool.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from google.protobuf import message_factory, text_encoding, text_format, unknown_fields
from google.protobuf.descriptor import FieldDescriptor

from registry.compatibility.schema import SchemaParseError

if TYPE_CHECKING:
    from google.protobuf.descriptor_pool import DescriptorPool
    from google.protobuf.message import Message

# Set by protoc for map entries: the printer writes `map<K, V>` instead.
_IMPLIED = frozenset({"google.protobuf.MessageOptions.map_entry"})


class OptionReader:
    """Reads options messages as the pool that holds the schema's files understands them."""

    def __init__(self, pool: DescriptorPool | None, *, custom: bool = True) -> None:
        self.pool = pool
        self.custom = custom

    def without_custom(self) -> OptionReader:
        """A reader that leaves custom options out (Confluent's `format=ignore_extensions`)."""
        return OptionReader(self.pool, custom=False)

    def entries(self, options: Message) -> list[tuple[str, str]]:
        """(name, value) pairs in field-number order; a repeated option gives one pair per value."""
        if not options.ByteSize():
            return []
        resolved = self._resolved(options)
        pairs: list[tuple[str, str]] = []
        for field, value in resolved.ListFields():
            if field.full_name in _IMPLIED or (field.is_extension and not self.custom):
                continue
            name = f"(.{field.full_name})" if field.is_extension else field.name
            values = value if field.is_repeated else [value]
            pairs.extend((name, format_value(field, item)) for item in values)
        return pairs

    def _resolved(self, options: Message) -> Message:
        full_name = options.DESCRIPTOR.full_name
        resolved = options
        if self.pool is not None:
            try:
                own_type = self.pool.FindMessageTypeByName(full_name)
            except KeyError:
                own_type = None  # no custom options without descriptor.proto in the pool
            if own_type is not None:
                resolved = message_factory.GetMessageClass(own_type).FromString(options.SerializeToString())
        unknown = unknown_fields.UnknownFieldSet(resolved)
        if len(unknown):
            numbers = ", ".join(str(unknown[index].field_number) for index in range(len(unknown)))
            raise SchemaParseError(
                f"Invalid Protobuf schema: {full_name} sets option number {numbers}, but no file it imports "
                "defines an extension with that number; import the file that defines the custom option"
            )
        return resolved


def format_value(field: FieldDescriptor, value: Any) -> str:
    """A value of `field` as a `.proto` constant: `"text"`, `42`, `inf`, `ENUM_NAME`, `{ a: 1 }`."""
    if field.type in (FieldDescriptor.TYPE_MESSAGE, FieldDescriptor.TYPE_GROUP):
        body = text_format.MessageToString(value, as_one_line=True)
        return "{ " + body + " }" if body else "{}"
    if field.type == FieldDescriptor.TYPE_ENUM:
        constant = field.enum_type.values_by_number.get(value)
        return constant.name if constant is not None else str(value)
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "true" if value else "false"
    if field.type == FieldDescriptor.TYPE_STRING:
        return quoted(value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        escaped: str = text_encoding.CEscape(value, as_utf8=False)
        return '"' + escaped + '"'
    if field.type in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return format_float(value)
    return str(value)


def format_float(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


def quoted(text: str) -> str:
    escaped: str = text_encoding.CEscape(text, as_utf8=True)
    return '"' + escaped + '"'
