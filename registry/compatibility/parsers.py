"""Parsing any supported schema format by its Confluent `schemaType`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.compatibility.avro import parse_avro
from registry.compatibility.jsonschema import parse_json_schema
from registry.compatibility.schema import InvalidSchemaError, SchemaType

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from registry.compatibility.schema import ParsedSchema, ResolvedReference

_PARSERS: dict[SchemaType, Callable[[str, Sequence[ResolvedReference]], ParsedSchema]] = {
    SchemaType.AVRO: parse_avro,
    SchemaType.JSON: parse_json_schema,
}

SUPPORTED_SCHEMA_TYPES = tuple(_PARSERS)


class UnsupportedSchemaTypeError(InvalidSchemaError):
    """The schema type is known to Confluent's API but this registry does not support it yet."""


def parse_schema(
    schema_type: SchemaType, text: str, references: Sequence[ResolvedReference] = ()
) -> ParsedSchema:
    """Parse `text` as a schema of `schema_type`, resolving named types from `references`."""
    parser = _PARSERS.get(schema_type)
    if parser is None:
        supported = ", ".join(SUPPORTED_SCHEMA_TYPES)
        raise UnsupportedSchemaTypeError(
            f"Schema type {schema_type.value} is not supported by this registry; supported: {supported}"
        )
    return parser(text, references)
