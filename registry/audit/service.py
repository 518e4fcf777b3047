"""Recording changes (AuditTrail) and reading them back (list_entries).

Each entry is a row written in the same transaction as the change (so a change that rolls back leaves
no entry, and a committed change always has one), and a structured log line (logger `registry.audit`)
once the transaction commits. Entries carry names, versions, ids and settings, never schemas,
samples or credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

import orjson
from sqlmodel import Session

from registry.audit import repository
from registry.audit.repository import AuditFilter
from registry.audit.wire import AuditEntryRead
from registry.db import after_commit
from registry.models import AuditEvent

log = logging.getLogger("registry.audit")

SCAN_CHUNK = 500  # events read per query while filtering by what the caller may see


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes the changes of one request."""

    principal: str
    address: str | None
    request_id: str | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One recorded change."""

    id: int
    occurred_at: datetime
    principal: str
    address: str | None
    action: str
    subject: str | None
    details: dict[str, Any]
    request_id: str | None


class AuditTrail:
    """Records the changes of one request in its write transaction."""

    def __init__(self, *, session: Session, actor: Actor) -> None:
        self._session = session
        self._actor = actor

    def record(self, action: str, *, subject: str | None = None, **details: Any) -> None:
        occurred_at = datetime.now(UTC)
        actor = self._actor
        event_id = repository.insert_event(
            self._session,
            occurred_at=occurred_at,
            principal=actor.principal,
            address=actor.address,
            action=action,
            subject=subject,
            details=orjson.dumps(details).decode(),
            request_id=actor.request_id,
        )
        entry = AuditEntry(
            id=event_id,
            occurred_at=occurred_at,
            principal=actor.principal,
            address=actor.address,
            action=action,
            subject=subject,
            details=details,
            request_id=actor.request_id,
        )
        after_commit(self._session, lambda: _log(entry))


def list_entries(
    *,
    session: Session,
    audit_filter: AuditFilter,
    before: int | None,
    limit: int,
    visible: Callable[[str | None], bool] | None = None,
) -> list[AuditEntry]:
    """The newest `limit` entries matching the filter (older than entry `before`), of the subjects
    `visible` admits (None: every entry)."""
    entries = (_entry(event) for event in _scan(session, audit_filter, before))
    if visible is not None:
        entries = (entry for entry in entries if visible(entry.subject))
    return list(islice(entries, limit))


def _log(entry: AuditEntry) -> None:
    if log.isEnabledFor(logging.INFO):
        log.info("audit", extra={"audit": AuditEntryRead.of(entry).model_dump(mode="json")})


def _scan(session: Session, audit_filter: AuditFilter, before: int | None) -> Iterator[AuditEvent]:
    while True:
        chunk = repository.list_events(session, audit_filter=audit_filter, before=before, limit=SCAN_CHUNK)
        yield from chunk
        if len(chunk) < SCAN_CHUNK:
            return
        before = chunk[-1].id


def _entry(event: AuditEvent) -> AuditEntry:
    assert event.id is not None
    return AuditEntry(
        id=event.id,
        occurred_at=event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC),
        principal=event.principal,
        address=event.address,
        action=event.action,
        subject=event.subject,
        details=orjson.loads(event.details),
        request_id=event.request_id,
    )
