"""Confluent's output formats (`?format=`) of a registered schema: the registered text (`default`),
Avro's self-contained `resolved` form, and Protobuf's `serialized` (a base64 FileDescriptorProto, what
Confluent's Protobuf serializers read) and `ignore_extensions` forms."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from registry import errors
from registry.compatibility import SchemaType
from registry.compatibility.avro import AvroSchema
from registry.compatibility.protobuf import ProtobufSchema
from registry.schemas.store import with_body

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlmodel import Session

    from registry.compatibility import ParsedSchema
    from registry.schemas.lookup import SchemaLookup
    from registry.schemas.store import SchemaStore
    from registry.schemas.values import StoredSchema, VersionView


RESOLVED = "resolved"


def _resolved(parsed: ParsedSchema) -> str:
    assert isinstance(parsed, AvroSchema)
    return parsed.resolved


def _serialized(parsed: ParsedSchema) -> str:
    assert isinstance(parsed, ProtobufSchema)
    return parsed.serialized


def _without_extensions(parsed: ParsedSchema) -> str:
    assert isinstance(parsed, ProtobufSchema)
    return parsed.without_extensions


# The formats each schema type has besides `default`, and how each renders a parsed schema.
FORMATS: dict[SchemaType, dict[str, Callable[[ParsedSchema], str]]] = {
    SchemaType.AVRO: {RESOLVED: _resolved},
    SchemaType.JSON: {},
    SchemaType.PROTOBUF: {"serialized": _serialized, "ignore_extensions": _without_extensions},
}


def is_default_format(format: str | None) -> bool:
    """No format, or `default`: the schema as registered (the cached fast path)."""
    return format in (None, "", "default")


def _formats_of(schema_type: SchemaType) -> str:
    names = [f"'{name}'" for name in ("default", *FORMATS[schema_type])]
    if len(names) == 1:
        return f"the only format is {names[0]}"
    return f"the formats are {', '.join(names[:-1])} and {names[-1]}"


class OutputFormats:
    """Schemas by id, and subject versions, in one of Confluent's output formats."""

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
        """The schema with this id as registered (`default`) or in one of its type's formats (`FORMATS`);
        422 for a format its type does not have.

        A caller who reads only the subjects `readable` accepts gets Avro's `resolved` form only when it
        would inline nothing from others (else 40301); Protobuf's forms name imports without their
        contents."""
        schema = self._lookup.get_schema(session=session, schema_id=schema_id)
        if is_default_format(format):
            return schema
        render = FORMATS[schema.schema_type].get(format or "")
        if render is None:
            raise errors.UnprocessableError(
                f"Format '{format}' is not supported for {schema.schema_type.value} schemas; "
                + _formats_of(schema.schema_type)
            )
        _, resolved = self._store.resolve_references(session=session, references=schema.references)
        inlined = format == RESOLVED
        if (
            inlined
            and readable is not None
            and not all(readable(reference.subject) for reference in resolved)
        ):
            raise errors.ForbiddenError(
                f"Schema {schema_id} references, directly or through other schemas, a subject this "
                "caller may not read, so it cannot be shown resolved; the default format shows it "
                "as registered"
            )
        parsed = self._store.parse(schema_type=schema.schema_type, text=schema.text, resolved=resolved)
        return with_body(replace(schema, text=render(parsed)))

    def get_version_in_format(
        self,
        *,
        session: Session,
        view: VersionView,
        format: str | None,
        readable: Callable[[str], bool] | None = None,
    ) -> VersionView:
        """The subject version with its schema in `format`, as `get_schema_in_format` renders it."""
        if is_default_format(format):
            return view
        schema = self.get_schema_in_format(
            session=session, schema_id=view.schema.id, format=format, readable=readable
        )
        return replace(view, schema=schema)
