"""The JSON shape of an audit log entry, as GET /audit answers it and the audit log line carries it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, PlainSerializer, WithJsonSchema

if TYPE_CHECKING:
    from registry.audit.service import AuditEntry

# Python's ISO 8601 form ("+00:00"), which the log has always had, rather than pydantic's ("Z").
IsoTime = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class AuditEntryRead(BaseModel):
    id: int
    time: IsoTime
    principal: str
    address: str | None
    action: str
    subject: str | None
    details: dict[str, Any]
    requestId: str | None  # noqa: N815  (the wire name)

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryRead:
        return cls(
            id=entry.id,
            time=entry.occurred_at,
            principal=entry.principal,
            address=entry.address,
            action=entry.action,
            subject=entry.subject,
            details=entry.details,
            requestId=entry.request_id,
        )
