"""/compatibility: would this schema be accepted under the subject's compatibility level?"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from registry import wire
from registry.api.access import AccessDep
from registry.api.subjects import Normalize, SchemaBody, submission_of
from registry.metrics import Metrics
from registry.service import CompatibilityVerdict
from registry.web.dependencies import MediaTypeDep, MetricsDep, RegistryDep, SessionDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Compatibility"])

Verbose = Annotated[bool, Query(description="Explain incompatibilities in `messages`")]


def _content(verdict: CompatibilityVerdict, *, verbose: bool, metrics: Metrics) -> dict[str, object]:
    if not verdict.is_compatible:
        metrics.compatibility_failures.labels("check").inc()
    content: dict[str, object] = {"is_compatible": verdict.is_compatible}
    if verbose:
        content["messages"] = list(verdict.messages)
    return content


@router.post(
    "/compatibility/subjects/{subject}/versions/{version}",
    response_model=wire.CompatibilityResponse,
    responses=error_responses(404, *BODY_ERRORS),
)
def check_against_version(
    subject: str,
    version: str,
    payload: SchemaBody,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    metrics: MetricsDep,
    normalize: Normalize = False,
    verbose: Verbose = False,
) -> RegistryJSONResponse:
    verdict = registry.check_compatibility(
        session=session,
        subject=subject,
        version=version,
        submission=submission_of(payload, access),
        normalize=normalize,
        verbose=verbose,
    )
    return json_response(_content(verdict, verbose=verbose, metrics=metrics), media_type=media_type)


@router.post(
    "/compatibility/subjects/{subject}/versions",
    response_model=wire.CompatibilityResponse,
    responses=error_responses(*BODY_ERRORS),
)
def check_against_subject(
    subject: str,
    payload: SchemaBody,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    metrics: MetricsDep,
    normalize: Normalize = False,
    verbose: Verbose = False,
) -> RegistryJSONResponse:
    verdict = registry.check_compatibility(
        session=session,
        subject=subject,
        version=None,
        submission=submission_of(payload, access),
        normalize=normalize,
        verbose=verbose,
    )
    return json_response(_content(verdict, verbose=verbose, metrics=metrics), media_type=media_type)
