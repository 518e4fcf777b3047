"""All SQL of the contract store. Functions take the session first and keyword arguments after it.

Expectations and samples are stored alike (rows of an application version, in order, each of one
event type): the functions over them take the table, `ContractExpectation` or `ContractSample`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import bindparam, delete, func, or_, update
from sqlmodel import Session, col, select

from registry.models import (
    ContractDeployment,
    ContractEnforcement,
    ContractExpectation,
    ContractResult,
    ContractSample,
    ContractVersion,
)

Published = TypeVar("Published", ContractExpectation, ContractSample)
PublishedTable = type[ContractExpectation] | type[ContractSample]


# -- application versions -------------------------------------------------------------------------


def get_version(session: Session, *, application: str, version: str) -> ContractVersion | None:
    return session.exec(
        select(ContractVersion).where(
            ContractVersion.application == application, ContractVersion.version == version
        )
    ).first()


def ensure_version(session: Session, *, application: str, version: str) -> ContractVersion:
    """The application version's row, created on first publication."""
    row = get_version(session, application=application, version=version)
    if row is None:
        row = ContractVersion(application=application, version=version)
        session.add(row)
        session.flush()
    return row


def latest_versions(session: Session) -> Sequence[ContractVersion]:
    """The most recently published version of every application."""
    newest = select(func.max(ContractVersion.id)).group_by(col(ContractVersion.application)).scalar_subquery()
    return session.exec(select(ContractVersion).where(col(ContractVersion.id).in_(newest))).all()


def versions_by_key(session: Session, *, keys: Sequence[tuple[str, str]]) -> Sequence[ContractVersion]:
    if not keys:
        return []
    conditions = [
        (col(ContractVersion.application) == application) & (col(ContractVersion.version) == version)
        for application, version in keys
    ]
    return session.exec(select(ContractVersion).where(or_(*conditions))).all()


# -- expectations and samples ---------------------------------------------------------------------


def replace_published(
    session: Session, *, table: type[Published], version_id: int, rows: Sequence[Published]
) -> None:
    """Replace what the application version `version_id` published in `table` by `rows`."""
    session.execute(delete(table).where(col(table.version_id) == version_id))
    session.add_all(rows)


def list_published(
    session: Session, *, table: type[Published], version_ids: Sequence[int]
) -> Sequence[Published]:
    """The rows of `table` the application versions `version_ids` published, in order."""
    if not version_ids:
        return []
    return session.exec(
        select(table)
        .where(col(table.version_id).in_(version_ids))
        .order_by(col(table.version_id), col(table.position))
    ).all()


def expectations_of_subject(
    session: Session, *, subject: str, version_ids: Sequence[int]
) -> Sequence[ContractExpectation]:
    if not version_ids:
        return []
    return session.exec(
        select(ContractExpectation).where(
            ContractExpectation.subject == subject, col(ContractExpectation.version_id).in_(version_ids)
        )
    ).all()


_SUBJECT_EXPECTATION = (
    select(ContractExpectation.position)
    .where(col(ContractExpectation.subject) == bindparam("subject"))
    .limit(1)
)


def subject_has_expectations(session: Session, *, subject: str) -> bool:
    return session.exec(_SUBJECT_EXPECTATION, params={"subject": subject}).first() is not None


def event_types_by_version(
    session: Session, *, table: PublishedTable, version_ids: Sequence[int]
) -> dict[int, set[str]]:
    """Per application version id of `version_ids`, the event types of what it published in `table`."""
    if not version_ids:
        return {}
    rows = session.exec(
        select(table.version_id, table.event_type).where(col(table.version_id).in_(version_ids)).distinct()
    ).all()
    found: dict[int, set[str]] = {}
    for version_id, event_type in rows:
        found.setdefault(version_id, set()).add(event_type)
    return found


def event_types_by_application(session: Session, *, table: PublishedTable) -> Sequence[tuple[str, str]]:
    """Every (event type, application) with rows of that event type in `table`."""
    return session.exec(
        select(table.event_type, ContractVersion.application)
        .join(ContractVersion, col(ContractVersion.id) == col(table.version_id))
        .distinct()
    ).all()


def expected_subjects_by_event_type(session: Session) -> Sequence[tuple[str, str]]:
    """Every (event type, subject) an expectation names."""
    return session.exec(select(ContractExpectation.event_type, ContractExpectation.subject).distinct()).all()


def list_applications(session: Session) -> Sequence[str]:
    return session.exec(select(ContractVersion.application).distinct()).all()


def versions_with_event_type(
    session: Session, *, table: PublishedTable, event_type: str
) -> Sequence[tuple[int, str, str]]:
    """(id, application, version) of each application version with rows of `event_type` in `table`
    (samples or expectations), oldest first."""
    return session.exec(
        select(ContractVersion.id, ContractVersion.application, ContractVersion.version)
        .join(table, col(table.version_id) == col(ContractVersion.id))
        .where(table.event_type == event_type)
        .distinct()
        .order_by(col(ContractVersion.id))
    ).all()  # type: ignore[return-value]  # the id column is never null in a row


def event_types_of_subject(session: Session, *, subject: str) -> set[str]:
    """The event types whose producers publish to `subject` (it is named after them) or whose
    expectations name it."""
    named = session.exec(
        select(ContractExpectation.event_type).where(ContractExpectation.subject == subject).distinct()
    ).all()
    own = [
        session.exec(select(table.event_type).where(table.event_type == subject).limit(1)).first()
        for table in (ContractSample, ContractExpectation)
    ]
    return {event_type for event_type in [*named, *own] if event_type is not None}


# -- results --------------------------------------------------------------------------------------


def get_result(
    session: Session, *, producer: str, producer_version: str, consumer: str, consumer_version: str
) -> ContractResult | None:
    return session.exec(
        select(ContractResult).where(
            ContractResult.producer == producer,
            ContractResult.producer_version == producer_version,
            ContractResult.consumer == consumer,
            ContractResult.consumer_version == consumer_version,
        )
    ).first()


def save_result(session: Session, *, result: ContractResult) -> None:
    existing = get_result(
        session,
        producer=result.producer,
        producer_version=result.producer_version,
        consumer=result.consumer,
        consumer_version=result.consumer_version,
    )
    if existing is None:
        session.add(result)
    else:
        existing.success = result.success
        existing.findings = result.findings
        existing.verified_at = result.verified_at
    session.flush()


def list_results(session: Session, *, application: str | None, limit: int) -> Sequence[ContractResult]:
    statement = select(ContractResult)
    if application is not None:
        statement = statement.where(
            or_(col(ContractResult.producer) == application, col(ContractResult.consumer) == application)
        )
    return session.exec(statement.order_by(col(ContractResult.id).desc()).limit(limit)).all()


def results_between(
    session: Session, *, producers: Sequence[tuple[str, str]], consumers: Sequence[tuple[str, str]]
) -> Sequence[ContractResult]:
    """The results of every pair of a producer version in `producers` and a consumer version in
    `consumers` (a superset: the caller matches the exact pairs)."""
    if not producers or not consumers:
        return []
    return session.exec(
        select(ContractResult).where(
            col(ContractResult.producer).in_({name for name, _ in producers}),
            col(ContractResult.producer_version).in_({version for _, version in producers}),
            col(ContractResult.consumer).in_({name for name, _ in consumers}),
            col(ContractResult.consumer_version).in_({version for _, version in consumers}),
        )
    ).all()


def results_involving(session: Session, *, application: str, version: str) -> Sequence[ContractResult]:
    return session.exec(
        select(ContractResult).where(
            or_(
                (col(ContractResult.producer) == application)
                & (col(ContractResult.producer_version) == version),
                (col(ContractResult.consumer) == application)
                & (col(ContractResult.consumer_version) == version),
            )
        )
    ).all()


def related_applications(session: Session, *, application: str) -> set[str]:
    """Applications that have ever been verified with `application`, either way round."""
    rows = session.exec(
        select(ContractResult.producer, ContractResult.consumer).where(
            or_(col(ContractResult.producer) == application, col(ContractResult.consumer) == application)
        )
    ).all()
    return {name for row in rows for name in row} - {application}


# -- deployments ----------------------------------------------------------------------------------


def record_deployment(
    session: Session, *, application: str, version: str, environment: str, kind: str, now: datetime
) -> None:
    if kind == "deployment":  # a deployment replaces what was deployed; releases stay side by side
        session.execute(
            update(ContractDeployment)
            .where(
                col(ContractDeployment.application) == application,
                col(ContractDeployment.environment) == environment,
                col(ContractDeployment.kind) == "deployment",
                col(ContractDeployment.active),
            )
            .values(active=False)
        )
    session.add(
        ContractDeployment(
            application=application, version=version, environment=environment, kind=kind, recorded_at=now
        )
    )
    session.flush()


def active_deployments(session: Session, *, environment: str | None) -> Sequence[ContractDeployment]:
    statement = select(ContractDeployment).where(col(ContractDeployment.active))
    if environment is not None:
        statement = statement.where(ContractDeployment.environment == environment)
    return session.exec(statement.order_by(col(ContractDeployment.id))).all()


# -- enforcement ----------------------------------------------------------------------------------


def get_enforcement(session: Session, *, subject: str) -> bool | None:
    row = session.get(ContractEnforcement, subject)
    return None if row is None else row.enforce


def save_enforcement(session: Session, *, subject: str, enforce: bool) -> None:
    row = session.get(ContractEnforcement, subject) or ContractEnforcement(subject=subject, enforce=enforce)
    row.enforce = enforce
    session.add(row)
    session.flush()
