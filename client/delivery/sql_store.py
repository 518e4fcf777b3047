"""Idempotency marks in the service's own database (PostgreSQL or SQLite), written in the same transaction
as the handler's changes: they commit together or not at all, so a crash between the two can neither lose
nor repeat an effect. The cost is one INSERT in the handler's transaction.

    handled = SqlIdempotency()

    @handled.transactional(lambda: Session.begin())  # or a psycopg pool's connection(), ...
    def on_order_created(event, session): ...

A second delivery of an event whose transaction committed finds the mark and is skipped. Two deliveries
at once: the second INSERT waits for the first transaction, then finds the mark (PostgreSQL) or fails
on the lock and is redelivered (SQLite, one writer at a time).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

from client.delivery.idempotency import event_key
from client.delivery.sql import SqlConnection, check_identifier, dialect_of, execute
from client.envelope import Envelope

__all__ = ["SqlIdempotency"]

Result = TypeVar("Result")


class SqlIdempotency:
    """Handled-event marks in `table` (create it with `create_table_sql`, in the service's migrations)."""

    def __init__(self, *, table: str = "accord_handled_events") -> None:
        self.table = check_identifier(table)
        self._insert = (
            f"INSERT INTO {self.table} (source, event_id, handled_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (source, event_id) DO NOTHING"
        )

    def create_table_sql(self, dialect: str = "postgresql") -> str:
        """The table's DDL for "postgresql" or "sqlite", for the service's own migrations."""
        moment = "timestamptz" if dialect == "postgresql" else "TEXT"
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} (\n"
            "    source TEXT NOT NULL,\n"
            "    event_id TEXT NOT NULL,\n"
            f"    handled_at {moment} NOT NULL,\n"
            "    PRIMARY KEY (source, event_id)\n"
            ")"
        )

    def mark(self, connection: SqlConnection, envelope: Envelope) -> bool:
        """Record `envelope` as handled in the connection's open transaction: True the first time, False
        when it was handled before (the caller then skips its changes)."""
        key = event_key(envelope)
        return execute(connection, self._insert, (key.source, key.event_id, _now(connection))) == 1

    async def amark(self, connection: Any, envelope: Envelope) -> bool:
        """`mark` in the open transaction of a psycopg AsyncConnection (PostgreSQL)."""
        key = event_key(envelope)
        async with connection.cursor() as cursor:
            await cursor.execute(self._insert, (key.source, key.event_id, datetime.now(UTC)))
            return bool(cursor.rowcount == 1)

    def purge(self, connection: SqlConnection, *, older_than: timedelta) -> int:
        """Forget the marks of events handled more than `older_than` ago (longer than any redelivery
        can take); the number forgotten."""
        cutoff = datetime.now(UTC) - older_than
        value = cutoff if dialect_of(connection).name == "postgresql" else cutoff.isoformat()
        return execute(connection, f"DELETE FROM {self.table} WHERE handled_at < %s", (value,))

    def transactional(
        self, transaction: Callable[[], AbstractContextManager[Any] | AbstractAsyncContextManager[Any]]
    ) -> Callable[[Callable[..., Result]], Callable[[Envelope], Result | None]]:
        """Decorate a handler `(envelope, connection)` to run in a transaction of its own with the mark.

        `transaction()` is a context manager that yields a connection (or session) and commits when the
        block ends normally, rolling back on an exception: SQLAlchemy's `sessionmaker.begin()`, psycopg's
        `connect()` or pool `connection()`, an sqlite3 connection's `with`. For an async handler it is an
        async context manager yielding a psycopg AsyncConnection (an AsyncConnectionPool's
        `connection()`, say). A duplicate returns None and its handler is not called.
        """

        def decorate(handler: Callable[..., Result]) -> Callable[[Envelope], Result | None]:
            if inspect.iscoroutinefunction(handler):
                return cast(
                    Callable[[Envelope], Result | None], self._async_transactional(transaction, handler)
                )

            @functools.wraps(handler)
            def handle_once(envelope: Envelope) -> Result | None:
                with cast(AbstractContextManager[Any], transaction()) as connection:
                    if not self.mark(connection, envelope):
                        return None
                    return handler(envelope, connection)

            return handle_once

        return decorate

    def _async_transactional(
        self, transaction: Callable[[], Any], handler: Callable[..., Awaitable[Any]]
    ) -> Callable[[Envelope], Awaitable[Any]]:
        @functools.wraps(handler)
        async def handle_once(envelope: Envelope) -> Any:
            async with transaction() as connection:
                if not await self.amark(connection, envelope):
                    return None
                return await handler(envelope, connection)

        return handle_once


def _now(connection: SqlConnection) -> Any:
    moment = datetime.now(UTC)
    return moment if dialect_of(connection).name == "postgresql" else moment.isoformat()
