"""The audit trail a route records its changes in: AuditDep, written in the request's write session."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from registry.audit.service import Actor, AuditTrail
from registry.auth import Access
from registry.logs import current_request
from registry.web.dependencies import WriterDep


async def get_audit(request: Request, writer: WriterDep) -> AuditTrail:
    """The audit trail of this request's changes, written in its write transaction."""
    # The caller's access, which the application's authorization dependency (run before every
    # route's own) left on the request.
    access: Access = request.state.access
    return AuditTrail(session=writer, actor=actor_of(request, access))


def actor_of(request: Request, access: Access) -> Actor:
    """Who makes the changes of this request, for the audit log."""
    ids = current_request.get()
    return Actor(
        principal=access.principal.name,
        address=request.client.host if request.client else None,
        request_id=ids.request_id if ids else None,
    )


AuditDep = Annotated[AuditTrail, Depends(get_audit)]
