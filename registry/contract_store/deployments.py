"""Deployments and can-i-deploy: which application versions run in each environment, and whether
a version works with everything deployed where it is going."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import orjson
from sqlmodel import Session

from registry.contract_store import repository
from registry.contract_store.versions import row_id
from registry.contract_store.wire import CanIDeployRead, DeploymentPayload, DeploymentRead, MatrixRow
from registry.locks import lock_name
from registry.models import (
    ContractDeployment,
    ContractExpectation,
    ContractResult,
    ContractSample,
    ContractVersion,
)

Pair = tuple[str, str, str, str]  # producer, its version, consumer, its version


def record_deployment(*, session: Session, deployment: DeploymentPayload) -> DeploymentRead:
    """Record a deployment (replacing what the application had deployed there) or a release."""
    now = datetime.now(UTC)
    lock_name(session, name=f"__contracts/deployments/{deployment.environment}")
    repository.record_deployment(
        session,
        application=deployment.application,
        version=deployment.version,
        environment=deployment.environment,
        kind=deployment.kind,
        now=now,
    )
    return DeploymentRead(**deployment.model_dump(), recorded_at=now)


def list_deployments(*, session: Session, environment: str | None) -> list[DeploymentRead]:
    """What is deployed or released now, in `environment` or everywhere, oldest first."""
    return [deployment_read(row) for row in repository.active_deployments(session, environment=environment)]


def deployment_read(row: ContractDeployment) -> DeploymentRead:
    return DeploymentRead(
        application=row.application,
        version=row.version,
        environment=row.environment,
        kind=row.kind,  # type: ignore[arg-type]
        recorded_at=row.recorded_at,
    )


def can_i_deploy(*, session: Session, application: str, version: str, environment: str) -> CanIDeployRead:
    """Whether `application` at `version` works with everything deployed to `environment`.

    Its counterparts there are the applications it interacts with: a deployed consumer expecting an
    event type it has samples of, a deployed producer with samples of an event type it expects, or an
    application it was ever verified with. Every pair with a deployed counterpart version needs a
    successful result: any failure says no, any pair never verified makes the answer unknown.
    """
    own = repository.get_version(session, application=application, version=version)
    results = repository.results_involving(session, application=application, version=version)
    if own is None and not results:
        return CanIDeployRead(
            application=application,
            version=version,
            environment=environment,
            deployable=None,
            reason=f"{application} {version} has published no contracts and was never verified",
            matrix=[],
        )
    rows = _pairs_with_deployed(session, own, application, version, environment, results)
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


def _pairs_with_deployed(
    session: Session,
    own: ContractVersion | None,
    application: str,
    version: str,
    environment: str,
    results: Sequence[ContractResult],
) -> list[MatrixRow]:
    """The pairs of `application` at `version` with each counterpart deployed in `environment`."""
    deployed = [
        row
        for row in repository.active_deployments(session, environment=environment)
        if row.application != application
    ]
    keys = [(application, version), *((row.application, row.version) for row in deployed)]
    ids = {
        (row.application, row.version): row_id(row) for row in repository.versions_by_key(session, keys=keys)
    }
    samples = repository.event_types_by_version(session, table=ContractSample, version_ids=list(ids.values()))
    expected = repository.event_types_by_version(
        session, table=ContractExpectation, version_ids=list(ids.values())
    )
    related = repository.related_applications(session, application=application)
    own_samples = samples.get(own.id, set()) if own and own.id else set()
    own_expected = expected.get(own.id, set()) if own and own.id else set()
    by_pair = {(r.producer, r.producer_version, r.consumer, r.consumer_version): r for r in results}
    rows: list[MatrixRow] = []
    for counterpart in deployed:
        other_id = ids.get((counterpart.application, counterpart.version))
        other_samples = samples.get(other_id, set()) if other_id else set()
        other_expected = expected.get(other_id, set()) if other_id else set()
        as_producer: Pair = (application, version, counterpart.application, counterpart.version)
        as_consumer: Pair = (counterpart.application, counterpart.version, application, version)
        pairs = []
        if own_samples & other_expected or as_producer in by_pair:
            pairs.append(as_producer)
        if own_expected & other_samples or as_consumer in by_pair:
            pairs.append(as_consumer)
        if not pairs and counterpart.application in related:
            pairs.append(as_producer)
        rows.extend(_matrix_row(pair, by_pair.get(pair)) for pair in pairs)
    return rows


def _matrix_row(pair: Pair, result: ContractResult | None) -> MatrixRow:
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
