"""The SQL of the cache change log that every process's caches follow (registry/schemas/cache.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import bindparam, func
from sqlmodel import Session

from registry.models import CacheChange, core_table

CHANGES_PAGE = 1000  # a process that finds this many changes to read starts its caches afresh
_CHANGES = core_table(CacheChange)
_READ_CHANGES = (
    sa.select(_CHANGES.c.id, _CHANGES.c.kind, _CHANGES.c.subject, _CHANGES.c.version, _CHANGES.c.schema_id)
    .where(_CHANGES.c.id > bindparam("after"))
    .order_by(_CHANGES.c.id)
    .limit(CHANGES_PAGE)
)
_LAST_CHANGE = sa.select(func.coalesce(func.max(_CHANGES.c.id), 0))


class ChangeRow(Protocol):
    id: int
    kind: str
    subject: str | None
    version: int | None
    schema_id: int | None


def read_changes(session: Session, *, after: int) -> Sequence[ChangeRow]:
    return session.connection().execute(_READ_CHANGES, {"after": after}).all()


def last_change_id(session: Session) -> int:
    return int(session.execute(_LAST_CHANGE).scalar_one())


# The log keeps its newest CHANGES_KEPT rows: a process further behind than CHANGES_PAGE starts afresh
# anyway. The writer of every PRUNE_EVERY-th id removes the older ones, so deleters rarely meet there.
CHANGES_KEPT = 100_000
PRUNE_EVERY = 1000


def record_changes(session: Session, *, changes: Sequence[Any]) -> None:
    """Insert change rows (objects with kind, subject, version and schema_id), and prune the log."""
    rows = [
        {"kind": c.kind, "subject": c.subject, "version": c.version, "schema_id": c.schema_id}
        for c in changes
    ]
    for change_id in session.execute(sa.insert(_CHANGES).returning(_CHANGES.c.id), rows).scalars().all():
        if change_id % PRUNE_EVERY == 0 and change_id > CHANGES_KEPT:
            session.execute(sa.delete(_CHANGES).where(_CHANGES.c.id <= change_id - CHANGES_KEPT))
