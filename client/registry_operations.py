"""The registry operations written once, without I/O, for the sync and async clients of
client.registry_client: the schema cache they share, the parsing of Confluent's answers, and each
operation as a generator that yields the HTTP calls it needs."""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote

from client.errors import RegistryUnavailableError
from client.schemas import CompatibilityResult, RegisteredSchema, Schema, SchemaReference

T = TypeVar("T")


@dataclass(slots=True)
class SchemaCache:
    """What the registry has told us: immutable facts forever, latest versions for a while."""

    latest_ttl: float = 60.0
    schemas: dict[int, Schema] = field(default_factory=dict)
    versions: dict[tuple[str, int], RegisteredSchema] = field(default_factory=dict)
    lookups: dict[tuple[str, Schema], RegisteredSchema] = field(default_factory=dict)
    registered: dict[tuple[str, Schema], int] = field(default_factory=dict)
    latest: dict[str, tuple[float, RegisteredSchema]] = field(default_factory=dict)
    formatted: dict[str, Any] = field(default_factory=dict)  # `?format=` answers by path, kept forever

    def stale_latest(self, subject: str, error: RegistryUnavailableError) -> RegisteredSchema:
        """The expired latest version, when the registry is down; re-raises when there is none."""
        entry = self.latest.get(subject)
        if entry is None:
            raise error
        return entry[1]

    def store_latest(self, registered: RegisteredSchema) -> RegisteredSchema:
        self.latest[registered.subject] = (time.monotonic() + self.latest_ttl, registered)
        self.remember(registered)
        return registered

    def remember(self, registered: RegisteredSchema) -> RegisteredSchema:
        self.schemas[registered.schema_id] = registered.schema
        self.versions[(registered.subject, registered.version)] = registered
        return registered


def subject_path(subject: str) -> str:
    return quote(subject, safe="")


def parse_schema(body: dict[str, Any]) -> Schema:
    return Schema(
        schema_str=body["schema"],
        schema_type=body.get("schemaType", "AVRO"),
        references=tuple(
            SchemaReference(name=ref["name"], subject=ref["subject"], version=ref["version"])
            for ref in body.get("references") or ()
        ),
    )


def parse_registered(body: dict[str, Any]) -> RegisteredSchema:
    return RegisteredSchema(
        subject=body["subject"], version=body["version"], schema_id=body["id"], schema=parse_schema(body)
    )


def parse_compatibility(body: dict[str, Any]) -> CompatibilityResult:
    return CompatibilityResult(
        is_compatible=bool(body["is_compatible"]), messages=tuple(body.get("messages") or ())
    )


Call = tuple[str, str, dict[str, Any] | None]  # HTTP method, path, JSON body
Flow = Generator[Call, Any, T]


class Operations:
    """Each registry operation written once, without I/O: a generator that consults the cache and
    yields the HTTP calls it needs; the sync and async clients run it (sending back each answer, or
    throwing in the RegistryError it became)."""

    def __init__(self, cache: SchemaCache) -> None:
        self.cache = cache

    def get_schema(self, schema_id: int) -> Flow[Schema]:
        schema = self.cache.schemas.get(schema_id)
        if schema is None:
            schema = parse_schema((yield "GET", f"/schemas/ids/{schema_id}", None))
            self.cache.schemas[schema_id] = schema
        return schema

    def get_formatted(self, path: str, output_format: str) -> Flow[Any]:
        """The answer about an immutable schema or version in another rendering (Confluent's `?format=`)."""
        path = f"{path}?format={quote(output_format, safe='')}"
        if path not in self.cache.formatted:
            self.cache.formatted[path] = yield "GET", path, None
        return self.cache.formatted[path]

    def get_latest_version(self, subject: str) -> Flow[RegisteredSchema]:
        try:
            body = yield "GET", f"/subjects/{subject_path(subject)}/versions/latest", None
        except RegistryUnavailableError as error:
            return self.cache.stale_latest(subject, error)
        return self.cache.store_latest(parse_registered(body))

    def get_version(self, subject: str, version: int) -> Flow[RegisteredSchema]:
        registered = self.cache.versions.get((subject, version))
        if registered is None:
            body = yield "GET", f"/subjects/{subject_path(subject)}/versions/{version}", None
            registered = self.cache.remember(parse_registered(body))
        return registered

    def register_schema(self, subject: str, schema: Schema) -> Flow[int]:
        schema_id = self.cache.registered.get((subject, schema))
        if schema_id is None:
            body = yield "POST", f"/subjects/{subject_path(subject)}/versions", schema.to_request()
            schema_id = self.cache.registered[(subject, schema)] = int(body["id"])
            self.cache.schemas[schema_id] = schema
        return schema_id

    def lookup_schema(self, subject: str, schema: Schema) -> Flow[RegisteredSchema]:
        registered = self.cache.lookups.get((subject, schema))
        if registered is None:
            body = yield "POST", f"/subjects/{subject_path(subject)}", schema.to_request()
            registered = self.cache.remember(parse_registered(body))
            self.cache.lookups[(subject, schema)] = registered
        return registered

    def test_compatibility(
        self, subject: str, schema: Schema, version: int | str | None
    ) -> Flow[CompatibilityResult]:
        versions = "versions" if version is None else f"versions/{version}"
        path = f"/compatibility/subjects/{subject_path(subject)}/{versions}?verbose=true"
        return parse_compatibility((yield "POST", path, schema.to_request()))
