"""The output formats of GET /schemas/ids/{id}: the registered text, or Avro's self-contained form."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from registry import errors
from registry.compatibility import SchemaType
from registry.compatibility.avro import AvroSchema
from registry.schemas.store import with_body

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from registry.schemas.lookup import SchemaLookup
    from registry.schemas.store import SchemaStore
    from registry.schemas.values import StoredSchema

RESOLVED = "resolved"


def is_default_format(format: str | None) -> bool:
    """No format, or `default`: the schema as registered (the cached fast path)."""
    return format in (None, "", "default")


class OutputFormats:
    """Schemas by id in one of Confluent's output formats."""

    def __init__(self, *, store: SchemaStore, lookup: SchemaLookup) -> None:
        self._store = store
        self._lookup = lookup

    def get_schema_in_format(
        self,
        *,
        session: Session,
        schema_id: int,
        format: str | None,
        readable: Callable[[str], bool] | None = None,
    ) -> StoredSchema:
        """The schema with this id as registered (`default`) or, for Avro, `resolved`: one self-contained
        schema with the named types of its references (nested ones too) inlined at their first use.

        A caller who reads only the subjects `readable` accepts gets `resolved` only when it would
        inline nothing from others (else 40301)."""
        schema = self._lookup.get_schema(session=session, schema_id=schema_id)
        if is_default_format(format):
            return schema
        if format == RESOLVED and schema.schema_type is SchemaType.AVRO:
            _, resolved = self._store.resolve_references(session=session, references=schema.references)
            if readable is not None and not all(readable(reference.subject) for reference in resolved):
                raise errors.ForbiddenError(
                    f"Schema {schema_id} references, directly or through other schemas, a subject this "
                    "caller may not read, so it cannot be shown resolved; the default format shows it "
                    "as registered"
                )
            parsed = self._store.parse(schema_type=schema.schema_type, text=schema.text, resolved=resolved)
            assert isinstance(parsed, AvroSchema)
            return with_body(replace(schema, text=parsed.resolved))
        formats = (
            "the formats are 'default' and 'resolved'"
            if schema.schema_type is SchemaType.AVRO
            else "the only format is 'default' ('resolved' is for AVRO schemas)"
        )
        raise errors.UnprocessableError(
            f"Format '{format}' is not supported for {schema.schema_type.value} schemas; {formats}"
        )
