"""The per-name write lock every feature's writers take: a subject, a settings scope, a contract
application or environment. Each feature keeps the rest of its SQL in its own repository module."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session


def lock_name(session: Session, *, name: str) -> None:
    """Serialize the writers of `name` until the transaction ends.

    PostgreSQL takes a transaction-scoped advisory lock on the name's hash. SQLite needs nothing:
    its write sessions hold the database's single write lock from BEGIN IMMEDIATE on.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})
