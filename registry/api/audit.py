"""/audit: who changed what, when and from where (Accord's own path), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from registry import audit
from registry.audit_repository import AuditFilter
from registry.auth.access import AccessDep
from registry.web.dependencies import MediaTypeDep, SessionDep
from registry.web.documentation import error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Audit"])

MAX_PAGE = 1000


class AuditEntryRead(BaseModel):
    id: int
    time: datetime
    principal: str
    address: str | None
    action: str
    subject: str | None
    details: dict[str, Any]
    requestId: str | None  # noqa: N815  (the wire name)


@router.get(
    "/audit",
    response_model=list[AuditEntryRead],
    responses=error_responses(),
    summary="Changes, newest first: of the subjects the caller administers (all of them for admins of '*')",
)
def list_audit_entries(
    session: SessionDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject: Annotated[str | None, Query(description="only changes of this subject")] = None,
    principal: Annotated[str | None, Query(description="only changes made by this user or key")] = None,
    action: Annotated[str | None, Query(description="e.g. schema.register, config.update")] = None,
    since: Annotated[datetime | None, Query(description="only changes at or after this time")] = None,
    until: Annotated[datetime | None, Query(description="only changes before this time")] = None,
    before: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="the id the previous page ended at")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> RegistryJSONResponse:
    entries = audit.list_entries(
        session=session,
        audit_filter=AuditFilter(
            subject=subject, principal=principal, action=action, since=since, until=until
        ),
        before=before,
        limit=limit,
        visible=None if access.can_administer(None) else access.can_administer,
    )
    return json_response([entry.as_json() for entry in entries], media_type=media_type)
