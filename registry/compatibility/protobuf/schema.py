"""`ProtobufSchema`: a compiled Protobuf schema as the compatibility engine and the registry use it."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from google.protobuf import descriptor_pool

from registry.compatibility.protobuf.compiler import MAIN_FILE, compile_schema
from registry.compatibility.protobuf.differences import compare_files
from registry.compatibility.protobuf.locations import data_path
from registry.compatibility.protobuf.messages import describe
from registry.compatibility.protobuf.model import read_shape
from registry.compatibility.protobuf.normalization import normalized_descriptor
from registry.compatibility.protobuf.options import OptionReader
from registry.compatibility.protobuf.printing import print_file
from registry.compatibility.result import Change, Incompatibility
from registry.compatibility.schema import ParsedSchema, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from google.protobuf import descriptor, descriptor_pb2

    from registry.compatibility.levels import CompatibilityPolicy
    from registry.compatibility.protobuf.differences import Difference
    from registry.compatibility.protobuf.model import FileShape
    from registry.compatibility.schema import ResolvedReference, Roles


@dataclass(frozen=True, slots=True)
class MessageIndex:
    """A message of the file and its message indexes in Confluent's wire format: the position of each
    enclosing message and then its own, counting nested types as the descriptor orders them
    ([0] is the first top-level message, [1, 0] the first nested message of the second)."""

    name: str
    indexes: tuple[int, ...]


class ProtobufSchema(ParsedSchema):
    """A Protobuf file that protoc compiled, with its imports. Its descriptors live in a pool of its own,
    so schemas that define the same names never clash."""

    schema_type = SchemaType.PROTOBUF

    def __init__(
        self,
        text: str,
        references: Sequence[ResolvedReference],
        *,
        files: Sequence[descriptor_pb2.FileDescriptorProto],
    ) -> None:
        super().__init__(text, references)
        self.descriptor_proto = files[-1]
        self.pool = descriptor_pool.DescriptorPool()
        for file in files:
            self.pool.Add(file)
        self.file_descriptor: descriptor.FileDescriptor = self.pool.FindFileByName(MAIN_FILE)
        self._options = OptionReader(self.pool)
        self._canonical = print_file(self.descriptor_proto, self._options)

    @property
    def canonical(self) -> str:
        """The file as `.proto` text, printed from its descriptor (comments and layout are not kept; a
        base64 descriptor submission becomes text too)."""
        return self._canonical

    @cached_property
    def normalized(self) -> str:
        return print_file(normalized_descriptor(self.descriptor_proto), self._options)

    @cached_property
    def serialized(self) -> str:
        """The base64-encoded FileDescriptorProto (Confluent's `format=serialized`)."""
        return base64.standard_b64encode(self.descriptor_proto.SerializeToString(deterministic=True)).decode()

    @cached_property
    def without_extensions(self) -> str:
        """The `.proto` text without custom options and `extend` blocks (Confluent's
        `format=ignore_extensions`), for readers that cannot resolve them."""
        return print_file(self.descriptor_proto, self._options, extensions=False)

    @cached_property
    def shape(self) -> FileShape:
        """What compatibility compares: messages, fields, oneofs and enums, read once."""
        return read_shape(self.descriptor_proto, self.pool)

    @cached_property
    def messages(self) -> tuple[MessageIndex, ...]:
        """Every message of the file (not map entries), in file order, each before its nested ones."""
        return tuple(
            MessageIndex(message.full_name, message.indexes) for message in self.shape.messages.values()
        )

    def message_indexes(self, full_name: str) -> tuple[int, ...]:
        """The message indexes of the message `full_name`; KeyError when the file has no such message."""
        for message in self.messages:
            if message.name == full_name:
                return message.indexes
        raise KeyError(full_name)

    def message_name(self, indexes: Sequence[int]) -> str:
        """The full name of the message at `indexes` ([0] when empty, as Confluent reads an empty list);
        KeyError when the file has none there."""
        wanted = tuple(indexes) or (0,)
        for message in self.messages:
            if message.indexes == wanted:
                return message.name
        raise KeyError(wanted)

    def data_path(self, pointer: str) -> str:
        return data_path(self.shape, pointer)

    def differences(self, writer: ParsedSchema) -> list[Difference]:
        """Every difference from `writer` to this schema, compatible or not."""
        if not isinstance(writer, ProtobufSchema):
            raise TypeError(
                f"A Protobuf schema can only be compared with another, not with {writer.schema_type}"
            )
        return compare_files(writer.shape, self.shape)

    def changes(self, writer: ParsedSchema, *, roles: Roles) -> list[Change]:
        """Every difference as a person reads it, with whether Confluent's rules accept it."""
        return [
            Change(
                difference.type.value,
                difference.path,
                describe(difference, roles),
                difference.compatible,
            )
            for difference in self.differences(writer)
        ]

    def incompatibilities(
        self, writer: ParsedSchema, *, roles: Roles, policy: CompatibilityPolicy
    ) -> list[Incompatibility]:
        return [
            Incompatibility(difference.type.value, difference.path, describe(difference, roles))
            for difference in self.differences(writer)
            if not difference.compatible
        ]


def parse_protobuf(text: str, references: Sequence[ResolvedReference] = ()) -> ProtobufSchema:
    """Compile `.proto` source, or a base64-encoded FileDescriptorProto, with protoc; `references` are
    the files it imports, named by import path, dependencies first.

    Raises SchemaParseError: ProtobufCompileError with each of protoc's errors (file, line, column,
    message), or a message saying which reference or descriptor is wrong.
    """
    return ProtobufSchema(text, references, files=compile_schema(text, references))
