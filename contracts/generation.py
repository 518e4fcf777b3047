"""Samples generated from a schema, for a producer that has recorded none.

JSON Schema instances come from the generator schemathesis ships: hypothesis-jsonschema, the usual
choice, fails with the hypothesis version schemathesis needs. Avro data comes from fastavro's
generator, written and read back so logical types arrive decoded (datetimes, decimals, UUIDs), as a
consumer sees them. Generation is derandomized: the same schema gives the same samples every run.
A schema with references is generated from as one document: Avro's named types from the referenced
schemas are known to the generator, and a JSON Schema's `$ref`s are replaced by what they point to
(the generator resolves none by name). A Protobuf message's values are drawn from the JSON Schema of
its JSON mapping, and each is parsed into the message by protobuf and written back as a consumer decodes
it; values protobuf refuses (a 64-bit integer out of range) are dropped.
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC
from typing import Any

import fastavro
import jsonschema_rs
import orjson
from fastavro.utils import gen_data
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from referencing.exceptions import Unresolvable
from schemathesis.generation.jsonschema.builder import build

from client.avro import parse_avro
from contracts.checks import ProducerSchema
from contracts.errors import ContractError
from contracts.protobuf_data import decoded, message_class, parsed_sample
from contracts.samples import Sample, envelope_for, json_value
from registry.compatibility import (
    ResolvedReference,
    SchemaParseError,
    build_registry,
    draft_of,
    json_mapping_schema,
)

_FORMATS = {
    "uuid": st.uuids().map(str),
    "date-time": st.datetimes(timezones=st.just(UTC)).map(
        lambda moment: moment.isoformat().replace("+00:00", "Z")
    ),
    "date": st.dates().map(str),
}


def generate_samples(schema: ProducerSchema, *, source: str, count: int = 5) -> list[Sample]:
    """`count` samples of data valid under `schema`, in complete envelopes, marked as generated."""
    if schema.schema_type == "AVRO":
        values = _avro_values(schema.text, schema.references, count)
    elif schema.schema_type == "PROTOBUF":
        values = _protobuf_values(schema, count)
    else:
        document = orjson.loads(schema.text)
        if schema.references:
            document = _inlined(document, schema.references)
        values = _json_values(document, count)
    return [
        Sample(
            scenario=f"generated from {schema.name} #{index + 1}",
            envelope=envelope_for(
                schema.event_type, value, source=source, event_version=schema.version, index=index
            ),
            schema_type=schema.schema_type,
            schema=schema.text,
            generated=True,
        )
        for index, value in enumerate(values)
    ]


def _protobuf_values(schema: ProducerSchema, count: int) -> list[Any]:
    try:
        cls = message_class(schema.text, schema.references, event_type=schema.event_type)
    except SchemaParseError as error:
        raise ContractError(f"cannot generate samples from this Protobuf schema: {error}") from error
    values = []
    for value in _json_values(json_mapping_schema(cls.DESCRIPTOR), count):
        message, violations = parsed_sample(value, cls)
        if message is not None and not violations:
            values.append(decoded(message))
    return values or [decoded(cls())]


def _avro_values(text: str, references: tuple[ResolvedReference, ...], count: int) -> list[Any]:
    named: dict[str, Any] = {}
    for reference in references:
        parse_avro(reference.text, named)
    parsed = parse_avro(text, named)
    values = []
    # fastavro draws from the global random generator: seed it from the schema, then restore it
    state = random.getstate()
    random.seed(hashlib.sha256(text.encode()).digest())
    try:
        raws = [gen_data(parsed, named) for _ in range(count)]
    finally:
        random.setstate(state)
    for raw in raws:
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, parsed, raw)
        buffer.seek(0)
        values.append(json_value(fastavro.schemaless_reader(buffer, parsed, parsed)))
    return values


def _json_values(schema: Any, count: int) -> list[Any]:
    try:
        strategy = build(schema, draft=_GENERATOR_DRAFTS[draft_of(schema).name], formats=_FORMATS)
    except Exception as error:  # draft_of, and the builder on schemas it does not model
        raise ContractError(f"cannot generate samples from this JSON Schema: {error}") from error
    found: list[Any] = []
    strategy = strategy.filter(_encodable)

    @settings(
        max_examples=count,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy)
    def collect(value: Any) -> None:
        if value not in found:
            found.append(value)

    try:
        collect()
    except Unsatisfiable:  # every value drawn failed _encodable
        found.clear()
    if not found:
        raise ContractError(
            "cannot generate samples from this JSON Schema: none of the values it allows can be sent as "
            "JSON and stored (integers beyond 64 bits, NUL characters); record samples of what the "
            "producer sends instead"
        )
    return found[:count]


def _encodable(value: Any) -> bool:
    """Whether `value` can go on the wire as JSON and be stored: orjson, like most JSON stacks, stops
    at 64-bit integers, and the registry (like PostgreSQL) refuses text with a NUL character."""
    try:
        text = orjson.dumps(value)
    except TypeError:
        return False
    return b"\\u0000" not in text


_GENERATOR_DRAFTS = {  # by the kernel's name of each draft
    "draft-04": jsonschema_rs.Draft4,
    "draft-06": jsonschema_rs.Draft6,
    "draft-07": jsonschema_rs.Draft7,
    "2019-09": jsonschema_rs.Draft201909,
    "2020-12": jsonschema_rs.Draft202012,
}
# Keywords whose value maps names to subschemas (the names are not keywords), keywords whose value is
# data (copied as it is), and the keywords that have no use once every `$ref` is inlined.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas", "dependencies"})
_DATA = frozenset({"enum", "const", "default", "examples"})
_DROPPED = frozenset({"$ref", "$id", "$schema", "$defs", "definitions"})


def _inlined(document: Any, references: tuple[ResolvedReference, ...]) -> Any:
    """`document` with each `$ref` replaced by the subschema it leads to, in the schema itself or in
    a referenced one; recursive references cannot be inlined and are refused."""
    draft = draft_of(document)
    referenced = []
    for reference in references:
        contents = orjson.loads(reference.text)
        referenced.append((reference.name, contents, draft_of(contents)))
    registry, base = build_registry((document, draft), referenced)

    def inline(node: Any, resolver: Any, following: tuple[int, ...]) -> Any:
        if isinstance(node, list):
            return [inline(item, resolver, following) for item in node]
        if not isinstance(node, dict):
            return node
        resolver = resolver.in_subresource(draft.specification.create_resource(node))
        rest = {}
        for key, value in node.items():
            if key in _DROPPED:
                continue
            if key in _DATA:
                rest[key] = value
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                rest[key] = {name: inline(schema, resolver, following) for name, schema in value.items()}
            else:
                rest[key] = inline(value, resolver, following)
        target = node.get("$ref")
        if not isinstance(target, str):
            return rest
        try:
            resolved = resolver.lookup(target)
        except Unresolvable as error:
            raise ContractError(f"cannot generate samples: $ref {target!r} leads nowhere") from error
        if id(resolved.contents) in following:
            raise ContractError(f"cannot generate samples from a recursive reference ({target})")
        inlined = inline(resolved.contents, resolved.resolver, (*following, id(resolved.contents)))
        if draft.ref_overrides_siblings or not rest:
            return inlined
        return {"allOf": [inlined, rest]}

    top = inline(document, registry.resolver(base), (id(document),))
    if isinstance(document, dict) and isinstance(top, dict) and "$schema" in document:
        return {"$schema": document["$schema"], **top}
    return top
