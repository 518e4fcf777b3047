"""The contract store as the web UI shows it: event types with their producers and consumers, the
verification matrix of the versions that count, and what each subject is expected to carry.

Read models only: these functions read, and never change anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from registry import errors
from registry.contract_store import repository
from registry.contract_store.deployments import deployment_read
from registry.contract_store.guard import get_enforcement
from registry.contract_store.publishing import expectation_of
from registry.contract_store.results import findings_of
from registry.contract_store.versions import version_marks
from registry.contract_store.wire import DeploymentRead, EnforcementRead, ExpectationPayload, FindingPayload
from registry.models import ContractExpectation, ContractResult, ContractSample

PAIR_CHECKS = ("sample-schema", "sample-expectation", "schema-expectation")  # checks 1-3, run per pair
HISTORY_PER_APPLICATION = 10  # older versions shown per application when history is asked for


@dataclass(frozen=True, slots=True)
class ApplicationVersion:
    """An application version that published contracts, and why it counts, if it does."""

    application: str
    version: str
    latest: bool  # the application's most recently published version
    environments: tuple[str, ...]  # where it is deployed or released now

    @property
    def counts(self) -> bool:
        return self.latest or bool(self.environments)


@dataclass(frozen=True, slots=True)
class EventTypeSummary:
    event_type: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    subjects: tuple[str, ...]  # its own name and any subject an expectation names


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What one check found for one pair and one event type: it failed when a finding is an error."""

    check: str
    findings: tuple[FindingPayload, ...]

    @property
    def result(self) -> Literal["success", "warning", "failure"]:
        if any(finding.severity == "error" for finding in self.findings):
            return "failure"
        return "warning" if self.findings else "success"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """A producer version against a consumer version, for one event type."""

    producer: ApplicationVersion
    consumer: ApplicationVersion
    verified_at: datetime | None  # None: never verified
    pair_success: bool | None  # the pair's result over every event type they share
    checks: tuple[CheckOutcome, ...]

    @property
    def result(self) -> Literal["success", "failure", "unknown"]:
        if self.verified_at is None:
            return "unknown"
        return "failure" if any(check.result == "failure" for check in self.checks) else "success"

    @property
    def findings(self) -> list[FindingPayload]:
        return [finding for check in self.checks for finding in check.findings]

    @property
    def fails_on_other_event_types(self) -> bool:
        return self.pair_success is False and self.result == "success"


@dataclass(frozen=True, slots=True)
class ConsumerExpectation:
    consumer: ApplicationVersion
    expectation: ExpectationPayload


@dataclass(frozen=True, slots=True)
class EventTypeContracts:
    """Everything the contract store knows of one event type, for the versions that count (or,
    with history, also the newest older ones)."""

    event_type: str
    subjects: tuple[str, ...]  # where its schemas live: its own name and any subject an expectation names
    producers: list[ApplicationVersion]  # the matrix's rows
    consumers: list[ApplicationVersion]  # its columns
    matrix: list[list[MatrixCell]]  # one row per producer, one cell per consumer
    expectations: list[ConsumerExpectation]  # of the consumers shown
    deployments: dict[str, list[DeploymentRead]]  # per environment, the producers' and consumers'
    hidden_versions: int  # versions with contracts of this event type left out of the matrix
    producing: frozenset[tuple[str, str]]  # every (application, version) with samples of it
    expecting: frozenset[tuple[str, str]]  # every (application, version) with expectations of it


@dataclass(frozen=True, slots=True)
class SubjectContracts:
    """The event types published to or expected of a subject, and its consumer-aware registration."""

    event_types: list[str]
    enforcement: EnforcementRead


def check_outcomes(findings: Sequence[FindingPayload]) -> list[CheckOutcome]:
    """The outcome of each pair check (in the model's order), from the findings of one event type."""
    names = dict.fromkeys([*PAIR_CHECKS, *(finding.check for finding in findings)])
    return [
        CheckOutcome(name, tuple(finding for finding in findings if finding.check == name)) for name in names
    ]


def group_findings(findings: Sequence[FindingPayload]) -> dict[str, list[CheckOutcome]]:
    """A pair's findings per event type, as the outcome of each check."""
    event_types = sorted({finding.event_type for finding in findings})
    return {
        event_type: check_outcomes([finding for finding in findings if finding.event_type == event_type])
        for event_type in event_types
    }


def list_event_types(*, session: Session) -> list[EventTypeSummary]:
    """Every event type with samples or expectations, with the applications on each side."""
    sides: dict[str, tuple[set[str], set[str]]] = {}
    producing = repository.event_types_by_application(session, table=ContractSample)
    expecting = repository.event_types_by_application(session, table=ContractExpectation)
    for side, pairs in enumerate((producing, expecting)):
        for event_type, application in pairs:
            sides.setdefault(event_type, (set(), set()))[side].add(application)
    subjects: dict[str, set[str]] = {}
    for event_type, subject in repository.expected_subjects_by_event_type(session):
        subjects.setdefault(event_type, {event_type}).add(subject)
    return [
        EventTypeSummary(
            event_type,
            tuple(sorted(producers)),
            tuple(sorted(consumers)),
            tuple(sorted(subjects.get(event_type, {event_type}))),
        )
        for event_type, (producers, consumers) in sorted(sides.items())
    ]


def get_event_type(*, session: Session, event_type: str, history: bool) -> EventTypeContracts:
    """The producers and consumers of `event_type`, their verification matrix and deployments."""
    producing = repository.versions_with_event_type(session, table=ContractSample, event_type=event_type)
    expecting = repository.versions_with_event_type(session, table=ContractExpectation, event_type=event_type)
    if not producing and not expecting:
        raise errors.EventTypeNotFoundError(event_type)
    latest, environments = version_marks(session=session)
    producer_axis = _matrix_axis(producing, history, latest, environments)
    consumer_axis = _matrix_axis(expecting, history, latest, environments)
    producers, consumers = list(producer_axis.values()), list(consumer_axis.values())
    expectations = [
        ConsumerExpectation(consumer_axis[row.version_id], expectation_of(row))
        for row in repository.list_published(
            session, table=ContractExpectation, version_ids=list(consumer_axis)
        )
        if row.event_type == event_type
    ]
    results = {
        (row.producer, row.producer_version, row.consumer, row.consumer_version): row
        for row in repository.results_between(
            session,
            producers=[_key(item) for item in producers],
            consumers=[_key(item) for item in consumers],
        )
    }
    involved = {application for _, application, _ in [*producing, *expecting]}
    deployments: dict[str, list[DeploymentRead]] = {}
    for row in repository.active_deployments(session, environment=None):
        if row.application in involved:
            deployments.setdefault(row.environment, []).append(deployment_read(row))
    return EventTypeContracts(
        event_type=event_type,
        subjects=tuple(
            sorted({event_type, *(item.expectation.subject or event_type for item in expectations)})
        ),
        producers=producers,
        consumers=consumers,
        matrix=[
            [
                _cell(producer, consumer, event_type, results.get(_pair_key(producer, consumer)))
                for consumer in consumers
            ]
            for producer in producers
        ],
        expectations=expectations,
        deployments=dict(sorted(deployments.items())),
        hidden_versions=len(producing) + len(expecting) - len(producers) - len(consumers),
        producing=frozenset((application, version) for _, application, version in producing),
        expecting=frozenset((application, version) for _, application, version in expecting),
    )


def contracts_of_subject(*, session: Session, subject: str) -> SubjectContracts:
    return SubjectContracts(
        event_types=sorted(repository.event_types_of_subject(session, subject=subject)),
        enforcement=get_enforcement(session=session, subject=subject),
    )


def list_applications(*, session: Session) -> list[str]:
    """Every application that published contracts or was deployed."""
    published = set(repository.list_applications(session))
    deployed = {row.application for row in repository.active_deployments(session, environment=None)}
    return sorted(published | deployed)


def list_environments(*, session: Session) -> list[str]:
    return sorted({row.environment for row in repository.active_deployments(session, environment=None)})


# -- helpers ---------------------------------------------------------------------------------------


def _key(version: ApplicationVersion) -> tuple[str, str]:
    return version.application, version.version


def _pair_key(producer: ApplicationVersion, consumer: ApplicationVersion) -> tuple[str, str, str, str]:
    return producer.application, producer.version, consumer.application, consumer.version


def _matrix_axis(
    rows: Sequence[tuple[int, str, str]],
    history: bool,
    latest: set[int],
    environments: dict[tuple[str, str], tuple[str, ...]],
) -> dict[int, ApplicationVersion]:
    """Of `rows` (id, application, version; oldest first), the versions that count, by application
    and newest first; with history, also each application's newest older ones."""
    by_application: dict[str, list[tuple[int, str, str]]] = {}
    for row in reversed(rows):
        by_application.setdefault(row[1], []).append(row)
    axis = {}
    for application in sorted(by_application):
        for position, (key, _, version) in enumerate(by_application[application]):
            running = environments.get((application, version), ())
            if key in latest or running or (history and position < HISTORY_PER_APPLICATION):
                axis[key] = ApplicationVersion(
                    application, version, latest=key in latest, environments=running
                )
    return axis


def _cell(
    producer: ApplicationVersion, consumer: ApplicationVersion, event_type: str, result: ContractResult | None
) -> MatrixCell:
    if result is None:
        return MatrixCell(producer, consumer, verified_at=None, pair_success=None, checks=())
    findings = [finding for finding in findings_of(result) if finding.event_type == event_type]
    return MatrixCell(
        producer,
        consumer,
        verified_at=result.verified_at,
        pair_success=result.success,
        checks=tuple(check_outcomes(findings)),
    )
