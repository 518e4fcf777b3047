"""The SQL every feature shares: the per-name write lock. Each feature keeps its own SQL in its own
repository module (registry/schemas/repository.py, registry/settings/repository.py, ...)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session


def lock_subject(session: Session, *, subject: str) -> None:
    """Serialize writers of one name (a subject, a settings scope, a contract's application) until the
    transaction ends.

    PostgreSQL takes a transaction-scoped advisory lock on the name's hash. SQLite needs nothing:
    its write sessions hold the database's single write lock from BEGIN IMMEDIATE on.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:subject, 0))"), {"subject": subject}
        )
