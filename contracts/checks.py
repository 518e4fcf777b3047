"""The three checks the harness runs itself (the fourth runs in the registry when a schema registers).

1. `check_sample_schema`: a sample's data is valid under the schema it was published with.
2. `check_sample_expectation`: a sample satisfies a consumer's expectation (envelope and data).
3. `check_schema_expectation`: a producer schema promises what the expectation reads, statically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jsonschema
import orjson

from client.errors import Violation
from client.json_schema import JsonSchemaError, local_explainer
from contracts.expectations import Expectation
from contracts.findings import Check, ContractFinding, Severity
from contracts.protobuf_data import decoded, imported, message_class, parsed_sample
from contracts.samples import Sample
from contracts.string_formats import format_checker
from registry.compatibility import (
    JsonSchema,
    ParsedSchema,
    ResolvedReference,
    SchemaParseError,
    SchemaType,
    decoded_json_schema,
    expectation_gaps,
    parse_schema,
)

MAX_VIOLATIONS = 20  # per sample and schema: the first ones tell the story


@dataclass(frozen=True)
class ProducerSchema:
    """A schema version the producer may publish an event type with."""

    event_type: str
    schema_type: str
    text: str
    version: int | None = None  # the subject version; None for a candidate not registered yet
    label: str = ""
    references: tuple[ResolvedReference, ...] = field(default=())

    @property
    def name(self) -> str:
        if self.label:
            return self.label
        return (
            f"{self.event_type} v{self.version}"
            if self.version is not None
            else f"{self.event_type} (candidate)"
        )


def check_sample_schema(sample: Sample, schema: ProducerSchema) -> list[ContractFinding]:
    """Check 1: the sample's data, in its JSON form, is valid under the producer's schema (a Protobuf
    sample: parsed into the producer's message by protobuf's json_format)."""
    if schema.schema_type == "PROTOBUF":
        try:
            cls = message_class(schema.text, schema.references, event_type=sample.event_type)
        except SchemaParseError as error:
            return [_schema_unusable(Check.SAMPLE_SCHEMA, sample.event_type, schema.name, str(error))]
        _, violations = parsed_sample(sample.data, cls)
        return [
            _protobuf_violation(Check.SAMPLE_SCHEMA, "error", sample, violation, schema=schema.name)
            for violation in violations[:MAX_VIOLATIONS]
        ]
    try:
        validator = _validator(schema.schema_type, schema.text, schema.references, asserting_formats=False)
    except (SchemaParseError, jsonschema.SchemaError) as error:
        return [_schema_unusable(Check.SAMPLE_SCHEMA, sample.event_type, schema.name, str(error))]
    return [
        _violation(Check.SAMPLE_SCHEMA, "error", sample, error, prefix="$.data", schema=schema.name)
        for error in _errors(validator, sample.data)
    ]


def check_sample_expectation(
    sample: Sample, expectation: Expectation, *, consumer: str
) -> list[ContractFinding]:
    """Check 2: the sample's envelope and data satisfy what the consumer reads.

    Generated samples only warn: they show what the schema allows, not what the producer sends.
    """
    severity: Severity = "warning" if sample.generated else "error"
    found: list[ContractFinding] = []
    data = _as_decoded(sample)
    try:
        if expectation.envelope is not None:
            envelope_validator = _local(jsonschema.Draft7Validator, expectation.envelope, format_checker())
            found += [
                _violation(Check.SAMPLE_EXPECTATION, severity, sample, error, prefix="$", consumer=consumer)
                for error in _errors(envelope_validator, sample.envelope)
            ]
        if expectation.schema_type == "PROTOBUF":
            reader = message_class(
                expectation.schema_text,
                imported(expectation.imports),
                message=expectation.message,
                event_type=expectation.event_type,
            )
            _, violations = parsed_sample(data, reader, ignore_unknown=True)
            return found + [
                _protobuf_violation(Check.SAMPLE_EXPECTATION, severity, sample, violation, consumer=consumer)
                for violation in violations[:MAX_VIOLATIONS]
            ]
        validator = _validator(
            expectation.schema_type, expectation.schema_text, (), asserting_formats=True, reading=True
        )
    except (SchemaParseError, jsonschema.SchemaError) as error:
        return [
            _schema_unusable(
                Check.SAMPLE_EXPECTATION, sample.event_type, "the expectation", str(error), consumer
            )
        ]
    found += [
        _violation(Check.SAMPLE_EXPECTATION, severity, sample, error, prefix="$.data", consumer=consumer)
        for error in _errors(validator, data)
    ]
    return found


def check_schema_expectation(
    schema: ProducerSchema, expectation: Expectation, *, consumer: str
) -> list[ContractFinding]:
    """Check 3: statically, every datum the producer's schema allows is one the expectation reads."""
    try:
        producer = _parsed(schema.schema_type, schema.text, schema.references)
        expected = _parsed(expectation.schema_type, expectation.schema_text, imported(expectation.imports))
    except SchemaParseError as error:
        return [
            _schema_unusable(Check.SCHEMA_EXPECTATION, schema.event_type, schema.name, str(error), consumer)
        ]
    findings = []
    gaps = expectation_gaps(
        expected, producer, message=expectation.message, event_type=expectation.event_type
    )
    for gap in gaps:
        message = gap.describe()
        if not gap.breaking:
            message += " (the schema does not promise this rule; it is checked on the producer's samples)"
        findings.append(
            ContractFinding(
                check=Check.SCHEMA_EXPECTATION,
                severity="error" if gap.breaking else "warning",
                event_type=schema.event_type,
                path=gap.data_path,
                message=message,
                expected=None if gap.expected is None else _json(gap.expected),
                found=None if gap.found is None else _json(gap.found),
                schema=schema.name,
                consumer=consumer,
            )
        )
    return findings


def _as_decoded(sample: Sample) -> Any:
    """The sample's data as its consumers decode it: a Protobuf message with its implicit-presence
    fields at their defaults (as written when it does not parse; check 1 reports why)."""
    if sample.schema_type != "PROTOBUF" or sample.schema is None:
        return sample.data
    references = tuple(
        ResolvedReference(r.name, r.subject, r.version, SchemaType(r.schema_type), r.schema)
        for r in sample.references
    )
    try:
        message, _ = parsed_sample(
            sample.data, message_class(sample.schema, references, event_type=sample.event_type)
        )
    except SchemaParseError:
        return sample.data
    return sample.data if message is None else decoded(message)


@lru_cache(maxsize=256)
def _parsed(schema_type: str, text: str, references: tuple[ResolvedReference, ...]) -> ParsedSchema:
    return parse_schema(SchemaType(schema_type), text, references)


@lru_cache(maxsize=256)
def _validator(
    schema_type: str,
    text: str,
    references: tuple[ResolvedReference, ...],
    *,
    asserting_formats: bool,
    reading: bool = False,
) -> jsonschema.protocols.Validator:
    """A python-jsonschema validator for the JSON form of data of this schema (Avro: its decoded form)."""
    parsed = _parsed(schema_type, text, references)  # a precise error for an invalid schema
    checker = format_checker() if asserting_formats else None
    if isinstance(parsed, JsonSchema):
        validator_class = jsonschema.validators.validator_for(
            parsed.document, default=jsonschema.Draft7Validator
        )
        named = {reference.name: orjson.loads(reference.text) for reference in references}
        return _local(validator_class, parsed.document, checker, named)
    document = decoded_json_schema(text, references, as_reader=reading)
    return _local(jsonschema.Draft7Validator, document, checker)


def _local(
    validator_class: type[jsonschema.protocols.Validator],
    document: Any,
    checker: Any,
    references: dict[str, Any] | None = None,
) -> jsonschema.protocols.Validator:
    """A validator that fetches no `$ref` and matches patterns in bounded time (client.json_schema)."""
    try:
        return local_explainer(validator_class, document, format_checker=checker, references=references)
    except JsonSchemaError as error:
        raise SchemaParseError(str(error)) from error


def _errors(validator: jsonschema.protocols.Validator, instance: Any) -> list[jsonschema.ValidationError]:
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    return errors[:MAX_VIOLATIONS]


def _violation(
    check: Check,
    severity: Severity,
    sample: Sample,
    error: jsonschema.ValidationError,
    *,
    prefix: str,
    schema: str | None = None,
    consumer: str | None = None,
) -> ContractFinding:
    path = prefix + error.json_path[1:]
    message = error.message
    if error.context:
        closest = jsonschema.exceptions.best_match(error.context)
        if closest is not None:
            message += f" (closest alternative: {closest.message} at {prefix}{closest.json_path[1:]})"
    if sample.generated:
        message += " [in a sample generated from the schema: record real samples to settle this]"
    return ContractFinding(
        check=check,
        severity=severity,
        event_type=sample.event_type,
        path=path,
        message=message,
        expected=f"{error.validator}: {_json(error.validator_value)}",
        found=_json(error.instance),
        sample=sample.scenario,
        schema=schema,
        consumer=consumer,
        generated=sample.generated,
    )


def _protobuf_violation(
    check: Check,
    severity: Severity,
    sample: Sample,
    violation: Violation,
    *,
    schema: str | None = None,
    consumer: str | None = None,
) -> ContractFinding:
    message = violation.message
    if sample.generated:
        message += " [in a sample generated from the schema: record real samples to settle this]"
    return ContractFinding(
        check=check,
        severity=severity,
        event_type=sample.event_type,
        path="$.data" + violation.path[1:],
        message=message,
        expected=f"Protobuf {violation.rule}",
        found=None if violation.value is None else _json(violation.value),
        sample=sample.scenario,
        schema=schema,
        consumer=consumer,
        generated=sample.generated,
    )


def _schema_unusable(
    check: Check, event_type: str, what: str, reason: str, consumer: str | None = None
) -> ContractFinding:
    return ContractFinding(
        check=check,
        severity="error",
        event_type=event_type,
        path="#",
        message=f"{what} cannot be used: {reason}",
        schema=what,
        consumer=consumer,
    )


def _json(value: Any, limit: int = 200) -> str:
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str).decode()
    except TypeError:  # an integer beyond 64 bits, which the standard library writes as it is
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
