"""The contract store's rules: publishing expectations and samples, recording verification results
and deployments, the matrix, can-i-deploy, and consumer-aware registration.

Functions take the request's session (keyword-only), raise `registry.errors` exceptions and only
flush: the session dependency commits or rolls back.

Which consumer versions count: the latest published version of every application, and every version
deployed or released to any environment. Older versions nobody runs cannot block anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, Literal, TypeVar

import jsonschema
import orjson
from sqlmodel import Session

from registry import contract_repository as store
from registry import errors, repository
from registry.compatibility import InvalidSchemaError, ParsedSchema, SchemaType, parse_schema
from registry.compatibility.expectations import expectation_gaps
from registry.contract_wire import (
    CanIDeployRead,
    DeploymentPayload,
    DeploymentRead,
    EnforcementRead,
    EventVersions,
    ExpectationPayload,
    FindingPayload,
    MatrixRow,
    ResultPayload,
    ResultRead,
    SamplePayload,
)
from registry.models import (
    ContractDeployment,
    ContractExpectation,
    ContractResult,
    ContractSample,
    ContractVersion,
)

Item = TypeVar("Item")
Row = TypeVar("Row", ContractExpectation, ContractSample)

# -- publishing -----------------------------------------------------------------------------------


def publish_expectations(
    *, session: Session, consumer: str, version: str, expectations: Sequence[ExpectationPayload]
) -> int:
    """Store (replacing) what `consumer` at `version` expects; every reader schema must parse."""
    rows = [_expectation_row(index, expectation) for index, expectation in enumerate(expectations)]
    row = _lock_version(session, application=consumer, version=version)
    assert row.id is not None
    for expectation in rows:
        expectation.version_id = row.id
    store.replace_expectations(session, version_id=row.id, expectations=rows)
    return len(rows)


def list_expectations(*, session: Session, consumer: str, version: str) -> list[ExpectationPayload]:
    row = _published(session, application=consumer, version=version)
    return [
        _expectation_payload(expectation)
        for expectation in store.list_expectations(session, version_ids=[_id(row)])
    ]


def publish_samples(
    *, session: Session, producer: str, version: str, samples: Sequence[SamplePayload]
) -> int:
    """Store (replacing) the samples of `producer` at `version`."""
    rows = [_sample_row(index, sample) for index, sample in enumerate(samples)]
    row = _lock_version(session, application=producer, version=version)
    assert row.id is not None
    for sample in rows:
        sample.version_id = row.id
    store.replace_samples(session, version_id=row.id, samples=rows)
    return len(rows)


def list_samples(*, session: Session, producer: str, version: str) -> list[SamplePayload]:
    row = _published(session, application=producer, version=version)
    return [_sample_payload(sample) for sample in store.list_samples(session, version_ids=[_id(row)])]


@dataclass(frozen=True, slots=True)
class Published(Generic[Item]):
    """What one application version that counts (latest or deployed) published: expectations or samples."""

    application: str
    version: str
    items: list[Item]


def relevant_expectations(
    *, session: Session, event_types: Sequence[str] | None
) -> list[Published[ExpectationPayload]]:
    """The expectations of every consumer version that counts, optionally only for some event types."""
    return _of_versions_that_count(session, store.list_expectations, _expectation_payload, event_types)


def relevant_samples(
    *, session: Session, event_types: Sequence[str] | None
) -> list[Published[SamplePayload]]:
    """The samples of every producer version that counts, optionally only for some event types."""
    return _of_versions_that_count(session, store.list_samples, _sample_payload, event_types)


def _of_versions_that_count(
    session: Session,
    load: Callable[..., Sequence[Row]],
    to_payload: Callable[[Row], Item],
    event_types: Sequence[str] | None,
) -> list[Published[Item]]:
    versions = _versions_that_count(session)
    by_version: dict[int, list[Item]] = {}
    for row in load(session, version_ids=[_id(version) for version in versions]):
        if event_types is None or row.event_type in event_types:
            by_version.setdefault(row.version_id, []).append(to_payload(row))
    return [
        Published(version.application, version.version, by_version[_id(version)])
        for version in versions
        if _id(version) in by_version
    ]


# -- results and the matrix -----------------------------------------------------------------------


def record_result(*, session: Session, result: ResultPayload) -> ResultRead:
    now = datetime.now(UTC)
    findings = _json_text(
        [finding.model_dump(by_alias=True) for finding in result.findings], where="findings"
    )
    store.save_result(
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


def matrix(*, session: Session, application: str | None, limit: int) -> list[ResultRead]:
    return [_result_read(row) for row in store.list_results(session, application=application, limit=limit)]


# -- deployments and can-i-deploy -----------------------------------------------------------------


def record_deployment(*, session: Session, deployment: DeploymentPayload) -> DeploymentRead:
    now = datetime.now(UTC)
    repository.lock_subject(session, subject=f"__contracts/deployments/{deployment.environment}")
    store.record_deployment(
        session,
        application=deployment.application,
        version=deployment.version,
        environment=deployment.environment,
        kind=deployment.kind,
        now=now,
    )
    return DeploymentRead(**deployment.model_dump(), recorded_at=now)


def list_deployments(*, session: Session, environment: str | None) -> list[DeploymentRead]:
    return [_deployment_read(row) for row in store.active_deployments(session, environment=environment)]


def can_i_deploy(*, session: Session, application: str, version: str, environment: str) -> CanIDeployRead:
    """Whether `application` at `version` works with everything deployed to `environment`.

    Its counterparts there are the applications it interacts with: a deployed consumer expecting an
    event type it has samples of, a deployed producer with samples of an event type it expects, or an
    application it was ever verified with. Every pair with a deployed counterpart version needs a
    successful result: any failure says no, any pair never verified makes the answer unknown.
    """
    own = store.get_version(session, application=application, version=version)
    results = store.results_involving(session, application=application, version=version)
    if own is None and not results:
        return CanIDeployRead(
            application=application,
            version=version,
            environment=environment,
            deployable=None,
            reason=f"{application} {version} has published no contracts and was never verified",
            matrix=[],
        )
    deployed = [
        row
        for row in store.active_deployments(session, environment=environment)
        if row.application != application
    ]
    keys = [(application, version), *((row.application, row.version) for row in deployed)]
    ids = {(row.application, row.version): _id(row) for row in store.versions_by_key(session, keys=keys)}
    samples = store.event_types_by_version(session, samples=True, version_ids=list(ids.values()))
    expected = store.event_types_by_version(session, samples=False, version_ids=list(ids.values()))
    related = store.related_applications(session, application=application)
    own_samples = samples.get(own.id, set()) if own and own.id else set()
    own_expected = expected.get(own.id, set()) if own and own.id else set()
    by_pair = {(r.producer, r.producer_version, r.consumer, r.consumer_version): r for r in results}
    rows: list[MatrixRow] = []
    for counterpart in deployed:
        other_id = ids.get((counterpart.application, counterpart.version))
        other_samples = samples.get(other_id, set()) if other_id else set()
        other_expected = expected.get(other_id, set()) if other_id else set()
        pairs = []
        if (
            own_samples & other_expected
            or (application, version, counterpart.application, counterpart.version) in by_pair
        ):
            pairs.append((application, version, counterpart.application, counterpart.version))
        if (
            own_expected & other_samples
            or (counterpart.application, counterpart.version, application, version) in by_pair
        ):
            pairs.append((counterpart.application, counterpart.version, application, version))
        if not pairs and counterpart.application in related:
            pairs.append((application, version, counterpart.application, counterpart.version))
        rows.extend(_matrix_row(pair, by_pair.get(pair)) for pair in pairs)
    failures = [row for row in rows if row.result == "failure"]
    unknown = [row for row in rows if row.result == "unknown"]
    if failures:
        deployable, reason = False, f"{len(failures)} of {len(rows)} pairs failed verification"
    elif unknown:
        deployable, reason = None, f"{len(unknown)} of {len(rows)} pairs were never verified"
    elif rows:
        deployable, reason = True, f"all {len(rows)} pairs with versions in {environment} passed verification"
    else:
        deployable, reason = True, f"nothing deployed in {environment} interacts with {application}"
    return CanIDeployRead(
        application=application,
        version=version,
        environment=environment,
        deployable=deployable,
        reason=reason,
        matrix=rows,
    )


# -- consumer-aware registration ------------------------------------------------------------------


def get_enforcement(*, session: Session, subject: str) -> EnforcementRead:
    configured = store.get_enforcement(session, subject=subject)
    if configured is not None:
        return EnforcementRead(subject=subject, enforce=configured, configured=True)
    return EnforcementRead(
        subject=subject, enforce=store.subject_has_expectations(session, subject=subject), configured=False
    )


def set_enforcement(*, session: Session, subject: str, enforce: bool) -> EnforcementRead:
    store.save_enforcement(session, subject=subject, enforce=enforce)
    return EnforcementRead(subject=subject, enforce=enforce, configured=True)


def check_registration(*, session: Session, subject: str, version: int, schema: ParsedSchema) -> None:
    """Refuse version `version` of `subject` if it breaks an expectation of a consumer version that
    counts (unless enforcement is off for the subject)."""
    if not store.subject_has_expectations(session, subject=subject):
        return  # the common case, answered by one indexed query
    if store.get_enforcement(session, subject=subject) is False:
        return
    versions = {_id(row): row for row in _versions_that_count(session)}
    broken = []
    for row in store.expectations_of_subject(session, subject=subject, version_ids=list(versions)):
        if version < row.min_version or (row.max_version is not None and version > row.max_version):
            continue
        try:
            expectation = parse_schema(SchemaType(row.schema_type), row.schema_text)
        except InvalidSchemaError:
            continue  # it parsed when published; a stricter engine must not block registering
        owner = versions[row.version_id]
        broken += [
            f"{owner.application} version {owner.version} ({row.event_type}) reads {gap.data_path}: "
            f"{gap.describe()}"
            for gap in expectation_gaps(expectation, schema)
            if gap.breaking
        ]
    if broken:
        raise errors.ExpectationBrokenError(subject, version, broken)


# -- browsing (the web UI) ------------------------------------------------------------------------

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
    for samples in (True, False):
        for event_type, application in store.event_types_by_application(session, samples=samples):
            sides.setdefault(event_type, (set(), set()))[0 if samples else 1].add(application)
    return [
        EventTypeSummary(event_type, tuple(sorted(producers)), tuple(sorted(consumers)))
        for event_type, (producers, consumers) in sorted(sides.items())
    ]


def get_event_type(*, session: Session, event_type: str, history: bool) -> EventTypeContracts:
    """The producers and consumers of `event_type`, their verification matrix and deployments."""
    producing = store.versions_with_event_type(session, event_type=event_type, samples=True)
    expecting = store.versions_with_event_type(session, event_type=event_type, samples=False)
    if not producing and not expecting:
        raise errors.EventTypeNotFoundError(event_type)
    latest, environments = _version_marks(session)
    producer_axis = _matrix_axis(producing, history, latest, environments)
    consumer_axis = _matrix_axis(expecting, history, latest, environments)
    producers, consumers = list(producer_axis.values()), list(consumer_axis.values())
    expectations = [
        ConsumerExpectation(consumer_axis[row.version_id], _expectation_payload(row))
        for row in store.list_expectations(session, version_ids=list(consumer_axis))
        if row.event_type == event_type
    ]
    results = {
        (row.producer, row.producer_version, row.consumer, row.consumer_version): row
        for row in store.results_between(
            session,
            producers=[_key(item) for item in producers],
            consumers=[_key(item) for item in consumers],
        )
    }
    involved = {application for _, application, _ in [*producing, *expecting]}
    deployments: dict[str, list[DeploymentRead]] = {}
    for row in store.active_deployments(session, environment=None):
        if row.application in involved:
            deployments.setdefault(row.environment, []).append(_deployment_read(row))
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


def get_result(
    *, session: Session, producer: str, producer_version: str, consumer: str, consumer_version: str
) -> ResultRead:
    """The latest verification of one producer version against one consumer version."""
    row = store.get_result(
        session,
        producer=producer,
        producer_version=producer_version,
        consumer=consumer,
        consumer_version=consumer_version,
    )
    if row is None:
        raise errors.ContractResultNotFoundError(producer, producer_version, consumer, consumer_version)
    return _result_read(row)


def contracts_of_subject(*, session: Session, subject: str) -> SubjectContracts:
    return SubjectContracts(
        event_types=sorted(store.event_types_of_subject(session, subject=subject)),
        enforcement=get_enforcement(session=session, subject=subject),
    )


def list_applications(*, session: Session) -> list[str]:
    """Every application that published contracts or was deployed."""
    published = set(store.list_applications(session))
    deployed = {row.application for row in store.active_deployments(session, environment=None)}
    return sorted(published | deployed)


def list_environments(*, session: Session) -> list[str]:
    return sorted({row.environment for row in store.active_deployments(session, environment=None)})


# -- helpers --------------------------------------------------------------------------------------


def _lock_version(session: Session, *, application: str, version: str) -> ContractVersion:
    repository.lock_subject(session, subject=f"__contracts/{application}")
    return store.ensure_version(session, application=application, version=version)


def _id(row: ContractVersion) -> int:
    assert row.id is not None  # rows come from the database
    return row.id


def _published(session: Session, *, application: str, version: str) -> ContractVersion:
    row = store.get_version(session, application=application, version=version)
    if row is None or row.id is None:
        raise errors.ContractVersionNotFoundError(application, version)
    return row


def _versions_that_count(session: Session) -> list[ContractVersion]:
    latest = list(store.latest_versions(session))
    deployed = store.active_deployments(session, environment=None)
    keys = [(row.application, row.version) for row in deployed]
    found = {row.id: row for row in [*latest, *store.versions_by_key(session, keys=keys)]}
    return sorted(found.values(), key=lambda row: row.id or 0)


def _expectation_row(index: int, expectation: ExpectationPayload) -> ContractExpectation:
    where = f"expectations[{index}] ({expectation.event_type})"
    bounds = expectation.event_versions
    if bounds.maximum is not None and bounds.maximum < bounds.minimum:
        raise errors.InvalidContractError(
            f"{where}: eventVersions maximum {bounds.maximum} is below the minimum"
        )
    schema_text = _json_text(expectation.schema_, where=f"{where}: the reader schema")
    try:
        parse_schema(SchemaType(expectation.schema_type), schema_text)
    except InvalidSchemaError as error:
        raise errors.InvalidContractError(f"{where}: the reader schema is invalid: {error}") from error
    if expectation.envelope is not None:
        try:
            jsonschema.Draft7Validator.check_schema(expectation.envelope)
        except jsonschema.SchemaError as error:
            raise errors.InvalidContractError(
                f"{where}: the envelope schema is invalid at {error.json_path}: {error.message}"
            ) from error
    return ContractExpectation(
        version_id=0,
        position=index,
        event_type=expectation.event_type,
        subject=expectation.subject or expectation.event_type,
        named_subject=expectation.subject is not None,
        min_version=bounds.minimum,
        max_version=bounds.maximum,
        schema_type=expectation.schema_type,
        schema_text=schema_text,
        envelope_schema=None
        if expectation.envelope is None
        else _json_text(expectation.envelope, where=f"{where}: the envelope schema"),
        description=expectation.description,
    )


def _json_text(value: object, *, where: str) -> str:
    """`value` as stored JSON; orjson refuses integers beyond 64 bits, which nothing here can mean."""
    try:
        return orjson.dumps(value).decode()
    except TypeError as error:
        raise errors.InvalidContractError(f"{where} cannot be stored: {error}") from None


def _expectation_payload(row: ContractExpectation) -> ExpectationPayload:
    return ExpectationPayload(
        event_type=row.event_type,
        subject=row.subject if row.named_subject else None,
        event_versions=EventVersions(minimum=row.min_version, maximum=row.max_version),
        schema_type=row.schema_type,  # type: ignore[arg-type]
        schema=orjson.loads(row.schema_text),
        envelope=None if row.envelope_schema is None else orjson.loads(row.envelope_schema),
        description=row.description,
    )


def _sample_row(index: int, sample: SamplePayload) -> ContractSample:
    event_type = sample.envelope.get("eventType")
    if not isinstance(event_type, str) or not event_type:
        raise errors.InvalidContractError(f"samples[{index}]: the envelope has no eventType")
    if (sample.schema_ is None) != (sample.schema_type is None):
        raise errors.InvalidContractError(
            f"samples[{index}]: give schemaType and schema together, or neither"
        )
    return ContractSample(
        version_id=0,
        position=index,
        event_type=event_type,
        scenario=sample.scenario,
        envelope=_json_text(sample.envelope, where=f"samples[{index}]: the envelope"),
        schema_type=sample.schema_type,
        schema_text=sample.schema_,
        generated=sample.generated,
    )


def _sample_payload(row: ContractSample) -> SamplePayload:
    return SamplePayload(
        scenario=row.scenario,
        envelope=orjson.loads(row.envelope),
        schema_type=row.schema_type,  # type: ignore[arg-type]
        schema=row.schema_text,
        generated=row.generated,
    )


def _result_read(row: ContractResult) -> ResultRead:
    return ResultRead(
        producer=row.producer,
        producer_version=row.producer_version,
        consumer=row.consumer,
        consumer_version=row.consumer_version,
        success=row.success,
        findings=_findings(row),
        verified_at=row.verified_at,
    )


def _matrix_row(pair: tuple[str, str, str, str], result: ContractResult | None) -> MatrixRow:
    producer, producer_version, consumer, consumer_version = pair
    if result is None:
        return MatrixRow(
            producer=producer,
            producer_version=producer_version,
            consumer=consumer,
            consumer_version=consumer_version,
            result="unknown",
        )
    errors_found = sum(1 for finding in orjson.loads(result.findings) if finding.get("severity") == "error")
    return MatrixRow(
        producer=producer,
        producer_version=producer_version,
        consumer=consumer,
        consumer_version=consumer_version,
        result="success" if result.success else "failure",
        verified_at=result.verified_at,
        errors=errors_found,
    )


def _key(version: ApplicationVersion) -> tuple[str, str]:
    return version.application, version.version


def _pair_key(producer: ApplicationVersion, consumer: ApplicationVersion) -> tuple[str, str, str, str]:
    return producer.application, producer.version, consumer.application, consumer.version


def _version_marks(session: Session) -> tuple[set[int], dict[tuple[str, str], tuple[str, ...]]]:
    """What makes a version count: the ids of each application's latest version, and the
    environments each (application, version) runs in."""
    latest = {_id(row) for row in store.latest_versions(session)}
    environments: dict[tuple[str, str], set[str]] = {}
    for deployment in store.active_deployments(session, environment=None):
        environments.setdefault((deployment.application, deployment.version), set()).add(
            deployment.environment
        )
    return latest, {key: tuple(sorted(names)) for key, names in environments.items()}


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
    findings = [finding for finding in _findings(result) if finding.event_type == event_type]
    return MatrixCell(
        producer,
        consumer,
        verified_at=result.verified_at,
        pair_success=result.success,
        checks=tuple(check_outcomes(findings)),
    )


def _findings(row: ContractResult) -> list[FindingPayload]:
    return [FindingPayload.model_validate(finding) for finding in orjson.loads(row.findings)]


def _deployment_read(row: ContractDeployment) -> DeploymentRead:
    return DeploymentRead(
        application=row.application,
        version=row.version,
        environment=row.environment,
        kind=row.kind,  # type: ignore[arg-type]
        recorded_at=row.recorded_at,
    )
