"""Contracts under the registry's subject permissions: each document concerns one subject.

An expectation concerns the subject it names (by default its event type's); a sample concerns its
event type's subject, the one its producer publishes to. A caller sees only the documents of subjects
it may read, publishes expectations of subjects it may read and samples of subjects it may write, and
records what changes the verdicts of an application version (deployments, verification results) only
when it may publish what that version published.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlmodel import Session

from registry import errors
from registry.auth import Access, Role
from registry.contract_store import repository
from registry.contract_store.publishing import EXPECTATIONS, SAMPLES, Publications
from registry.contract_store.wire import DeploymentPayload, ExpectationPayload, ResultPayload, SamplePayload

Document = TypeVar("Document", ExpectationPayload, SamplePayload)


def subject_of(document: ExpectationPayload | SamplePayload) -> str:
    """The registry subject a contract document concerns."""
    if isinstance(document, ExpectationPayload):
        return document.subject or document.event_type
    return str(document.envelope.get("eventType", ""))


def readable(access: Access, documents: Sequence[Document]) -> list[Document]:
    """The documents of subjects the caller may read."""
    if access.reads_everything:
        return list(documents)
    return [document for document in documents if access.can_read(subject_of(document))]


def require_publisher(
    access: Access, *, expectations: Sequence[ExpectationPayload], samples: Sequence[SamplePayload]
) -> None:
    """Allow publishing these documents: read access to every expected subject (an expectation can
    block its registrations), the writer role on every subject samples are published to."""
    for subject in sorted({subject_of(expectation) for expectation in expectations}):
        access.require(Role.READER, subject)
    for subject in sorted({subject_of(sample) for sample in samples}):
        access.require(Role.WRITER, subject)


def require_publisher_of(access: Access, *, session: Session, application: str, version: str) -> None:
    """Allow what publishing the version's expectations and samples would need (nothing published:
    no subject is concerned)."""
    require_publisher(
        access,
        expectations=_published(EXPECTATIONS, session, application, version),
        samples=_published(SAMPLES, session, application, version),
    )


def require_deployer(access: Access, *, session: Session, deployment: DeploymentPayload) -> None:
    """Allow moving an application's deployment: the rights to publish the contracts of the version
    deployed and, for a deployment, of the version it replaces in that environment."""
    versions = {deployment.version}
    if deployment.kind == "deployment":
        versions |= {
            row.version
            for row in repository.active_deployments(session, environment=deployment.environment)
            if row.application == deployment.application and row.kind == "deployment"
        }
    for version in sorted(versions):
        require_publisher_of(access, session=session, application=deployment.application, version=version)


def require_verifier(access: Access, *, session: Session, result: ResultPayload) -> None:
    """Allow recording a verification: the rights to publish the producer version's contracts, or
    else the consumer version's (the CI of either side records it)."""
    try:
        require_publisher_of(
            access, session=session, application=result.producer, version=result.producer_version
        )
    except (errors.ForbiddenError, errors.SubjectNotFoundError):
        require_publisher_of(
            access, session=session, application=result.consumer, version=result.consumer_version
        )


def _published(
    publications: Publications[Document, Any], session: Session, application: str, version: str
) -> list[Document]:
    try:
        return publications.get(session=session, application=application, version=version)
    except errors.ContractVersionNotFoundError:
        return []
