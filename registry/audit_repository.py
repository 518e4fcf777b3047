"""The SQL of the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from registry.models import AuditEvent


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which events a query wants; `before` is the id the previous page ended at (newest first)."""

    subject: str | None = None
    principal: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def insert_event(session: Session, *, event: AuditEvent) -> None:
    session.add(event)
    session.flush()


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
