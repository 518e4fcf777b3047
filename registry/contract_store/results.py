"""Verification results: the latest verification of each producer version against each consumer
version (a new one replaces the pair's earlier one), and the matrix of them."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from sqlmodel import Session

from registry import errors
from registry.contract_store import repository
from registry.contract_store.publishing import json_text
from registry.contract_store.wire import FindingPayload, ResultPayload, ResultRead
from registry.models import ContractResult


def record_result(*, session: Session, result: ResultPayload) -> ResultRead:
    now = datetime.now(UTC)
    findings = json_text([finding.model_dump(by_alias=True) for finding in result.findings], where="findings")
    repository.save_result(
        session,
        result=ContractResult(
            producer=result.producer,
            producer_version=result.producer_version,
            consumer=result.consumer,
            consumer_version=result.consumer_version,
            success=result.success,
            findings=findings,
            verified_at=now,
        ),
    )
    return ResultRead(**result.model_dump(), verified_at=now)


def list_results(*, session: Session, application: str | None, limit: int) -> list[ResultRead]:
    """The matrix: the newest `limit` results, optionally only of pairs `application` is in."""
    return [
        result_read(row) for row in repository.list_results(session, application=application, limit=limit)
    ]


def get_result(
    *, session: Session, producer: str, producer_version: str, consumer: str, consumer_version: str
) -> ResultRead:
    """The latest verification of one producer version against one consumer version."""
    row = repository.get_result(
        session,
        producer=producer,
        producer_version=producer_version,
        consumer=consumer,
        consumer_version=consumer_version,
    )
    if row is None:
        raise errors.ContractResultNotFoundError(producer, producer_version, consumer, consumer_version)
    return result_read(row)


def result_read(row: ContractResult) -> ResultRead:
    return ResultRead(
        producer=row.producer,
        producer_version=row.producer_version,
        consumer=row.consumer,
        consumer_version=row.consumer_version,
        success=row.success,
        findings=findings_of(row),
        verified_at=row.verified_at,
    )


def findings_of(row: ContractResult) -> list[FindingPayload]:
    return [FindingPayload.model_validate(finding) for finding in orjson.loads(row.findings)]
