"""Samples generated from a schema, for a producer that has recorded none.

JSON Schema instances come from the generator schemathesis ships: hypothesis-jsonschema, the usual
choice, fails with the hypothesis version schemathesis needs. Avro data comes from fastavro's
generator, written and read back so logical types arrive decoded (datetimes, decimals, UUIDs), as a
consumer sees them. Generation is derandomized: the same schema gives the same samples every run.
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import UTC
from typing import Any

import fastavro
import orjson
from fastavro.utils import generate_many
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build

from contracts.checks import ProducerSchema
from contracts.errors import ContractError
from contracts.samples import Sample, envelope_for, json_value

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
        values = _avro_values(schema.text, count)
    else:
        values = _json_values(orjson.loads(schema.text), count)
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


def _avro_values(text: str, count: int) -> list[Any]:
    parsed = fastavro.parse_schema(orjson.loads(text))
    values = []
    # fastavro draws from the global random generator: seed it from the schema, then restore it
    state = random.getstate()
    random.seed(hashlib.sha256(text.encode()).digest())
    try:
        raws = list(generate_many(parsed, count))
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
        strategy = build(schema, draft=_draft_of(schema), formats=_FORMATS)
    except Exception as error:  # the builder raises assorted errors on schemas it does not model
        raise ContractError(f"cannot generate samples from this JSON Schema: {error}") from error
    found: list[Any] = []

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

    collect()
    return found[:count]


def _draft_of(schema: Any) -> int:
    uri = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
    for marker, draft in (("draft-04", 4), ("draft-06", 6), ("2019-09", 201909), ("2020-12", 202012)):
        if marker in uri:
            return draft
    return 7
