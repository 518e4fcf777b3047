"""Which message of a Protobuf file a consumer reads, and what a consumer's reader `.proto` cannot read.

A file may declare several messages. Confluent names a message by its full name (`ProtobufSchema.name()`,
the record name strategy) and, on the wire, by its message indexes, [0] being the first message. The
message an expectation or a sample is about is, in order: the one it names (full name), the top-level
message named like the event type (the one Accord's client writes a dict of that event type as), else
the file's first message (Confluent's default).

A reader `.proto` is compared with the producer's file by the engine's rules (`compare_files`, Confluent's
differences) and only what its message reads counts: the differences inside the messages and enums that
message reaches through its fields, in its own file and in the files it imports (each compared with the
producer's file of the same import path; the registry leaves imported types to their own subjects, but a
reader decodes them all the same). What the reader's file lacks and never uses (other messages, a package of
its own) cannot stop it from decoding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from google.protobuf import descriptor_pb2

from registry.compatibility.protobuf.compiler import MAIN_FILE
from registry.compatibility.protobuf.differences import compare_files
from registry.compatibility.protobuf.messages import describe
from registry.compatibility.protobuf.model import read_shape
from registry.compatibility.protobuf.schema import ProtobufSchema
from registry.compatibility.result import Incompatibility
from registry.compatibility.schema import SchemaParseError, pointer_tokens

if TYPE_CHECKING:
    from google.protobuf.descriptor import Descriptor
    from google.protobuf.descriptor_pool import DescriptorPool

    from registry.compatibility.protobuf.model import FileShape
    from registry.compatibility.schema import ParsedSchema, Roles

_IRRELEVANT = frozenset({"PACKAGE_CHANGED", "MESSAGE_REMOVED", "ENUM_REMOVED"})


def select_message(
    schema: ParsedSchema, *, message: str | None = None, event_type: str | None = None
) -> Descriptor:
    """The message of the Protobuf `schema` that `message` names, else the one named like `event_type`,
    else the first.

    Raises SchemaParseError when `schema` is not Protobuf, has no message, or none of the name given.
    """
    if not isinstance(schema, ProtobufSchema):
        raise SchemaParseError(f"a {schema.schema_type} schema has no Protobuf messages")
    file = schema.file_descriptor
    if message:
        found = next((entry for entry in schema.messages if entry.name == message.lstrip(".")), None)
        if found is None:
            declared = ", ".join(entry.name for entry in schema.messages) or "none"
            raise SchemaParseError(
                f"the Protobuf schema has no message {message!r} (its messages: {declared})"
            )
        return schema.pool.FindMessageTypeByName(found.name)
    if event_type and event_type in file.message_types_by_name:
        return file.message_types_by_name[event_type]
    if not file.message_types_by_name:
        raise SchemaParseError("the Protobuf schema declares no message")
    return next(iter(file.message_types_by_name.values()))


def reader_gaps(
    reader: ProtobufSchema,
    writer: ProtobufSchema,
    *,
    roles: Roles,
    message: str | None = None,
    event_type: str | None = None,
) -> list[Incompatibility]:
    """Why the reader's message cannot decode every message the writer publishes (empty: it can)."""
    read = select_message(reader, message=message, event_type=event_type)
    published = select_message(writer, message=message, event_type=event_type)
    if _local_name(read) != _local_name(published):
        return [
            Incompatibility(
                "MESSAGE_MISMATCH",
                _path(_local_name(read)),
                f"the consumer decodes {read.full_name}, but the producer publishes {published.full_name} "
                f"as this event; name the message in the expectation or read {_local_name(published)}",
            )
        ]
    issues = []
    for file_name, reached in _reached(read).items():
        try:
            written = writer.pool.FindFileByName(file_name)
        except KeyError:
            continue  # the producer's types come from elsewhere: the fields naming them differ above
        reader_shape = reader.shape if file_name == MAIN_FILE else _shape(read.file.pool, file_name)
        writer_shape = writer.shape if written is writer.file_descriptor else _shape(writer.pool, file_name)
        declared = {*reader_shape.messages, *reader_shape.enums}
        issues += [
            Incompatibility(difference.type.value, difference.path, describe(difference, roles))
            for difference in compare_files(writer_shape, reader_shape)
            if not difference.compatible
            and difference.type.value not in _IRRELEVANT
            and _concerns(difference.path, declared, reached)
        ]
    return issues


def _local_name(message: Any) -> str:
    package = message.file.package
    full_name = str(message.full_name)
    return full_name.removeprefix(f"{package}.") if package else full_name


def _shape(pool: DescriptorPool, file_name: str) -> FileShape:
    proto = descriptor_pb2.FileDescriptorProto()
    pool.FindFileByName(file_name).CopyToProto(proto)
    return read_shape(proto, pool)


def _reached(root: Descriptor) -> dict[str, set[str]]:
    """Per file (but Google's own), the names within its package of the messages and enums that root
    reaches through its fields; root's own file first."""
    reached: dict[str, set[str]] = {root.file.name: set()}
    pending = [root]
    while pending:
        message = pending.pop()
        names = reached.setdefault(message.file.name, set())
        if _local_name(message) in names:
            continue
        names.add(_local_name(message))
        for field in message.fields:
            if field.enum_type is not None:
                reached.setdefault(field.enum_type.file.name, set()).add(_local_name(field.enum_type))
            if field.message_type is not None:
                pending.append(field.message_type)
    return {name: names for name, names in reached.items() if not name.startswith("google/protobuf/")}


def _concerns(path: str, declared: set[str], reached: set[str]) -> bool:
    """Whether the place `path` names is in a message or enum the reader reaches (or is the file itself):
    the innermost message or enum of the reader's file that the path goes through decides."""
    tokens = pointer_tokens(path)
    if tokens in ([], [""]):
        return True  # the file as a whole: its syntax
    names = [".".join(tokens[:count]) for count in range(1, len(tokens) + 1)]
    innermost = next((name for name in reversed(names) if name in declared), None)
    return innermost is not None and innermost in reached


def _path(name: str) -> str:
    return "#/" + name.replace(".", "/")
