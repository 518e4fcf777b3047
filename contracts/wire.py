"""The JSON of the registry's contract API (/contracts/...) as the harness writes and reads it.

Every body the harness sends is built here, and every answer it reads is parsed here, in the shapes
of the contract store's pydantic wire models on the server; tests/contracts/test_wire_round_trip.py
holds the two sides together. The harness cannot import the registry, so the shapes are written out.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from contracts.errors import ContractError
from contracts.expectations import ConsumerContract, Expectation
from contracts.findings import ContractFinding, PairResult
from contracts.samples import ProducerSamples, Sample
from contracts.versions import VersionRange


class MatrixRow(TypedDict):
    """One producer/consumer version pair can-i-deploy rests on (keys as the API spells them)."""

    producer: str
    producerVersion: str
    consumer: str
    consumerVersion: str
    result: str  # success, failure or unknown (never verified)
    verifiedAt: str | None
    errors: int


class CanIDeployAnswer(TypedDict):
    """The registry's answer: deployable true (yes), false (no) or None (unknown), why, and the pairs."""

    application: str
    version: str
    environment: str
    deployable: bool | None
    reason: str
    matrix: list[MatrixRow]


# -- bodies the harness sends ---------------------------------------------------------------------


def expectations_body(contract: ConsumerContract) -> dict[str, Any]:
    """PUT /contracts/consumers/{consumer}/versions/{version}/expectations."""
    return {"expectations": [_expectation_body(expectation) for expectation in contract.expectations]}


def _expectation_body(expectation: Expectation) -> dict[str, Any]:
    versions = expectation.event_versions
    return {
        "eventType": expectation.event_type,
        "subject": expectation.subject,
        "eventVersions": {"minimum": versions.minimum, "maximum": versions.maximum},
        "schemaType": expectation.schema_type,
        "schema": expectation.schema,
        "message": expectation.message,
        "imports": expectation.imports or None,
        "envelope": expectation.envelope,
        "description": expectation.description,
    }


def samples_body(samples: ProducerSamples) -> dict[str, Any]:
    """PUT /contracts/producers/{producer}/versions/{version}/samples.

    A sample's references are not sent: the contract store keeps none (its sample model has no field
    for them), so a sample read back from the registry has only its own schema text.
    """
    return {"samples": [_sample_body(sample) for sample in samples.samples]}


def _sample_body(sample: Sample) -> dict[str, Any]:
    return {
        "scenario": sample.scenario,
        "envelope": sample.envelope,
        "schemaType": sample.schema_type,
        "schema": sample.schema,
        "generated": sample.generated,
    }


def result_body(result: PairResult) -> dict[str, Any]:
    """POST /contracts/results: one producer version verified against one consumer version."""
    return {
        "producer": result.producer,
        "producerVersion": result.producer_version,
        "consumer": result.consumer,
        "consumerVersion": result.consumer_version,
        "success": result.success,
        "findings": [_finding_body(finding) for finding in result.findings],
    }


def _finding_body(finding: ContractFinding) -> dict[str, Any]:
    return {
        "check": finding.check.value,
        "severity": finding.severity,
        "eventType": finding.event_type,
        "path": finding.path,
        "message": finding.message,
        "expected": finding.expected,
        "found": finding.found,
        "sample": finding.sample,
        "schema": finding.schema,
        "consumer": finding.consumer,
    }


def deployment_body(*, application: str, version: str, environment: str, kind: str) -> dict[str, Any]:
    """POST /contracts/deployments: `kind` is "deployment" (replaces) or "release" (alongside)."""
    return {"application": application, "version": version, "environment": environment, "kind": kind}


# -- answers the harness reads --------------------------------------------------------------------


def published_count(answer: Any) -> int:
    """How many expectations or samples a PUT stored."""
    count = _object(answer, "publication").get("count")
    if not isinstance(count, int) or isinstance(count, bool):
        raise ContractError(f"a publication answer has an integer count, not {count!r}")
    return count


def consumer_contracts(answer: Any) -> list[ConsumerContract]:
    """GET /contracts/expectations: the contract of every consumer version that counts."""
    contracts = []
    for item in _list(answer, "expectations listing"):
        raw = _object(item, "consumer contract")
        expectations = [_file_form(expectation) for expectation in _list(raw.get("expectations"), "list")]
        contracts.append(
            ConsumerContract.from_dict({**raw, "expectations": expectations}, origin="the registry's answer")
        )
    return contracts


def published_expectations(answer: Any) -> tuple[Expectation, ...]:
    """GET /contracts/consumers/{consumer}/versions/{version}/expectations."""
    items = _list(_object(answer, "expectations").get("expectations"), "list of expectations")
    return tuple(Expectation.from_dict(_file_form(item)) for item in items)


def _file_form(answer: Any) -> dict[str, Any]:
    """An expectation as the API writes it, in the form of a contract file (eventVersions as text)."""
    raw = _object(answer, "expectation")
    bounds = _object(raw.get("eventVersions") or {}, "eventVersions")
    minimum, maximum = bounds.get("minimum", 1), bounds.get("maximum")
    if not isinstance(minimum, int) or not (maximum is None or isinstance(maximum, int)):
        raise ContractError(f"eventVersions bounds are integers, not {bounds!r}")
    return {**raw, "eventVersions": str(VersionRange(minimum, maximum))}


def producer_samples(answer: Any) -> list[ProducerSamples]:
    """GET /contracts/samples: the samples of every producer version that counts."""
    return [
        ProducerSamples.from_dict(item, origin="the registry's answer")
        for item in _list(answer, "samples listing")
    ]


class VerifiedPair(TypedDict):
    """One row of GET /contracts/matrix: a verified producer/consumer version pair."""

    producer: str
    producerVersion: str
    consumer: str
    consumerVersion: str
    success: bool
    verifiedAt: str
    findings: list[dict[str, Any]]


def verified_pairs(answer: Any) -> list[VerifiedPair]:
    """GET /contracts/matrix, checked to have every field the harness shows."""
    rows = _list(answer, "matrix")
    names = {"producer": str, "producerVersion": str, "consumer": str, "consumerVersion": str}
    for row in rows:
        raw = _object(row, "matrix row")
        _require(raw, {**names, "success": bool, "verifiedAt": str}, "matrix row")
        for finding in _list(raw.get("findings", []), "findings"):
            _require(_object(finding, "finding"), {"severity": str, "message": str}, "finding")
    return cast(list[VerifiedPair], rows)


def can_i_deploy_answer(answer: Any) -> CanIDeployAnswer:
    """GET /contracts/can-i-deploy, checked to have every field the harness shows."""
    raw = _object(answer, "can-i-deploy answer")
    _require(raw, {"application": str, "version": str, "environment": str, "reason": str}, "answer")
    if raw.get("deployable") not in (True, False, None):
        raise ContractError(f"deployable is true, false or null, not {raw.get('deployable')!r}")
    row_fields = {"producer": str, "producerVersion": str, "consumer": str, "consumerVersion": str}
    for row in _list(raw.get("matrix"), "matrix"):
        _require(_object(row, "matrix row"), {**row_fields, "result": str, "errors": int}, "matrix row")
    return cast(CanIDeployAnswer, raw)  # every key the harness reads is checked above


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContractError(f"a {what} is a JSON object, not {type(value).__name__}")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ContractError(f"a {what} is a JSON array, not {type(value).__name__}")
    return value


def _require(raw: dict[str, Any], types: dict[str, type], what: str) -> None:
    for key, expected in types.items():
        if not isinstance(raw.get(key), expected):
            raise ContractError(f"a {what} needs {key} ({expected.__name__}), not {raw.get(key)!r}")
