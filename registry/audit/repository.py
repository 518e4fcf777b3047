"""The SQL of the audit log, and AuditFilter: which entries a query wants."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from registry.models import AuditEvent, core_table


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which events a query wants (the page of them is chosen apart: `before` and `limit`)."""

    subject: str | None = None
    principal: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


_AUDIT_EVENTS = core_table(AuditEvent)
_INSERT_EVENT = sa.insert(_AUDIT_EVENTS).returning(_AUDIT_EVENTS.c.id)


def insert_event(
    session: Session,
    *,
    occurred_at: datetime,
    principal: str,
    address: str | None,
    action: str,
    subject: str | None,
    details: str,
    request_id: str | None,
) -> int:
    """Insert one event (a Core statement: cheaper than the ORM's flush); returns its id."""
    values = {
        "occurred_at": occurred_at,
        "principal": principal,
        "address": address,
        "action": action,
        "subject": subject,
        "details": details,
        "request_id": request_id,
    }
    event_id: int = session.execute(_INSERT_EVENT, values).scalar_one()
    return event_id


def list_events(
    session: Session, *, audit_filter: AuditFilter, before: int | None, limit: int
) -> Sequence[AuditEvent]:
    """At most `limit` events matching the filter, newest first, older than event `before`."""
    conditions = []
    if audit_filter.subject is not None:
        conditions.append(col(AuditEvent.subject) == audit_filter.subject)
    if audit_filter.principal is not None:
        conditions.append(col(AuditEvent.principal) == audit_filter.principal)
    if audit_filter.action is not None:
        conditions.append(col(AuditEvent.action) == audit_filter.action)
    if audit_filter.since is not None:
        conditions.append(col(AuditEvent.occurred_at) >= audit_filter.since)
    if audit_filter.until is not None:
        conditions.append(col(AuditEvent.occurred_at) < audit_filter.until)
    if before is not None:
        conditions.append(col(AuditEvent.id) < before)
    statement = select(AuditEvent).where(*conditions).order_by(col(AuditEvent.id).desc()).limit(limit)
    return session.exec(statement).all()
