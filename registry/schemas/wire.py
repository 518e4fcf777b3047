"""Confluent's JSON shapes of subjects, versions, schemas by id and compatibility checks.

Responses leave out empty fields, as Confluent's Jackson entities do (NON_EMPTY): no `schemaType`
for AVRO, no empty `references`, no `metadata` or `ruleSet` unless one was registered. The routes
drop the fields that are None (ConfluentRoute); the routes of subject versions render
`registered_schema` themselves, and GET /schemas/ids/{id} sends `schema_body`, its JSON rendered once
and cached.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel, Field

from registry.compatibility import SchemaType
from registry.schemas.values import CompatibilityVerdict, StoredSchema, VersionView
from registry.web.payload import Int32, Payload

if TYPE_CHECKING:
    from collections.abc import Callable

# -- requests -------------------------------------------------------------------------------------


class ReferencePayload(Payload):
    """A named type taken from another subject's version (`version` -1 means its latest)."""

    name: str
    subject: str
    version: Int32


class SchemaPayload(Payload):
    """The body of register, lookup and compatibility requests."""

    schema_text: str | None = Field(default=None, alias="schema")
    schema_type: str | None = None
    references: list[ReferencePayload] | None = None
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    id: Int32 | None = Field(default=None, description="only in IMPORT mode")
    version: Int32 | None = Field(default=None, description="only in IMPORT mode, or the next version")


# -- responses ------------------------------------------------------------------------------------


class SchemaString(Payload):
    """GET /schemas/ids/{id}."""

    schema_type: str | None = None
    schema_text: str = Field(alias="schema")
    references: list[ReferencePayload] | None = None
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    max_id: int | None = None


# The routes render it with `registered_schema`; the model documents it in the OpenAPI document.
class RegisteredSchema(Payload):
    """A subject version: GET /subjects/{s}/versions/{v}, POST /subjects/{s}, GET /schemas."""

    subject: str
    version: int
    id: int
    schema_type: str | None = None
    references: list[ReferencePayload] | None = None
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    schema_text: str = Field(alias="schema")
    deleted: bool | None = None


class RegisterResponse(Payload):
    """POST /subjects/{s}/versions."""

    id: int


class SubjectVersionPair(Payload):
    """One entry of GET /schemas/ids/{id}/versions."""

    subject: str
    version: int


class RefusalExtension(Payload):
    """Accord's addition to a verbose compatibility answer (Confluent's clients ignore fields they do
    not know): which part of registration would refuse the schema, with what error code, and the
    consumer expectations it would break."""

    refused_by: str
    error_code: int
    broken_expectations: list[str] = Field(default_factory=list)


def refusal_of(verdict: CompatibilityVerdict) -> RefusalExtension | None:
    """The extension of a verbose answer: None when registering would succeed."""
    if verdict.is_compatible:
        return None
    if verdict.broken_expectations:
        return RefusalExtension(
            refused_by="consumer-expectations",
            error_code=verdict.error_code,
            broken_expectations=list(verdict.broken_expectations),
        )
    refused_by = "compatibility-level" if verdict.error_code == 409 else "schema"
    return RefusalExtension(refused_by=refused_by, error_code=verdict.error_code)


class CompatibilityResponse(BaseModel):
    """POST /compatibility/...; `messages` (and Accord's `accord` extension) only with verbose=true."""

    is_compatible: bool
    messages: list[str] | None = None
    accord: RefusalExtension | None = None


# -- the body of GET /schemas/ids/{id} ------------------------------------------------------------


def schema_string(schema: StoredSchema, *, max_id: int | None = None) -> dict[str, Any]:
    """The SchemaString entity of /schemas/ids/{id}, as it is rendered (see `SchemaString`)."""
    content: dict[str, Any] = {}
    if schema.schema_type is not SchemaType.AVRO:
        content["schemaType"] = schema.schema_type.value
    content["schema"] = schema.text
    _add_references_and_rules(content, schema)
    if max_id is not None:
        content["maxId"] = max_id
    return content


def registered_schema(view: VersionView, readable: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """The Schema entity of a subject version, as it is rendered (see `RegisteredSchema`), seen by a
    caller who reads the subjects `readable` accepts (None: every one). The routes send it as JSON
    themselves: validating it against the model again would cost more than a cached answer."""
    schema = as_seen_by(view.schema, readable)
    content: dict[str, Any] = {"subject": view.subject, "version": view.version, "id": schema.id}
    if schema.schema_type is not SchemaType.AVRO:
        content["schemaType"] = schema.schema_type.value
    _add_references_and_rules(content, schema)
    content["schema"] = schema.text
    if view.deleted:
        content["deleted"] = True
    return content


def schema_body(schema: StoredSchema) -> bytes:
    """The response body of GET /schemas/ids/{id} for this schema, to be cached: orjson's bytes keep the
    capacity of its working buffer (about 4 KiB however short the JSON), so they are copied to their size."""
    if not schema.references and schema.metadata is None and schema.rule_set is None:
        return plain_schema_body(schema.schema_type, schema.text)
    return memoryview(orjson.dumps(schema_string(schema))).tobytes()


def as_seen_by(schema: StoredSchema, readable: Callable[[str], bool] | None) -> StoredSchema:
    """The schema as a caller sees it: its references into subjects the caller may not read are left
    out, so their names do not show (None: the caller reads every subject)."""
    if readable is None or all(readable(reference.subject) for reference in schema.references):
        return schema
    shown = replace(
        schema, references=tuple(reference for reference in schema.references if readable(reference.subject))
    )
    return replace(shown, body=schema_body(shown))


def _add_references_and_rules(content: dict[str, Any], schema: StoredSchema) -> None:
    """The schema's references, metadata and rule set, those it has, in this order (the metadata and
    rule set as stored: JSON text with sorted keys)."""
    if schema.references:
        content["references"] = [
            {"name": ref.name, "subject": ref.subject, "version": ref.version} for ref in schema.references
        ]
    if schema.metadata is not None:
        content["metadata"] = orjson.Fragment(schema.metadata)
    if schema.rule_set is not None:
        content["ruleSet"] = orjson.Fragment(schema.rule_set)


_PLAIN_BODY_STARTS = {
    schema_type: orjson.dumps(schema_string(StoredSchema(0, schema_type, "", (), None, None, b"")))[:-3]
    for schema_type in SchemaType
}  # the body of an empty text without its `""}`, e.g. `{"schema":`


def plain_schema_body(schema_type: SchemaType, text: str) -> bytes:
    """`schema_body` of a schema without references, metadata or rule set (nearly every one), joined
    from its parts: the cache warm-up renders a million of these."""
    return _PLAIN_BODY_STARTS[schema_type] + orjson.dumps(text) + b"}"
