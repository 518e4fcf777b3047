"""Verifying producer versions against consumer versions: every check, for every pair that interacts.

A producer and a consumer interact when the producer publishes (has samples or schemas for) an event
type the consumer expects. Works on values alone, so it runs offline from files as well as on what the
registry returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import orjson

from contracts.checks import (
    ProducerSchema,
    check_sample_expectation,
    check_sample_schema,
    check_schema_expectation,
)
from contracts.expectations import ConsumerContract, Expectation
from contracts.findings import ContractFinding, PairResult, Verification
from contracts.samples import Sample
from registry.compatibility import ResolvedReference, SchemaType


@dataclass(frozen=True)
class ProducerSide:
    """A producer version: its samples, and the schema versions it may publish each event type with."""

    producer: str
    version: str
    samples: tuple[Sample, ...] = ()
    schemas: tuple[ProducerSchema, ...] = field(default=())

    def event_types(self) -> set[str]:
        return {sample.event_type for sample in self.samples} | {schema.event_type for schema in self.schemas}


def producer_side(
    producer: str, version: str, samples: Sequence[Sample], schemas: Sequence[ProducerSchema] = ()
) -> ProducerSide:
    """A producer version whose schemas include those its samples were written with (as candidates,
    when they are not among `schemas`)."""
    known = list(schemas)
    for sample in samples:
        if sample.schema is None or sample.schema_type is None:
            continue
        if not any(_same_schema(schema, sample) for schema in known):
            label = f"{sample.event_type} (schema of sample '{sample.scenario}')"
            references = tuple(
                ResolvedReference(r.name, r.subject, r.version, SchemaType(r.schema_type), r.schema)
                for r in sample.references
            )
            known.append(
                ProducerSchema(
                    sample.event_type, sample.schema_type, sample.schema, label=label, references=references
                )
            )
    return ProducerSide(producer, version, tuple(samples), tuple(known))


def verify(producers: Sequence[ProducerSide], consumers: Sequence[ConsumerContract]) -> Verification:
    """Run checks 1-3 for every producer version and every consumer version that interact."""
    pairs = []
    producer_findings: list[ContractFinding] = []
    for producer in producers:
        sample_findings = {
            id(sample): _sample_schema_findings(sample, producer) for sample in producer.samples
        }
        for findings in sample_findings.values():
            producer_findings.extend(findings)
        for consumer in consumers:
            relevant = [e for e in consumer.expectations if e.event_type in producer.event_types()]
            if relevant:
                pairs.append(_verify_pair(producer, consumer, relevant, sample_findings))
    return Verification(tuple(pairs), tuple(producer_findings))


def _verify_pair(
    producer: ProducerSide,
    consumer: ConsumerContract,
    expectations: Iterable[Expectation],
    sample_findings: dict[int, list[ContractFinding]],
) -> PairResult:
    who = f"{consumer.consumer}@{consumer.version}"
    findings: list[ContractFinding] = []
    for expectation in expectations:
        samples = [
            sample
            for sample in producer.samples
            if sample.event_type == expectation.event_type
            and (sample.event_version is None or sample.event_version in expectation.event_versions)
        ]
        for sample in samples:
            findings.extend(finding for finding in sample_findings[id(sample)] if finding not in findings)
            findings.extend(check_sample_expectation(sample, expectation, consumer=who))
        for schema in producer.schemas:
            in_range = schema.version is None or schema.version in expectation.event_versions
            if schema.event_type == expectation.event_type and in_range:
                findings.extend(check_schema_expectation(schema, expectation, consumer=who))
    return PairResult(
        producer=producer.producer,
        producer_version=producer.version,
        consumer=consumer.consumer,
        consumer_version=str(consumer.version),
        findings=tuple(findings),
    )


def _sample_schema_findings(sample: Sample, producer: ProducerSide) -> list[ContractFinding]:
    """Check 1 against the schema the sample was written with (or, lacking it, the one it names)."""
    schema = _schema_of(sample, producer.schemas)
    return [] if schema is None else check_sample_schema(sample, schema)


def _schema_of(sample: Sample, schemas: Sequence[ProducerSchema]) -> ProducerSchema | None:
    if sample.schema is not None:
        return next((schema for schema in schemas if _same_schema(schema, sample)), None)
    candidates = [schema for schema in schemas if schema.event_type == sample.event_type]
    named = [schema for schema in candidates if schema.version == sample.event_version]
    chosen = named or candidates
    return chosen[-1] if chosen else None


def _same_schema(schema: ProducerSchema, sample: Sample) -> bool:
    """Whether `sample` was written with `schema` (the same JSON document, whatever its spacing)."""
    if schema.event_type != sample.event_type or schema.schema_type != sample.schema_type:
        return False
    try:
        return bool(orjson.loads(schema.text) == orjson.loads(sample.schema or ""))
    except orjson.JSONDecodeError:
        return schema.text == sample.schema
