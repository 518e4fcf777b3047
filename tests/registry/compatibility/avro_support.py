"""Helpers shared by the Avro engine tests: checking a pair both ways, and proving a verdict with fastavro
by writing data with the writer schema and reading it back with the reader schema."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Sequence
from typing import Any

import avro.io
import avro.name
import avro.schema
import fastavro
from fastavro.utils import gen_data

from registry.compatibility import CompatibilityPolicy, ResolvedReference, Roles, SchemaType
from registry.compatibility.avro import AvroSchema, parse_avro


def record(*fields: dict[str, Any], name: str = "Order", namespace: str = "com.acme", **extra: Any) -> dict:
    return {"type": "record", "name": name, "namespace": namespace, "fields": list(fields), **extra}


def avro_reference(name: str, schema: Any, subject: str = "shared", version: int = 1) -> ResolvedReference:
    return ResolvedReference(name, subject, version, SchemaType.AVRO, json.dumps(schema))


def parse(schema: Any, references: Sequence[ResolvedReference] = ()) -> AvroSchema:
    return parse_avro(json.dumps(schema), references)


def backward_issues(old: AvroSchema, new: AvroSchema) -> list[tuple[str, str]]:
    """(type, path) of each reason the new schema cannot read the old one's data."""
    found = new.incompatibilities(old, roles=Roles.backward(), policy=CompatibilityPolicy.STRICT)
    return [(issue.type, issue.path) for issue in found]


def forward_issues(old: AvroSchema, new: AvroSchema) -> list[tuple[str, str]]:
    """(type, path) of each reason the old schema cannot read the new one's data."""
    found = old.incompatibilities(new, roles=Roles.forward(), policy=CompatibilityPolicy.STRICT)
    return [(issue.type, issue.path) for issue in found]


def fastavro_schema(schema: Any, references: Sequence[ResolvedReference] = ()) -> tuple[Any, dict[str, Any]]:
    """The schema as fastavro parses it, and the named types it knows by full name."""
    named: dict[str, Any] = {}
    for reference in references:
        fastavro.parse_schema(json.loads(reference.text), named_schemas=named)
    return fastavro.parse_schema(schema, named_schemas=named), named


def write_and_read(
    writer: Any,
    reader: Any,
    count: int,
    writer_references: Sequence[ResolvedReference] = (),
    reader_references: Sequence[ResolvedReference] = (),
) -> list[Any]:
    """Write `count` random data with the writer schema, read each back with the reader schema, and
    return what was read; fastavro raises when it cannot resolve the two.

    fastavro 1.x crashes (TypeError: unhashable type: 'dict') when a writer's by-name reference meets a
    reader union whose branch defines that type inline; Apache Avro's own reader then has the last word.
    """
    random.seed(0)
    fast_writer, named = fastavro_schema(writer, writer_references)
    fast_reader, _ = fastavro_schema(reader, reader_references)
    read = []
    for _ in range(count):
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, fast_writer, random_datum(fast_writer, named))
        buffer.seek(0)
        try:
            read.append(fastavro.schemaless_reader(buffer, fast_writer, fast_reader))
        except TypeError:
            buffer.seek(0)
            apache = avro.io.DatumReader(
                _apache_schema(writer, writer_references), _apache_schema(reader, reader_references)
            )
            read.append(apache.read(avro.io.BinaryDecoder(buffer)))
    return read


def _apache_schema(schema: Any, references: Sequence[ResolvedReference]) -> avro.schema.Schema:
    names = avro.name.Names()
    for reference in references:
        avro.schema.make_avsc_object(json.loads(reference.text), names)
    return avro.schema.make_avsc_object(schema, names)


def random_datum(schema: Any, named: dict[str, Any], depth: int = 0) -> Any:
    """A random datum of a fastavro-parsed schema. Unlike fastavro's own generator, it keeps arrays
    and maps short and, deep down, avoids records in unions, so recursive schemas give finite data.
    Its bytes are ASCII: Avro lets a string reader read bytes, and only UTF-8 bytes can be strings,
    a fact about the data that no schema check can see."""
    if isinstance(schema, str) and schema in named:
        schema = named[schema]
    kind = schema if isinstance(schema, str) else schema["type"] if isinstance(schema, dict) else "union"
    if kind == "union":
        branches = schema
        if depth > _DEEP:
            branches = [branch for branch in schema if not _is_record(branch, named)] or schema
        branch = random.choice(branches)
        datum = random_datum(branch, named, depth + 1)
        # fastavro guesses a union branch from the value; a record could pass for a map, so name it.
        return (_named(branch, named)["name"], datum) if _is_record(branch, named) else datum
    if kind == "record":
        return {each["name"]: random_datum(each["type"], named, depth + 1) for each in schema["fields"]}
    if kind == "array":
        return [random_datum(schema["items"], named, depth + 1) for _ in range(_length(depth))]
    if kind == "map":
        return {
            f"k{index}": random_datum(schema["values"], named, depth + 1) for index in range(_length(depth))
        }
    if kind == "bytes" and not isinstance(schema, dict):
        return bytes(random.choices(range(32, 127), k=random.randint(0, 8)))
    return gen_data(schema, named)


_DEEP = 4


def _length(depth: int) -> int:
    return 0 if depth > _DEEP else random.randint(0, 2)


def _named(schema: Any, named: dict[str, Any]) -> Any:
    return named.get(schema, schema) if isinstance(schema, str) else schema


def _is_record(schema: Any, named: dict[str, Any]) -> bool:
    schema = _named(schema, named)
    return isinstance(schema, dict) and schema.get("type") in ("record", "error")
