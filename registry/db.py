"""Engines and sessions for SQLite (the embedded default) and PostgreSQL.

SQLite allows one writer at a time: write sessions come from their own single-connection engine and
open their transaction with BEGIN IMMEDIATE, so a writer takes the lock before it reads and never has
to upgrade a stale snapshot. Readers use WAL and never wait for the writer. On PostgreSQL, readers and
writers share one pool and writers of a subject serialize on an advisory lock (see repository.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session


def normalize_database_url(url: str) -> str:
    """Accept plain postgresql:// URLs and point them at the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """The engines of one registry process and the sessions they hand out."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        timeout_seconds: float = 10.0,
        connect_timeout_seconds: float = 5.0,
    ) -> None:
        self.url = normalize_database_url(url)
        self.is_sqlite = make_url(self.url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            _create_parent_directory(self.url)
            self.engine = _sqlite_engine(
                self.url, begin="BEGIN", pool_size=pool_size, timeout=timeout_seconds
            )
            self.write_engine = _sqlite_engine(
                self.url, begin="BEGIN IMMEDIATE", pool_size=1, timeout=timeout_seconds
            )
        else:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_timeout=timeout_seconds,
                pool_recycle=1800,
                # An unreachable server fails a request within the connect timeout (libpq's minimum is 2 s).
                connect_args={
                    "options": f"-c lock_timeout={int(timeout_seconds * 1000)}",
                    "connect_timeout": max(2, round(connect_timeout_seconds)),
                },
            )
            self.write_engine = self.engine
        # Lookups need no transaction: under READ COMMITTED every statement reads its own snapshot
        # anyway, and without one PostgreSQL is spared a BEGIN and a ROLLBACK round trip each.
        self.lookup_engine = (
            self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )

    def read_session(self) -> Session:
        """A session for reads; it connects only when first used."""
        return Session(self.engine, expire_on_commit=False, autoflush=False)

    def lookup_session(self) -> Session:
        """A session for requests that only read; on PostgreSQL each statement commits by itself."""
        return Session(self.lookup_engine, expire_on_commit=False, autoflush=False)

    def write_session(self) -> Session:
        """A session for a write transaction (on SQLite the one writer's connection)."""
        return Session(self.write_engine, expire_on_commit=False, autoflush=False)

    def answers(self, query: Executable) -> bool:
        """Whether the database answers `query` now. A pooled connection that died fails here and is
        discarded, so the next check connects afresh."""
        try:
            with self.lookup_engine.connect() as connection:
                connection.execute(query)
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction of `session` has committed."""
    event.listen(session, "after_commit", lambda _session: callback(), once=True)


def _sqlite_engine(url: str, *, begin: str, pool_size: int, timeout: float) -> Engine:
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=timeout,
        connect_args={"check_same_thread": False, "timeout": timeout},
    )

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off; SQLAlchemy's "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def start(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def _create_parent_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
