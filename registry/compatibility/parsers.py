"""Parsing any supported schema format by its Confluent `schemaType`."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from registry.compatibility.schema import SchemaType

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from registry.compatibility.schema import ParsedSchema, ResolvedReference

# Each format's parser is imported on first use: a command that checks .proto files only (the CLI)
# does not load the JSON Schema and Avro libraries.
_PARSERS: dict[SchemaType, tuple[str, str]] = {
    SchemaType.AVRO: ("registry.compatibility.avro", "parse_avro"),
    SchemaType.JSON: ("registry.compatibility.jsonschema", "parse_json_schema"),
    SchemaType.PROTOBUF: ("registry.compatibility.protobuf", "parse_protobuf"),
}

SUPPORTED_SCHEMA_TYPES = tuple(_PARSERS)


def parse_schema(
    schema_type: SchemaType, text: str, references: Sequence[ResolvedReference] = ()
) -> ParsedSchema:
    """Parse `text` as a schema of `schema_type`, resolving named types (Avro), `$ref`s (JSON Schema) or
    imports (Protobuf) from `references`."""
    module, name = _PARSERS[schema_type]
    parser: Callable[[str, Sequence[ResolvedReference]], ParsedSchema] = getattr(
        importlib.import_module(module), name
    )
    return parser(text, references)
