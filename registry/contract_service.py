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
from typing import Generic, TypeVar

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
from registry.models import ContractExpectation, ContractResult, ContractSample, ContractVersion

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
    return [
        DeploymentRead(
            application=row.application,
            version=row.version,
            environment=row.environment,
            kind=row.kind,  # type: ignore[arg-type]
            recorded_at=row.recorded_at,
        )
        for row in store.active_deployments(session, environment=environment)
    ]


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
    samples = store.event_types_by_version(session, samples=True)
    expected = store.event_types_by_version(session, samples=False)
    ids = {(row.application, row.version): row.id for row in store.all_versions(session)}
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
        findings=[FindingPayload.model_validate(finding) for finding in orjson.loads(row.findings)],
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
