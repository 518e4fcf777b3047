"""/config: compatibility level, policy and normalization, for the registry or one subject."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from registry import wire
from registry.service import ConfigView
from registry.web.dependencies import AuditDep, MediaTypeDep, RegistryDep, SessionDep, WriterDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Config"])

ConfigBody = Annotated[wire.ConfigUpdatePayload, Body()]
DefaultToGlobal = Annotated[
    bool, Query(alias="defaultToGlobal", description="Answer with the global one if the subject has none")
]


def _content(view: ConfigView) -> dict[str, object]:
    content: dict[str, object] = {"compatibilityLevel": view.level.value}
    if view.policy is not None:
        content["compatibilityPolicy"] = view.policy.value
    if view.normalize is not None:
        content["normalize"] = view.normalize
    return content


def _update(
    registry: RegistryDep,
    writer: WriterDep,
    audit: AuditDep,
    subject: str | None,
    payload: wire.ConfigUpdatePayload,
) -> None:
    level = payload.compatibility or payload.compatibility_level
    registry.set_config(
        session=writer,
        subject=subject,
        level=level,
        policy=payload.compatibility_policy,
        normalize=payload.normalize,
    )
    changes = {"compatibility": level, "policy": payload.compatibility_policy, "normalize": payload.normalize}
    audit.record(
        "config.update",
        subject=subject,
        **{name: value for name, value in changes.items() if value is not None},
    )


@router.get("/config", response_model=wire.ConfigResponse, responses=error_responses())
def get_global_config(
    session: SessionDep, registry: RegistryDep, media_type: MediaTypeDep
) -> RegistryJSONResponse:
    view = registry.get_config(session=session, subject=None, default_to_global=False)
    return json_response(_content(view), media_type=media_type)


@router.put("/config", response_model=wire.ConfigUpdatePayload, responses=error_responses(*BODY_ERRORS))
def update_global_config(
    payload: ConfigBody, writer: WriterDep, registry: RegistryDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    _update(registry, writer, audit, None, payload)
    return json_response(payload.model_dump(exclude_none=True, by_alias=True), media_type=media_type)


@router.delete("/config", response_model=wire.ConfigResponse, responses=error_responses())
def delete_global_config(
    writer: WriterDep, registry: RegistryDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    view = registry.delete_config(session=writer, subject=None)
    audit.record("config.delete")
    return json_response(_content(view), media_type=media_type)


@router.get("/config/{subject}", response_model=wire.ConfigResponse, responses=error_responses(404))
def get_subject_config(
    subject: str,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    default_to_global: DefaultToGlobal = False,
) -> RegistryJSONResponse:
    view = registry.get_config(session=session, subject=subject, default_to_global=default_to_global)
    return json_response(_content(view), media_type=media_type)


@router.put(
    "/config/{subject}", response_model=wire.ConfigUpdatePayload, responses=error_responses(*BODY_ERRORS)
)
def update_subject_config(
    subject: str,
    payload: ConfigBody,
    writer: WriterDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
) -> RegistryJSONResponse:
    _update(registry, writer, audit, subject, payload)
    return json_response(payload.model_dump(exclude_none=True, by_alias=True), media_type=media_type)


@router.delete("/config/{subject}", response_model=wire.ConfigResponse, responses=error_responses(404))
def delete_subject_config(
    subject: str, writer: WriterDep, registry: RegistryDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    view = registry.delete_config(session=writer, subject=subject)
    audit.record("config.delete", subject=subject)
    return json_response(_content(view), media_type=media_type)
