"""Compiling a schema and its references with protoc, in process, into FileDescriptorProtos.

grpcio-tools runs protoc's own parser and linker (`_protoc_compiler.get_protos`): each call builds its
own importer over its own directories and returns protoc's errors as data (file, line, column,
message) instead of printing them, so calls need no lock. Its answer is Python source for each file
of the import closure, in dependency order; each embeds its FileDescriptorProto as one bytes literal.

Files are laid out in a fresh temporary directory per call: the references under their import paths,
the schema itself as `default` (the name Confluent's clients give the schema they deserialize with).
A reference or schema sent as a base64 FileDescriptorProto (Confluent's Python serializer registers
that form) is checked with protobuf's descriptor pool and written out as `.proto` text first, so that
protoc compiles every file the same way. Nothing is fetched: imports resolve to the references, to
the well-known types grpcio-tools ships, and to Confluent's two files (see `bundled`).
"""

from __future__ import annotations

import ast
import base64
import binascii
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message import DecodeError
from grpc_tools import _protoc_compiler

from registry.compatibility.protobuf.bundled import CONFLUENT_FILES, is_bundled, well_known_directory
from registry.compatibility.protobuf.options import OptionReader
from registry.compatibility.protobuf.printing import print_file
from registry.compatibility.schema import SchemaParseError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from registry.compatibility.schema import ResolvedReference

MAIN_FILE = "default"
# protoc refuses messages nested deeper than this in source; a descriptor is held to the same limit,
# which also keeps every walk over a file well inside Python's recursion limit.
MAX_NESTING = 32
_SHOWN_DIAGNOSTICS = 20

_BASE64_TEXT = re.compile(r"[A-Za-z0-9+/\s]+={0,2}\s*")
_SERIALIZED_FILE = b".AddSerializedFile(b'"
_IMPORT_NOT_FOUND = re.compile(r'Import "([^"]+)" was not found')
_SYNTAX_DECLARED = re.compile(r"(?:\s|//[^\n]*\n?|/\*.*?\*/)*(?:syntax|edition)\b", re.DOTALL)
# protoc assumes proto2 for a file without a syntax statement, and logs a warning to the process's
# stderr saying so; the same statement, written in front of the first line, says it without the noise.
_PROTO2_STATEMENT = 'syntax = "proto2"; '


@dataclass(frozen=True, slots=True)
class CompilerDiagnostic:
    """One error protoc reported: the file (`default` is the schema itself, anything else an import
    path), the 1-based line and column when protoc knows them, and protoc's message."""

    file: str
    line: int | None
    column: int | None
    message: str

    def describe(self) -> str:
        where = "" if self.file == MAIN_FILE else f"in reference '{self.file}', "
        if self.line is not None:
            where += f"line {self.line}, column {self.column}: "
        return where + self.message


class ProtobufCompileError(SchemaParseError):
    """protoc refused the schema or one of its references; `diagnostics` holds every error it reported."""

    def __init__(self, diagnostics: Sequence[CompilerDiagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        shown = "; ".join(diagnostic.describe() for diagnostic in self.diagnostics[:_SHOWN_DIAGNOSTICS])
        more = len(self.diagnostics) - _SHOWN_DIAGNOSTICS
        super().__init__(
            f"Invalid Protobuf schema: {shown}" + (f" (and {more} more errors)" if more > 0 else "")
        )


def compile_schema(
    text: str, references: Sequence[ResolvedReference]
) -> list[descriptor_pb2.FileDescriptorProto]:
    """The FileDescriptorProtos of the schema's import closure, dependencies first, the schema
    (named `default`) last. Raises SchemaParseError (ProtobufCompileError for protoc's errors)."""
    with tempfile.TemporaryDirectory(prefix="accord-proto-") as root:
        workspace = _Workspace(Path(root))
        for reference in _checked(references):
            workspace.add(reference.name, reference.text)
        workspace.add(MAIN_FILE, text)
        return workspace.compile(MAIN_FILE)


def decode_descriptor(text: str) -> descriptor_pb2.FileDescriptorProto | None:
    """`text` as a base64-encoded FileDescriptorProto, or None when it is not one (then it is `.proto`
    source: a `.proto` file that is not empty needs characters base64 never uses)."""
    if not _BASE64_TEXT.fullmatch(text):
        return None
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        return descriptor_pb2.FileDescriptorProto.FromString(data)
    except DecodeError as error:
        raise SchemaParseError(
            "Invalid Protobuf schema: the text is base64, but not of a FileDescriptorProto "
            f"(as .proto source it would be empty): {error}"
        ) from None


def _checked(references: Sequence[ResolvedReference]) -> list[ResolvedReference]:
    unique: dict[str, ResolvedReference] = {}
    for reference in references:
        where = (
            f"schema reference '{reference.name}' (subject '{reference.subject}', "
            f"version {reference.version})"
        )
        if reference.schema_type is not SchemaType.PROTOBUF:
            raise SchemaParseError(
                f"The {where} is a {reference.schema_type.value} schema; a Protobuf schema can only "
                "import Protobuf schemas"
            )
        parts = reference.name.split("/")
        if (
            reference.name == MAIN_FILE
            or "\\" in reference.name
            or "\0" in reference.name
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise SchemaParseError(
                f"The {where} has a name protoc cannot import: a reference's name is the path its "
                'schema is imported by, relative and without "." or ".." steps, like '
                '"acme/common/address.proto"'
            )
        unique.setdefault(reference.name, reference)
    return list(unique.values())


class _Workspace:
    """The directory protoc reads, and what is known about the files written to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.include = [str(root).encode(), well_known_directory().encode()]
        self.prefixed: set[str] = set()  # files given the proto2 statement in front of their first line
        self.pool = descriptor_pool.DescriptorPool()  # only built when a base64 file needs it
        self.in_pool: set[str] = set()
        self.written: set[str] = set()
        for name, source in CONFLUENT_FILES.items():
            self._write(name, source)

    def add(self, name: str, text: str) -> None:
        text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
        descriptor = decode_descriptor(text)
        if descriptor is None:
            if not _SYNTAX_DECLARED.match(text):
                self.prefixed.add(name)
                text = _PROTO2_STATEMENT + text
            self._write(name, text)
            return
        descriptor.name = name
        depth = _nesting(descriptor.message_type)
        if depth > MAX_NESTING:
            raise SchemaParseError(
                f"Invalid Protobuf schema: {_where(name)}the FileDescriptorProto nests messages {depth} "
                f"levels deep; protoc allows {MAX_NESTING}"
            )
        for dependency in descriptor.dependency:
            self._load_into_pool(dependency, needed_by=name)
        try:
            self.pool.Add(descriptor)
        except (TypeError, ValueError) as error:
            raise SchemaParseError(
                f"Invalid Protobuf schema: {_where(name)}the FileDescriptorProto does not build: {error}"
            ) from None
        self.in_pool.add(name)
        self._write(name, print_file(descriptor, OptionReader(self.pool)))

    def compile(self, name: str) -> list[descriptor_pb2.FileDescriptorProto]:
        try:
            generated = _protoc_compiler.get_protos(name.encode(), self.include)
        except _protoc_compiler.ProtocErrors as error:
            raise ProtobufCompileError([self._diagnostic(found) for found in error.errors()]) from None
        except Exception as error:  # grpcio-tools raises a bare Exception when protoc gives no reason
            raise SchemaParseError(f"Invalid Protobuf schema: protoc could not compile it: {error}") from None
        return [_embedded_descriptor(source) for _, source in generated]

    def _load_into_pool(self, name: str, *, needed_by: str) -> None:
        if name in self.in_pool:
            return
        if name not in self.written and not is_bundled(name):
            raise SchemaParseError(
                f'Invalid Protobuf schema: {_where(needed_by)}it imports "{name}", which is neither one '
                "of its references nor a well-known type; register it and list it as a reference named "
                f'"{name}"'
            )
        for descriptor in self.compile(name):
            if descriptor.name not in self.in_pool:
                self.pool.Add(descriptor)
                self.in_pool.add(descriptor.name)

    def _write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.add(name)

    def _diagnostic(self, found: _protoc_compiler.ProtocError) -> CompilerDiagnostic:
        file = _text(found.filename)
        message = _text(found.message)
        missing = _IMPORT_NOT_FOUND.search(message)
        if missing and not is_bundled(missing.group(1)):
            message += (
                f' Register it and list it in the schema\'s references with the name "{missing.group(1)}" '
                "(only Google's well-known types and Confluent's confluent/meta.proto and "
                "confluent/type/decimal.proto resolve without one)."
            )
        if found.line < 0:
            return CompilerDiagnostic(file, None, None, message)
        column = found.column
        if found.line == 0 and file in self.prefixed:
            column = max(column - len(_PROTO2_STATEMENT), 0)
        return CompilerDiagnostic(file, found.line + 1, column + 1, message)


def _embedded_descriptor(source: bytes) -> descriptor_pb2.FileDescriptorProto:
    """The FileDescriptorProto in generated code's one line `...AddSerializedFile(b'...')`."""
    start = source.find(_SERIALIZED_FILE)
    if start < 0:  # grpcio-tools changed how it generates code: fail loudly, never guess
        raise RuntimeError("grpcio-tools generated code without an embedded FileDescriptorProto")
    start += len(_SERIALIZED_FILE) - 2  # at the literal's b'
    end = source.index(b"\n", start)
    literal = source[start:end].rstrip().removesuffix(b")")
    return descriptor_pb2.FileDescriptorProto.FromString(ast.literal_eval(literal.decode("ascii")))


def _nesting(messages: Iterable[descriptor_pb2.DescriptorProto]) -> int:
    """How deep messages nest (1 for a file of top-level messages only), without recursion."""
    deepest = 0
    pending = [(message, 1) for message in messages]
    while pending:
        message, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            pending.extend((nested, depth + 1) for nested in message.nested_type)
    return deepest


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _where(name: str) -> str:
    return "" if name == MAIN_FILE else f"in reference '{name}', "
