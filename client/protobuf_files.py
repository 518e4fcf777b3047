"""Protobuf files between the registry and a descriptor pool, in both directions, never as .proto text.

Reading: the registry serves a schema as a base64 FileDescriptorProto (Confluent's `format=serialized`),
and each of its references, by import path, the same way; they are assembled into a descriptor pool of
their own (one per schema id, so two versions of a message never meet). Imports of well-known files
(`google/protobuf/...`, `google/type/...`, `confluent/...`) come from the installed packages that ship
them, as confluent-kafka's serializers skip them too; only a file no package ships is fetched.

Writing: a generated message class's file is submitted as Confluent's Python serializer submits it:
the base64 of its serialized FileDescriptorProto, with one reference per imported file that is not
well known, named by its import path and registered (or looked up) under a subject of that same name.
"""

from __future__ import annotations

import base64
import binascii
import importlib
from collections.abc import Iterable
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message import DecodeError

from client.schemas import RegisteredSchema, Schema, SchemaReference, SchemaSource

VALIDATE_FILE = "buf/validate/validate.proto"
# Confluent's serializers neither register nor reference these: every client resolves them itself.
_WELL_KNOWN_PREFIXES = ("google/protobuf/", "google/type/", "confluent/")
# Where the Python packages that ship a well-known file keep its generated module.
_MODULE_PREFIXES = {"confluent/": "confluent_kafka.schema_registry.confluent."}


class ProtobufSchemaError(ValueError):
    """The registered Protobuf schema cannot be assembled into descriptors."""


def is_well_known(name: str) -> bool:
    """Whether an import path is one of the files every client resolves without the registry."""
    return name.startswith(_WELL_KNOWN_PREFIXES)


def file_text(file: Any) -> str:
    """A file descriptor as the schema text Confluent's Python serializer submits: base64 of its proto."""
    return base64.standard_b64encode(file.serialized_pb).decode("ascii")


def register_message_file(
    registry: SchemaSource, subject: str, message_class: Any, *, auto_register: bool
) -> RegisteredSchema:
    """The subject's version holding the file of a generated message class; its imports (not well
    known) are registered first, when `auto_register` is on, each under its import path as subject."""
    file = message_class.DESCRIPTOR.file
    schema = Schema(file_text(file), "PROTOBUF", _dependency_references(registry, file, auto_register))
    if auto_register:
        registry.register_schema(subject, schema)
    return registry.lookup_schema(subject, schema)


def _dependency_references(
    registry: SchemaSource, file: Any, auto_register: bool
) -> tuple[SchemaReference, ...]:
    references = []
    for dependency in file.dependencies:
        if is_well_known(dependency.name):
            continue
        schema = Schema(
            file_text(dependency),
            "PROTOBUF",
            _dependency_references(registry, dependency, auto_register),
        )
        if auto_register:
            registry.register_schema(dependency.name, schema)
        version = registry.lookup_schema(dependency.name, schema).version
        references.append(SchemaReference(dependency.name, dependency.name, version))
    return tuple(references)


def _file_proto(text: str, where: str) -> Any:
    try:
        serialized = base64.b64decode(text, validate=True)
        return descriptor_pb2.FileDescriptorProto.FromString(serialized)
    except (binascii.Error, ValueError, DecodeError) as error:
        raise ProtobufSchemaError(
            f"{where} is not a base64 FileDescriptorProto (the registry's format=serialized): {error}"
        ) from error


def _well_known_proto(name: str) -> Any | None:
    """The FileDescriptorProto of a well-known file from the package that ships it, if installed."""
    prefix = next((prefix for prefix in _MODULE_PREFIXES if name.startswith(prefix)), "")
    module_name = _MODULE_PREFIXES.get(prefix, "") + name[len(prefix) :].removesuffix(".proto")
    try:
        module = importlib.import_module(module_name.replace("/", ".") + "_pb2")
    except ImportError:
        return None
    return descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)


class _PoolBuilder:
    """Adds a schema's file and everything it imports to a new pool, dependencies first."""

    def __init__(self, registry: SchemaSource) -> None:
        self._registry = registry
        self.pool = descriptor_pool.DescriptorPool()
        self.added: set[str] = set()

    def add(self, proto: Any, references: Iterable[SchemaReference], where: str) -> None:
        by_name = {reference.name: reference for reference in references}
        for dependency in proto.dependency:
            if dependency not in self.added:
                self._add_dependency(dependency, by_name.get(dependency), where)
        try:
            self.pool.Add(proto)
        except (TypeError, ValueError) as error:
            raise ProtobufSchemaError(f"{where} does not build: {error}") from error
        self.added.add(proto.name)

    def _add_dependency(self, name: str, reference: SchemaReference | None, importer: str) -> None:
        well_known = _well_known_proto(name) if is_well_known(name) else None
        if well_known is not None:
            self.add(well_known, (), f"well-known file {name!r}")
            return
        if reference is None:
            hint = " (install the package that ships it)" if is_well_known(name) else ""
            raise ProtobufSchemaError(
                f"{importer} imports {name!r}, which is neither among its references nor a file this "
                f"client can resolve{hint}"
            )
        where = f"reference {name!r} ({reference.subject} version {reference.version})"
        schema = self._registry.get_version(reference.subject, reference.version, format="serialized").schema
        if schema.schema_type != "PROTOBUF":
            raise ProtobufSchemaError(
                f"{where} is {schema.schema_type}; a Protobuf file imports Protobuf only"
            )
        proto = _file_proto(schema.schema_str, where)
        proto.name = name  # the import path is the name the importing file knows it by
        self.add(proto, schema.references, where)


def load_file(registry: SchemaSource, schema_id: int) -> Any:
    """The FileDescriptor of a registered Protobuf schema, in a pool of its own."""
    schema = registry.get_schema(schema_id, format="serialized")
    where = f"schema id {schema_id}"
    proto = _file_proto(schema.schema_str, where)
    proto.name = proto.name or f"schema-{schema_id}.proto"
    builder = _PoolBuilder(registry)
    builder.add(proto, schema.references, where)
    return builder.pool.FindFileByName(proto.name)


def uses_validation_rules(file: Any) -> bool:
    """Whether the file or anything it imports, directly or not, imports buf.validate's rules."""
    pending, visited = [file], set()
    while pending:
        current = pending.pop()
        if current.name == VALIDATE_FILE:
            return True
        if current.name not in visited:
            visited.add(current.name)
            pending.extend(current.dependencies)
    return False
