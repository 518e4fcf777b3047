"""Producer samples: concrete envelopes a producer version emits, per event type and scenario.

A sample keeps the schema it was serialized with (when known), and the schemas that one refers to,
so it can be checked against that schema even before the schema is registered, and offline. Values
decoded from Avro become their JSON form here: timestamps and dates as RFC 3339 text, UUIDs as text,
decimals as numbers, bytes as ISO-8859-1 text (Avro's own JSON encoding of bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import orjson

from client import (
    Envelope,
    InMemoryBus,
    SchemaReference,
    SchemaSource,
    SubjectNameStrategy,
    subject_name,
)
from contracts.errors import ContractError, ContractFileError
from contracts.expectations import read_json
from contracts.file_formats import check_file


@dataclass(frozen=True)
class SampleReference:
    """A schema the sample's schema refers to (Confluent's reference), with its text."""

    name: str
    subject: str
    version: int
    schema_type: str
    schema: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "subject": self.subject,
            "version": self.version,
            "schemaType": self.schema_type,
            "schema": self.schema,
        }

    @classmethod
    def from_dict(cls, raw: Any) -> SampleReference:
        if not isinstance(raw, dict):
            raise ContractError(f"a reference is a JSON object, not {type(raw).__name__}")
        texts = [raw.get(key) for key in ("name", "subject", "schema")]
        version, schema_type = raw.get("version"), raw.get("schemaType", "AVRO")
        if not all(isinstance(text, str) and text for text in texts):
            raise ContractError("a reference needs name, subject and schema (the referenced schema's text)")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ContractError(f"a reference's version is a positive integer, not {version!r}")
        if schema_type not in ("JSON", "AVRO", "PROTOBUF"):
            raise ContractError(
                f"a reference's schemaType must be JSON, AVRO or PROTOBUF, not {schema_type!r}"
            )
        return cls(raw["name"], raw["subject"], version, schema_type, raw["schema"])


@dataclass(frozen=True)
class Sample:
    """One envelope (seed field names, JSON values) a producer emitted in a named scenario."""

    scenario: str
    envelope: dict[str, Any]
    schema_type: str | None = None
    schema: str | None = None  # the text of the schema the data was written with
    generated: bool = False  # made from the schema because the producer had no sample
    references: tuple[SampleReference, ...] = ()  # what `schema` refers to, dependencies first

    @property
    def event_type(self) -> str:
        return str(self.envelope.get("eventType"))

    @property
    def event_version(self) -> int | None:
        version = self.envelope.get("eventVersion")
        return version if isinstance(version, int) else None

    @property
    def data(self) -> Any:
        return self.envelope.get("data")

    def to_dict(self) -> dict[str, Any]:
        written: dict[str, Any] = {
            "scenario": self.scenario,
            "envelope": self.envelope,
            "schemaType": self.schema_type,
            "schema": self.schema,
            "generated": self.generated,
        }
        if self.references:
            written["references"] = [reference.to_dict() for reference in self.references]
        return written

    @classmethod
    def from_dict(cls, raw: Any) -> Sample:
        if not isinstance(raw, dict):
            raise ContractError(f"a sample is a JSON object, not {type(raw).__name__}")
        envelope = raw.get("envelope")
        if not isinstance(envelope, dict) or not isinstance(envelope.get("eventType"), str):
            raise ContractError("a sample needs an envelope object with an eventType")
        schema_type, schema = raw.get("schemaType"), raw.get("schema")
        if schema_type not in (None, "JSON", "AVRO", "PROTOBUF"):
            raise ContractError(f"schemaType must be JSON, AVRO, PROTOBUF or null, not {schema_type!r}")
        if schema is not None and not isinstance(schema, str):
            raise ContractError("schema must be the schema's text (a string) or null")
        references = raw.get("references") or []
        if not isinstance(references, list):
            raise ContractError("references must be a list")
        return cls(
            scenario=str(raw.get("scenario") or "sample"),
            envelope=envelope,
            schema_type=schema_type if schema is not None else None,
            schema=schema,
            generated=bool(raw.get("generated", False)),
            references=tuple(SampleReference.from_dict(reference) for reference in references),
        )


@dataclass(frozen=True)
class ProducerSamples:
    """Every sample of one producer version."""

    producer: str
    version: str | None
    samples: tuple[Sample, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "producer": self.producer,
            "version": self.version,
            "samples": [s.to_dict() for s in self.samples],
        }

    def with_version(self, version: str | None) -> ProducerSamples:
        return self if version is None else replace(self, version=version)

    def event_types(self) -> list[str]:
        return list(dict.fromkeys(sample.event_type for sample in self.samples))

    @classmethod
    def from_dict(cls, raw: Any, *, origin: str = "samples") -> ProducerSamples:
        if not isinstance(raw, dict) or not isinstance(raw.get("producer"), str) or not raw["producer"]:
            raise ContractFileError(origin, 'expected {"producer": "<name>", "samples": [...]}')
        items = raw.get("samples")
        if not isinstance(items, list):
            raise ContractFileError(origin, "samples must be a list")
        samples = []
        for index, item in enumerate(items):
            try:
                samples.append(Sample.from_dict(item))
            except ContractError as error:
                raise ContractFileError(origin, f"samples[{index}]: {error}") from error
        version = raw.get("version")
        return cls(raw["producer"], None if version is None else str(version), tuple(samples))


def json_value(value: Any) -> Any:
    """A decoded event value in its JSON form (see the module docstring)."""
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, datetime | date | time | UUID):
        return orjson.loads(orjson.dumps(value, option=orjson.OPT_UTC_Z))
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def sample_of(
    envelope: Envelope,
    *,
    scenario: str,
    schema_type: str | None,
    schema: str | None,
    references: tuple[SampleReference, ...] = (),
) -> Sample:
    return Sample(scenario, json_value(envelope.to_dict()), schema_type, schema, references=references)


def record_bus(
    bus: InMemoryBus,
    registry: SchemaSource,
    *,
    scenario: str,
    subject_name_strategy: SubjectNameStrategy = "event_type",
) -> list[Sample]:
    """The samples of everything `bus` published, each with the schema version it was published with."""
    samples = []
    strategy = subject_name_strategy
    for (topic, _message), envelope in zip(bus.messages, bus.published, strict=True):
        subject = subject_name(strategy, event_type=envelope.event_type, topic=topic)
        if envelope.event_version is None:
            samples.append(sample_of(envelope, scenario=scenario, schema_type=None, schema=None))
            continue
        schema = registry.get_version(subject, envelope.event_version).schema
        samples.append(
            sample_of(
                envelope,
                scenario=scenario,
                schema_type=schema.schema_type,
                schema=schema.schema_str,
                references=_resolved(registry, schema.references),
            )
        )
    return samples


def _resolved(registry: SchemaSource, references: tuple[SchemaReference, ...]) -> tuple[SampleReference, ...]:
    """The referenced schemas, dependencies first, so the sample file stands alone."""
    resolved: list[SampleReference] = []
    for reference in references:
        schema = registry.get_version(reference.subject, reference.version).schema
        resolved.extend(_resolved(registry, schema.references))
        resolved.append(
            SampleReference(
                reference.name, reference.subject, reference.version, schema.schema_type, schema.schema_str
            )
        )
    return tuple(dict.fromkeys(resolved))


def write_samples(samples: ProducerSamples, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        orjson.dumps(samples.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    )
    return path


def read_samples(path: Path) -> ProducerSamples:
    """A producer's samples file, checked against its published format (contracts.file_formats)."""
    document = read_json(path)
    check_file(document, "samples", str(path))
    return ProducerSamples.from_dict(document, origin=str(path))


def envelope_for(
    event_type: str, data: Any, *, source: str, event_version: int | None, index: int = 0
) -> dict[str, Any]:
    """A complete envelope dict around generated data (fixed ids, so reruns produce the same file)."""
    event_id = str(uuid5(NAMESPACE_URL, f"accord:{source}/{event_type}/{event_version}/{index}"))
    return {
        "eventId": event_id,
        "source": source,
        "eventType": event_type,
        "eventVersion": event_version,
        "timestamp": "2024-05-01T12:30:00Z",
        "correlationId": event_id,
        "causationId": None,
        "partitionKey": None,
        "sequenceNumber": None,
        "data": data,
    }
