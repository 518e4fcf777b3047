"""Avro schemas: parsing with fastavro and the Apache `avro` package, and reader/writer checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import avro.errors
import avro.name
import avro.schema
import fastavro
import orjson
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType
from fastavro.schema import SchemaParseException, UnknownType

from registry.compatibility.result import Incompatibility
from registry.compatibility.schema import InvalidSchemaError, ParsedSchema, SchemaType

if TYPE_CHECKING:
    from collections.abc import Sequence

    from registry.compatibility.levels import CompatibilityPolicy
    from registry.compatibility.schema import ResolvedReference, Roles


class AvroSchema(ParsedSchema):
    """A parsed Avro schema, with the named types of its references."""

    schema_type = SchemaType.AVRO

    def __init__(
        self, text: str, document: Any, parsed: avro.schema.Schema, references: Sequence[ResolvedReference]
    ) -> None:
        super().__init__(text, references)
        self.document = document
        self.parsed = parsed
        self._canonical = orjson.dumps(document).decode()

    @property
    def canonical(self) -> str:
        return self._canonical

    @property
    def normalized(self) -> str:
        return self._canonical

    def incompatibilities(
        self, writer: ParsedSchema, *, roles: Roles, policy: CompatibilityPolicy
    ) -> list[Incompatibility]:
        assert isinstance(writer, AvroSchema)
        checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call]
        result = checker.get_compatibility(self.parsed, writer.parsed)
        if result.compatibility is SchemaCompatibilityType.compatible:
            return []
        path = "#" + min(result.locations)
        return [
            Incompatibility(kind.name.upper(), path, "; ".join(sorted(result.messages)))
            for kind in dict.fromkeys(result.incompatibilities)
        ]


def parse_avro(text: str, references: Sequence[ResolvedReference] = ()) -> AvroSchema:
    """Parse Avro schema text; named types may come from `references` (dependencies first)."""
    document = _load_json(text)
    named_for_fastavro: dict[str, Any] = {}
    names = avro.name.Names()
    try:
        for reference in references:
            reference_document = _load_json(reference.text)
            fastavro.parse_schema(reference_document, named_schemas=named_for_fastavro)
            avro.schema.make_avsc_object(reference_document, names)
        fastavro.parse_schema(document, named_schemas=named_for_fastavro)
        parsed = avro.schema.make_avsc_object(document, names)
    except (SchemaParseException, UnknownType, avro.errors.AvroException) as error:
        raise InvalidSchemaError(f"Invalid Avro schema: {error}") from error
    except KeyError as error:  # fastavro, on an object without a required attribute (`{}`)
        raise InvalidSchemaError(f"Invalid Avro schema: a required attribute is missing: {error}") from error
    except (TypeError, ValueError, AttributeError) as error:  # fastavro, on values of the wrong JSON type
        raise InvalidSchemaError(f"Invalid Avro schema: {error}") from error
    return AvroSchema(text, document, parsed, references)


def _load_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidSchemaError(f"Invalid Avro schema: not JSON: {error}") from error
