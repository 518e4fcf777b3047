"""/contracts: consumer expectations, producer samples, verification results, deployments, the matrix,
can-i-deploy and per-subject enforcement of expectations at registration. Accord's own paths."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from registry.audit.dependencies import AuditDep
from registry.auth.access import AccessDep
from registry.contract_store import deployments, guard, permissions, results
from registry.contract_store.publishing import EXPECTATIONS, SAMPLES
from registry.contract_store.wire import (
    CanIDeployRead,
    ConsumerExpectationsRead,
    DeploymentPayload,
    DeploymentRead,
    EnforcementPayload,
    EnforcementRead,
    ExpectationsPayload,
    ProducerSamplesRead,
    PublishedRead,
    ResultPayload,
    ResultRead,
    SamplesPayload,
)
from registry.web.dependencies import SessionDep, WriterDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.routing import NegotiatedRoute

router = APIRouter(prefix="/contracts", tags=["Contracts"], route_class=NegotiatedRoute)

Application = Annotated[str, Query(min_length=1, description="the application's name")]
Environment = Annotated[str, Query(min_length=1, description="e.g. production")]
EventTypes = Annotated[list[str] | None, Query(alias="eventType", description="only these event types")]


@router.put(
    "/consumers/{consumer}/versions/{version}/expectations",
    response_model=PublishedRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Publish what a consumer version expects (replaces an earlier publication of that version)",
)
def publish_expectations(
    consumer: str,
    version: str,
    payload: Annotated[ExpectationsPayload, Body()],
    writer: WriterDep,
    access: AccessDep,
    audit: AuditDep,
) -> PublishedRead:
    permissions.require_publisher(access, expectations=payload.expectations, samples=())
    subjects = sorted({permissions.subject_of(expectation) for expectation in payload.expectations})
    count = EXPECTATIONS.publish(
        session=writer, application=consumer, version=version, documents=payload.expectations
    )
    audit.record("contracts.expectations.publish", consumer=consumer, version=version, subjects=subjects)
    return PublishedRead(application=consumer, version=version, count=count)


@router.get(
    "/consumers/{consumer}/versions/{version}/expectations",
    response_model=ExpectationsPayload,
    responses=error_responses(404),
)
def get_expectations(
    consumer: str, version: str, session: SessionDep, access: AccessDep
) -> ExpectationsPayload:
    expectations = EXPECTATIONS.get(session=session, application=consumer, version=version)
    return ExpectationsPayload(expectations=permissions.readable(access, expectations))


@router.get(
    "/expectations",
    response_model=list[ConsumerExpectationsRead],
    responses=error_responses(),
    summary="The expectations of every consumer version that counts (latest, deployed or released)",
)
def get_relevant_expectations(
    session: SessionDep, access: AccessDep, event_type: EventTypes = None
) -> list[ConsumerExpectationsRead]:
    published = EXPECTATIONS.list_relevant(session=session, event_types=event_type)
    shown = [(item, permissions.readable(access, item.items)) for item in published]
    return [
        ConsumerExpectationsRead(consumer=item.application, version=item.version, expectations=expectations)
        for item, expectations in shown
        if expectations
    ]


@router.put(
    "/producers/{producer}/versions/{version}/samples",
    response_model=PublishedRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Publish the samples of a producer version (replaces an earlier publication of that version)",
)
def publish_samples(
    producer: str,
    version: str,
    payload: Annotated[SamplesPayload, Body()],
    writer: WriterDep,
    access: AccessDep,
    audit: AuditDep,
) -> PublishedRead:
    permissions.require_publisher(access, expectations=(), samples=payload.samples)
    count = SAMPLES.publish(session=writer, application=producer, version=version, documents=payload.samples)
    audit.record("contracts.samples.publish", producer=producer, version=version, count=count)
    return PublishedRead(application=producer, version=version, count=count)


@router.get(
    "/producers/{producer}/versions/{version}/samples",
    response_model=SamplesPayload,
    responses=error_responses(404),
)
def get_samples(producer: str, version: str, session: SessionDep, access: AccessDep) -> SamplesPayload:
    samples = SAMPLES.get(session=session, application=producer, version=version)
    return SamplesPayload(samples=permissions.readable(access, samples))


@router.get(
    "/samples",
    response_model=list[ProducerSamplesRead],
    responses=error_responses(),
    summary="The samples of every producer version that counts (latest, deployed or released)",
)
def get_relevant_samples(
    session: SessionDep, access: AccessDep, event_type: EventTypes = None
) -> list[ProducerSamplesRead]:
    published = SAMPLES.list_relevant(session=session, event_types=event_type)
    shown = [(item, permissions.readable(access, item.items)) for item in published]
    return [
        ProducerSamplesRead(producer=item.application, version=item.version, samples=samples)
        for item, samples in shown
        if samples
    ]


@router.post(
    "/results",
    response_model=ResultRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Record the verification of a producer version against a consumer version",
)
def record_result(
    payload: Annotated[ResultPayload, Body()], writer: WriterDep, access: AccessDep, audit: AuditDep
) -> ResultRead:
    permissions.require_verifier(access, session=writer, result=payload)
    recorded = results.record_result(session=writer, result=payload)
    audit.record(
        "contracts.result.record",
        producer=payload.producer,
        producerVersion=payload.producer_version,
        consumer=payload.consumer,
        consumerVersion=payload.consumer_version,
        success=payload.success,
    )
    return recorded


@router.get(
    "/matrix",
    response_model=list[ResultRead],
    responses=error_responses(),
    summary="Every verified producer/consumer version pair, newest first",
)
def get_matrix(
    session: SessionDep,
    application: Annotated[str | None, Query(description="only pairs this application is in")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[ResultRead]:
    return results.list_results(session=session, application=application, limit=limit)


@router.post(
    "/deployments",
    response_model=DeploymentRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Record that a version was deployed (replacing the previous one) or released to an environment",
)
def record_deployment(
    payload: Annotated[DeploymentPayload, Body()], writer: WriterDep, access: AccessDep, audit: AuditDep
) -> DeploymentRead:
    permissions.require_deployer(access, session=writer, deployment=payload)
    recorded = deployments.record_deployment(session=writer, deployment=payload)
    audit.record(
        "contracts.deployment.record",
        application=recorded.application,
        version=recorded.version,
        environment=recorded.environment,
        kind=recorded.kind,
    )
    return recorded


@router.get("/deployments", response_model=list[DeploymentRead], responses=error_responses())
def get_deployments(
    session: SessionDep,
    environment: Annotated[str | None, Query(description="only this environment")] = None,
) -> list[DeploymentRead]:
    return deployments.list_deployments(session=session, environment=environment)


@router.get(
    "/can-i-deploy",
    response_model=CanIDeployRead,
    responses=error_responses(),
    summary="Whether a version works with every version deployed to an environment (yes, no or unknown)",
)
def can_i_deploy(
    application: Application,
    version: Annotated[str, Query(min_length=1)],
    environment: Environment,
    session: SessionDep,
) -> CanIDeployRead:
    return deployments.can_i_deploy(
        session=session, application=application, version=version, environment=environment
    )


@router.get("/subjects/{subject}/enforcement", response_model=EnforcementRead, responses=error_responses())
def get_enforcement(subject: str, session: SessionDep) -> EnforcementRead:
    return guard.get_enforcement(session=session, subject=subject)


@router.put(
    "/subjects/{subject}/enforcement",
    response_model=EnforcementRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Turn consumer-aware registration on or off for a subject (default: on when it has expectations)",
)
def set_enforcement(
    subject: str, payload: Annotated[EnforcementPayload, Body()], writer: WriterDep, audit: AuditDep
) -> EnforcementRead:
    enforcement = guard.set_enforcement(session=writer, subject=subject, enforce=payload.enforce)
    audit.record("contracts.enforcement.update", subject=subject, enforce=payload.enforce)
    return enforcement
