"""Confluent's JSON shapes: request models, response models (for the OpenAPI document) and the
functions that render responses as bytes.

Responses leave out empty fields, as Confluent's Jackson entities do (NON_EMPTY): no `schemaType`
for AVRO, no empty `references`, no `metadata` or `ruleSet` unless one was registered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from registry.compatibility import SchemaType

if TYPE_CHECKING:
    from registry.cache import StoredSchema

# Confluent's ids, versions, offsets and limits are Java ints.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class _Payload(BaseModel):
    """Confluent's camelCase field names on the wire, snake_case in Python; unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


# -- requests -------------------------------------------------------------------------------------


class ReferencePayload(_Payload):
    """A named type taken from another subject's version (`version` -1 means its latest)."""

    name: str
    subject: str
    version: Int32


class SchemaPayload(_Payload):
    """The body of register, lookup and compatibility requests."""

    schema_text: str | None = Field(default=None, alias="schema")
    schema_type: str | None = None
    references: list[ReferencePayload] | None = None
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    id: Int32 | None = Field(default=None, description="only in IMPORT mode")
    version: Int32 | None = Field(default=None, description="only in IMPORT mode, or the next version")


class ConfigUpdatePayload(_Payload):
    """PUT /config: `compatibility` (Confluent's name; `compatibilityLevel` is accepted too)."""

    compatibility: str | None = None
    compatibility_level: str | None = None
    compatibility_policy: str | None = None
    normalize: bool | None = None


class ModeUpdatePayload(_Payload):
    """PUT /mode."""

    mode: str


# -- responses ------------------------------------------------------------------------------------


class ErrorMessage(BaseModel):
    """Every error response."""

    error_code: int
    message: str


class SchemaString(_Payload):
    """GET /schemas/ids/{id}."""

    schema_type: str | None = None
    schema_text: str = Field(alias="schema")
    references: list[ReferencePayload] | None = None
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    max_id: int | None = None


class RegisteredSchema(_Payload):
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


class RegisterResponse(_Payload):
    """POST /subjects/{s}/versions."""

    id: int


class SubjectVersionPair(_Payload):
    """One entry of GET /schemas/ids/{id}/versions."""

    subject: str
    version: int


class CompatibilityResponse(BaseModel):
    """POST /compatibility/...; `messages` only with verbose=true."""

    is_compatible: bool
    messages: list[str] | None = None


class ConfigResponse(_Payload):
    """GET and DELETE /config."""

    compatibility_level: str | None = None
    compatibility_policy: str | None = None
    normalize: bool | None = None


class ModeResponse(_Payload):
    """GET and DELETE /mode."""

    mode: str


class ClusterIdResponse(_Payload):
    """GET /v1/metadata/id: `{"scope": {"path": [], "clusters": {...}}}`."""

    scope: dict[str, Any]


class ServerVersionResponse(_Payload):
    """GET /v1/metadata/version."""

    version: str
    commit_id: str | None = None


# -- rendering ------------------------------------------------------------------------------------


def render(content: Any) -> bytes:
    return orjson.dumps(content)


def _schema_fields(schema: StoredSchema) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if schema.schema_type is not SchemaType.AVRO:
        fields["schemaType"] = schema.schema_type.value
    if schema.references:
        fields["references"] = [
            {"name": ref.name, "subject": ref.subject, "version": ref.version} for ref in schema.references
        ]
    if schema.metadata is not None:
        fields["metadata"] = orjson.Fragment(schema.metadata)
    if schema.rule_set is not None:
        fields["ruleSet"] = orjson.Fragment(schema.rule_set)
    return fields


def schema_string(
    schema: StoredSchema, *, text: str | None = None, max_id: int | None = None
) -> dict[str, Any]:
    """The SchemaString entity of /schemas/ids/{id}."""
    fields = _schema_fields(schema)
    content = {"schemaType": fields.pop("schemaType")} if "schemaType" in fields else {}
    content["schema"] = schema.text if text is None else text
    content.update(fields)
    if max_id is not None:
        content["maxId"] = max_id
    return content


def registered_schema(
    subject: str, version: int, schema: StoredSchema, *, deleted: bool = False
) -> dict[str, Any]:
    """The Schema entity of a subject version."""
    content: dict[str, Any] = {"subject": subject, "version": version, "id": schema.id}
    content.update(_schema_fields(schema))
    content["schema"] = schema.text
    if deleted:
        content["deleted"] = True
    return content
