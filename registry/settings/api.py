"""/config and /mode, for the registry (/config) or one subject (/config/{subject}).

Each global/per-subject pair is one handler registered on both paths: it reads the subject of a
per-subject path through `ScopeDep` (None on the registry's own path), and the per-subject
registration declares the path's {subject} (`PER_SUBJECT`), so the OpenAPI document lists it there
only. The operation names stay those of Confluent's pairs (get_global_config, get_subject_config...).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request

from registry.audit.dependencies import AuditDep
from registry.settings.wire import ConfigResponse, ConfigUpdatePayload, ModeResponse, ModeUpdatePayload
from registry.web.dependencies import SessionDep, SettingsServiceDep, WriterDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.routing import ConfluentRoute

config_router = APIRouter(tags=["Config"], route_class=ConfluentRoute)
mode_router = APIRouter(tags=["Modes"], route_class=ConfluentRoute)


async def subject_of_path(request: Request) -> str | None:
    """The subject a per-subject path names; None on the registry's own path."""
    subject: str | None = request.path_params.get("subject")
    return subject


async def subject_in_path(subject: str) -> None:
    """Declares the {subject} of a per-subject path (the handler reads it through ScopeDep)."""


ScopeDep = Annotated[str | None, Depends(subject_of_path)]
PER_SUBJECT = [Depends(subject_in_path)]
ConfigBody = Annotated[ConfigUpdatePayload, Body()]
ModeBody = Annotated[ModeUpdatePayload, Body()]
DefaultToGlobal = Annotated[
    bool, Query(alias="defaultToGlobal", description="Answer with the global one if the subject has none")
]
Force = Annotated[bool, Query(description="Enter IMPORT even though schemas exist")]


# -- /config --------------------------------------------------------------------------------------


@config_router.get(
    "/config/{subject}",
    name="get_subject_config",
    dependencies=PER_SUBJECT,
    response_model=ConfigResponse,
    responses=error_responses(404),
)
@config_router.get(
    "/config", name="get_global_config", response_model=ConfigResponse, responses=error_responses()
)
def get_config(
    subject: ScopeDep,
    session: SessionDep,
    settings: SettingsServiceDep,
    default_to_global: DefaultToGlobal = False,
) -> ConfigResponse:
    view = settings.get_config(session=session, subject=subject, default_to_global=default_to_global)
    return ConfigResponse.of(view)


@config_router.put(
    "/config/{subject}",
    name="update_subject_config",
    dependencies=PER_SUBJECT,
    response_model=ConfigUpdatePayload,
    responses=error_responses(*BODY_ERRORS),
)
@config_router.put(
    "/config",
    name="update_global_config",
    response_model=ConfigUpdatePayload,
    responses=error_responses(*BODY_ERRORS),
)
def update_config(
    subject: ScopeDep,
    payload: ConfigBody,
    writer: WriterDep,
    settings: SettingsServiceDep,
    audit: AuditDep,
) -> ConfigUpdatePayload:
    level = payload.compatibility or payload.compatibility_level
    settings.set_config(
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
    return payload


@config_router.delete(
    "/config/{subject}",
    name="delete_subject_config",
    dependencies=PER_SUBJECT,
    response_model=ConfigResponse,
    responses=error_responses(404),
)
@config_router.delete(
    "/config", name="delete_global_config", response_model=ConfigResponse, responses=error_responses()
)
def delete_config(
    subject: ScopeDep, writer: WriterDep, settings: SettingsServiceDep, audit: AuditDep
) -> ConfigResponse:
    view = settings.delete_config(session=writer, subject=subject)
    audit.record("config.delete", subject=subject)
    return ConfigResponse.of(view)


# -- /mode ----------------------------------------------------------------------------------------


@mode_router.get(
    "/mode/{subject}",
    name="get_subject_mode",
    dependencies=PER_SUBJECT,
    response_model=ModeResponse,
    responses=error_responses(404),
)
@mode_router.get("/mode", name="get_global_mode", response_model=ModeResponse, responses=error_responses())
def get_mode(
    subject: ScopeDep,
    session: SessionDep,
    settings: SettingsServiceDep,
    default_to_global: DefaultToGlobal = False,
) -> ModeResponse:
    mode = settings.get_mode(session=session, subject=subject, default_to_global=default_to_global)
    return ModeResponse(mode=mode.value)


@mode_router.put(
    "/mode/{subject}",
    name="update_subject_mode",
    dependencies=PER_SUBJECT,
    response_model=ModeUpdatePayload,
    responses=error_responses(*BODY_ERRORS),
)
@mode_router.put(
    "/mode",
    name="update_global_mode",
    response_model=ModeUpdatePayload,
    responses=error_responses(*BODY_ERRORS),
)
def update_mode(
    subject: ScopeDep,
    payload: ModeBody,
    writer: WriterDep,
    settings: SettingsServiceDep,
    audit: AuditDep,
    force: Force = False,
) -> ModeUpdatePayload:
    settings.set_mode(session=writer, subject=subject, mode=payload.mode, force=force)
    audit.record("mode.update", subject=subject, mode=payload.mode.upper(), force=force)
    return payload


@mode_router.delete(
    "/mode/{subject}",
    name="delete_subject_mode",
    dependencies=PER_SUBJECT,
    response_model=ModeResponse,
    responses=error_responses(404),
)
@mode_router.delete(
    "/mode", name="delete_global_mode", response_model=ModeResponse, responses=error_responses()
)
def delete_mode(
    subject: ScopeDep, writer: WriterDep, settings: SettingsServiceDep, audit: AuditDep
) -> ModeResponse:
    mode = settings.delete_mode(session=writer, subject=subject)
    audit.record("mode.delete", subject=subject)
    return ModeResponse(mode=mode.value)
