"""/contracts: consumer expectations, producer samples, verification results, deployments, the matrix,
can-i-deploy and per-subject enforcement of expectations at registration. Accord's own paths."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel

from registry import contract_service
from registry.auth import Role
from registry.auth.access import AccessDep
from registry.contract_service import Published
from registry.contract_wire import (
    CanIDeployRead,
    DeploymentPayload,
    DeploymentRead,
    EnforcementPayload,
    EnforcementRead,
    ExpectationsPayload,
    PublishedRead,
    ResultPayload,
    ResultRead,
    SamplesPayload,
)
from registry.web.dependencies import AuditDep, MediaTypeDep, SessionDep, WriterDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(prefix="/contracts", tags=["Contracts"])

Application = Annotated[str, Query(min_length=1, description="the application's name")]
Environment = Annotated[str, Query(min_length=1, description="e.g. production")]


class ConsumerExpectationsRead(BaseModel):
    consumer: str
    version: str
    expectations: list[dict[str, Any]]


class ProducerSamplesRead(BaseModel):
    producer: str
    version: str
    samples: list[dict[str, Any]]


def _listing(published: list[Published[Any]], role: str, key: str) -> list[dict[str, Any]]:
    return [
        {
            role: item.application,
            "version": item.version,
            key: [entry.model_dump(mode="json", by_alias=True) for entry in item.items],
        }
        for item in published
    ]


def _render(content: Any, media_type: str) -> RegistryJSONResponse:
    if isinstance(content, BaseModel):
        content = content.model_dump(mode="json", by_alias=True)
    elif isinstance(content, list):
        content = [item.model_dump(mode="json", by_alias=True) for item in content]
    return json_response(content, media_type=media_type)


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
    media_type: MediaTypeDep,
    access: AccessDep,
    audit: AuditDep,
) -> RegistryJSONResponse:
    subjects = sorted({expectation.subject or expectation.event_type for expectation in payload.expectations})
    for subject in subjects:  # an expectation can block registrations: only of subjects its consumer reads
        access.require(Role.READER, subject)
    count = contract_service.publish_expectations(
        session=writer, consumer=consumer, version=version, expectations=payload.expectations
    )
    audit.record("contracts.expectations.publish", consumer=consumer, version=version, subjects=subjects)
    return _render(PublishedRead(application=consumer, version=version, count=count), media_type)


@router.get(
    "/consumers/{consumer}/versions/{version}/expectations",
    response_model=ExpectationsPayload,
    responses=error_responses(404),
)
def get_expectations(
    consumer: str, version: str, session: SessionDep, media_type: MediaTypeDep
) -> RegistryJSONResponse:
    expectations = contract_service.list_expectations(session=session, consumer=consumer, version=version)
    return _render(ExpectationsPayload(expectations=expectations), media_type)


@router.get(
    "/expectations",
    response_model=list[ConsumerExpectationsRead],
    responses=error_responses(),
    summary="The expectations of every consumer version that counts (latest, deployed or released)",
)
def get_relevant_expectations(
    session: SessionDep,
    media_type: MediaTypeDep,
    event_type: Annotated[
        list[str] | None, Query(alias="eventType", description="only these event types")
    ] = None,
) -> RegistryJSONResponse:
    published = contract_service.relevant_expectations(session=session, event_types=event_type)
    return json_response(_listing(published, "consumer", "expectations"), media_type=media_type)


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
    media_type: MediaTypeDep,
    audit: AuditDep,
) -> RegistryJSONResponse:
    count = contract_service.publish_samples(
        session=writer, producer=producer, version=version, samples=payload.samples
    )
    audit.record("contracts.samples.publish", producer=producer, version=version, count=count)
    return _render(PublishedRead(application=producer, version=version, count=count), media_type)


@router.get(
    "/producers/{producer}/versions/{version}/samples",
    response_model=SamplesPayload,
    responses=error_responses(404),
)
def get_samples(
    producer: str, version: str, session: SessionDep, media_type: MediaTypeDep
) -> RegistryJSONResponse:
    samples = contract_service.list_samples(session=session, producer=producer, version=version)
    return _render(SamplesPayload(samples=samples), media_type)


@router.get(
    "/samples",
    response_model=list[ProducerSamplesRead],
    responses=error_responses(),
    summary="The samples of every producer version that counts (latest, deployed or released)",
)
def get_relevant_samples(
    session: SessionDep,
    media_type: MediaTypeDep,
    event_type: Annotated[
        list[str] | None, Query(alias="eventType", description="only these event types")
    ] = None,
) -> RegistryJSONResponse:
    published = contract_service.relevant_samples(session=session, event_types=event_type)
    return json_response(_listing(published, "producer", "samples"), media_type=media_type)


@router.post(
    "/results",
    response_model=ResultRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Record the verification of a producer version against a consumer version",
)
def record_result(
    payload: Annotated[ResultPayload, Body()], writer: WriterDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    recorded = contract_service.record_result(session=writer, result=payload)
    audit.record(
        "contracts.result.record",
        producer=payload.producer,
        producerVersion=payload.producer_version,
        consumer=payload.consumer,
        consumerVersion=payload.consumer_version,
        success=payload.success,
    )
    return _render(recorded, media_type)


@router.get(
    "/matrix",
    response_model=list[ResultRead],
    responses=error_responses(),
    summary="Every verified producer/consumer version pair, newest first",
)
def get_matrix(
    session: SessionDep,
    media_type: MediaTypeDep,
    application: Annotated[str | None, Query(description="only pairs this application is in")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> RegistryJSONResponse:
    return _render(contract_service.matrix(session=session, application=application, limit=limit), media_type)


@router.post(
    "/deployments",
    response_model=DeploymentRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Record that a version was deployed (replacing the previous one) or released to an environment",
)
def record_deployment(
    payload: Annotated[DeploymentPayload, Body()],
    writer: WriterDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
) -> RegistryJSONResponse:
    recorded = contract_service.record_deployment(session=writer, deployment=payload)
    audit.record(
        "contracts.deployment.record",
        application=recorded.application,
        version=recorded.version,
        environment=recorded.environment,
        kind=recorded.kind,
    )
    return _render(recorded, media_type)


@router.get("/deployments", response_model=list[DeploymentRead], responses=error_responses())
def get_deployments(
    session: SessionDep,
    media_type: MediaTypeDep,
    environment: Annotated[str | None, Query(description="only this environment")] = None,
) -> RegistryJSONResponse:
    return _render(contract_service.list_deployments(session=session, environment=environment), media_type)


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
    media_type: MediaTypeDep,
) -> RegistryJSONResponse:
    answer = contract_service.can_i_deploy(
        session=session, application=application, version=version, environment=environment
    )
    return _render(answer, media_type)


@router.get("/subjects/{subject}/enforcement", response_model=EnforcementRead, responses=error_responses())
def get_enforcement(subject: str, session: SessionDep, media_type: MediaTypeDep) -> RegistryJSONResponse:
    return _render(contract_service.get_enforcement(session=session, subject=subject), media_type)


@router.put(
    "/subjects/{subject}/enforcement",
    response_model=EnforcementRead,
    responses=error_responses(*BODY_ERRORS),
    summary="Turn consumer-aware registration on or off for a subject (default: on when it has expectations)",
)
def set_enforcement(
    subject: str,
    payload: Annotated[EnforcementPayload, Body()],
    writer: WriterDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
) -> RegistryJSONResponse:
    enforcement = contract_service.set_enforcement(session=writer, subject=subject, enforce=payload.enforce)
    audit.record("contracts.enforcement.update", subject=subject, enforce=payload.enforce)
    return _render(enforcement, media_type)
