"""Parsing any supported schema format by its Confluent `schemaType`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.avro import parse_avro
from registry.compatibility.jsonschema import parse_json_schema
from registry.compatibility.protobuf import parse_protobuf
from registry.compatibility.schema import SchemaType

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from registry.compatibility.schema import ParsedSchema, ResolvedReference

_PARSERS: dict[SchemaType, Callable[[str, Sequence[ResolvedReference]], ParsedSchema]] = {
    SchemaType.AVRO: parse_avro,
    SchemaType.JSON: parse_json_schema,
    SchemaType.PROTOBUF: parse_protobuf,
}

SUPPORTED_SCHEMA_TYPES = tuple(_PARSERS)


def parse_schema(
    schema_type: SchemaType, text: str, references: Sequence[ResolvedReference] = ()
) -> ParsedSchema:
    """Parse `text` as a schema of `schema_type`, resolving named types (Avro), `$ref`s (JSON Schema) or
    imports (Protobuf) from `references`."""
    return _PARSERS[schema_type](text, references)
