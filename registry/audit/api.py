"""/audit: who changed what, when and from where (Accord's own path), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from registry.audit.repository import AuditFilter
from registry.audit.service import list_entries
from registry.audit.wire import AuditEntryRead
from registry.auth.access import AccessDep
from registry.web.dependencies import SessionDep
from registry.web.documentation import error_responses
from registry.web.routing import NegotiatedRoute

router = APIRouter(tags=["Audit"], route_class=NegotiatedRoute)

MAX_PAGE = 1000


@router.get(
    "/audit",
    response_model=list[AuditEntryRead],
    responses=error_responses(),
    summary="Changes, newest first: of the subjects the caller administers (all of them for admins of '*')",
)
def list_audit_entries(
    session: SessionDep,
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
) -> list[AuditEntryRead]:
    entries = list_entries(
        session=session,
        audit_filter=AuditFilter(
            subject=subject, principal=principal, action=action, since=since, until=until
        ),
        before=before,
        limit=limit,
        visible=None if access.can_administer(None) else access.can_administer,
    )
    return [AuditEntryRead.of(entry) for entry in entries]
