"""What the client knows about a registered schema, and the registry operations it relies on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

SchemaType = Literal["AVRO", "JSON", "PROTOBUF"]


@dataclass(frozen=True, slots=True)
class SchemaReference:
    """A named reference from one schema to a version of another subject (Confluent's `references`)."""

    name: str
    subject: str
    version: int


@dataclass(frozen=True, slots=True)
class Schema:
    """A schema's text and type, as the registry stores it."""

    schema_str: str
    schema_type: SchemaType = "AVRO"
    references: tuple[SchemaReference, ...] = ()

    def to_request(self) -> dict[str, Any]:
        """The body Confluent's API expects for register, lookup and compatibility calls."""
        body: dict[str, Any] = {"schema": self.schema_str}
        if self.schema_type != "AVRO":
            body["schemaType"] = self.schema_type
        if self.references:
            body["references"] = [
                {"name": ref.name, "subject": ref.subject, "version": ref.version} for ref in self.references
            ]
        return body


@dataclass(frozen=True, slots=True)
class RegisteredSchema:
    """A schema as one version of one subject, with its global id."""

    subject: str
    version: int
    schema_id: int
    schema: Schema


@dataclass(frozen=True, slots=True)
class CompatibilityResult:
    """The registry's verdict on a candidate schema, with its verbose messages."""

    is_compatible: bool
    messages: tuple[str, ...] = ()


class SchemaSource(Protocol):
    """The registry operations publishing and consuming need (RegistryClient or InMemoryRegistry).

    `format` asks for another rendering of the schema text, as Confluent's `?format=` does; the client
    asks for "serialized" only, for Protobuf (a base64 FileDescriptorProto instead of .proto text).
    """

    @property
    def base_url(self) -> str: ...

    def get_schema(self, schema_id: int, *, format: str | None = None) -> Schema: ...

    def get_latest_version(self, subject: str) -> RegisteredSchema: ...

    def get_version(self, subject: str, version: int, *, format: str | None = None) -> RegisteredSchema: ...

    def register_schema(self, subject: str, schema: Schema) -> int: ...

    def lookup_schema(self, subject: str, schema: Schema) -> RegisteredSchema: ...
