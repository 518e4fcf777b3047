"""/mode: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT, for the registry or one subject."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from registry import wire
from registry.api.config import DefaultToGlobal
from registry.web.dependencies import AuditDep, MediaTypeDep, RegistryDep, SessionDep, WriterDep
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Modes"])

ModeBody = Annotated[wire.ModeUpdatePayload, Body()]
Force = Annotated[bool, Query(description="Enter IMPORT even though schemas exist")]


@router.get("/mode", response_model=wire.ModeResponse, responses=error_responses())
def get_global_mode(
    session: SessionDep, registry: RegistryDep, media_type: MediaTypeDep
) -> RegistryJSONResponse:
    mode = registry.get_mode(session=session, subject=None, default_to_global=False)
    return json_response({"mode": mode.value}, media_type=media_type)


@router.put("/mode", response_model=wire.ModeUpdatePayload, responses=error_responses(*BODY_ERRORS))
def update_global_mode(
    payload: ModeBody,
    writer: WriterDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
    force: Force = False,
) -> RegistryJSONResponse:
    registry.set_mode(session=writer, subject=None, mode=payload.mode, force=force)
    audit.record("mode.update", mode=payload.mode.upper(), force=force)
    return json_response({"mode": payload.mode}, media_type=media_type)


@router.delete("/mode", response_model=wire.ModeResponse, responses=error_responses())
def delete_global_mode(
    writer: WriterDep, registry: RegistryDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    mode = registry.delete_mode(session=writer, subject=None)
    audit.record("mode.delete")
    return json_response({"mode": mode.value}, media_type=media_type)


@router.get("/mode/{subject}", response_model=wire.ModeResponse, responses=error_responses(404))
def get_subject_mode(
    subject: str,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    default_to_global: DefaultToGlobal = False,
) -> RegistryJSONResponse:
    mode = registry.get_mode(session=session, subject=subject, default_to_global=default_to_global)
    return json_response({"mode": mode.value}, media_type=media_type)


@router.put("/mode/{subject}", response_model=wire.ModeUpdatePayload, responses=error_responses(*BODY_ERRORS))
def update_subject_mode(
    subject: str,
    payload: ModeBody,
    writer: WriterDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
    force: Force = False,
) -> RegistryJSONResponse:
    registry.set_mode(session=writer, subject=subject, mode=payload.mode, force=force)
    audit.record("mode.update", subject=subject, mode=payload.mode.upper(), force=force)
    return json_response({"mode": payload.mode}, media_type=media_type)


@router.delete("/mode/{subject}", response_model=wire.ModeResponse, responses=error_responses(404))
def delete_subject_mode(
    subject: str, writer: WriterDep, registry: RegistryDep, media_type: MediaTypeDep, audit: AuditDep
) -> RegistryJSONResponse:
    mode = registry.delete_mode(session=writer, subject=subject)
    audit.record("mode.delete", subject=subject)
    return json_response({"mode": mode.value}, media_type=media_type)
