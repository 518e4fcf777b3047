"""Protobuf schemas: compiled with protoc (grpcio-tools, in process), printed back as canonical and
normalized `.proto` text, and compared by Confluent's Protobuf rules.

A schema is `.proto` source (proto2, proto3 or editions) or a base64-encoded FileDescriptorProto, as
Confluent's Python serializer registers it. Its references are the files it imports, named by import
path; Google's well-known types and Confluent's `confluent/meta.proto` and `confluent/type/decimal.proto`
need none. `ProtobufSchema` also gives the forms Confluent's API returns (`serialized`,
`without_extensions`) and the message indexes of Confluent's wire format (`messages`,
`message_indexes`, `message_name`).
"""

from registry.compatibility.protobuf.compiler import CompilerDiagnostic, ProtobufCompileError
from registry.compatibility.protobuf.differences import Difference, DifferenceType
from registry.compatibility.protobuf.locations import line_of
from registry.compatibility.protobuf.schema import MessageIndex, ProtobufSchema, parse_protobuf

__all__ = [
    "CompilerDiagnostic",
    "Difference",
    "DifferenceType",
    "MessageIndex",
    "ProtobufCompileError",
    "ProtobufSchema",
    "line_of",
    "parse_protobuf",
]
