"""Engines and sessions for SQLite (the embedded default) and PostgreSQL.

SQLite allows one writer at a time: write sessions come from their own single-connection engine and
open their transaction with BEGIN IMMEDIATE, so a writer takes the lock before it reads and never has
to upgrade a stale snapshot. Readers use WAL and never wait for the writer; the hot lookups run on the
event loop itself with a connection of their own (`inline_session`): a read from SQLite's page cache
costs less than handing it to a worker thread. On PostgreSQL, readers and writers share one pool and
writers of a subject serialize on an advisory lock (see repository.py); lookups have a small pool of
their own in autocommit mode, so they never queue behind writers holding pooled connections.
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
        lookup_pool_size: int = 5,
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
            self.lookup_engine = self.engine
            # Used by the event loop's thread only, so never waited for; in autocommit, like lookups on
            # PostgreSQL, so its one connection stays open between lookups without holding a snapshot.
            self.inline_engine: Engine | None = _sqlite_engine(
                self.url, begin=None, pool_size=1, timeout=timeout_seconds
            )
            self._inline_session: Session | None = None
        else:
            self.engine = _postgresql_engine(
                self.url,
                pool_size=pool_size,
                timeout=timeout_seconds,
                connect_timeout=connect_timeout_seconds,
            )
            self.write_engine = self.engine
            # Lookups need no transaction: under READ COMMITTED every statement reads its own snapshot
            # anyway, and without one PostgreSQL is spared a BEGIN and a ROLLBACK round trip each.
            self.lookup_engine = _postgresql_engine(
                self.url,
                pool_size=lookup_pool_size,
                timeout=timeout_seconds,
                connect_timeout=connect_timeout_seconds,
                isolation_level="AUTOCOMMIT",
            )
            self.inline_engine = None
            self._inline_session = None

    def read_session(self) -> Session:
        """A session for reads; it connects only when first used."""
        return Session(self.engine, expire_on_commit=False, autoflush=False)

    def lookup_session(self) -> Session:
        """A session for requests that only read; on PostgreSQL each statement commits by itself."""
        return Session(self.lookup_engine, expire_on_commit=False, autoflush=False)

    def inline_session(self) -> Session | None:
        """On SQLite, a session for lookups run on the event loop itself (None on PostgreSQL, where a
        lookup waits for the network and belongs in a worker thread)."""
        if self.inline_engine is None:
            return None
        if self._inline_session is None:
            # One session, closed after each lookup and reused: building one costs more than the read.
            connection = self.inline_engine.connect()
            self._inline_session = Session(bind=connection, expire_on_commit=False, autoflush=False)
        return self._inline_session

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
        if self._inline_session is not None:
            self._inline_session.close()
            self._inline_session.get_bind().close()  # type: ignore[union-attr]
        for engine in {self.engine, self.write_engine, self.lookup_engine, self.inline_engine}:
            if engine is not None:
                engine.dispose()


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction of `session` has committed."""
    event.listen(session, "after_commit", lambda _session: callback(), once=True)


def _postgresql_engine(
    url: str, *, pool_size: int, timeout: float, connect_timeout: float, isolation_level: str | None = None
) -> Engine:
    options: dict[str, Any] = {} if isolation_level is None else {"isolation_level": isolation_level}
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=timeout,
        pool_recycle=1800,
        # An unreachable server fails a request within the connect timeout (libpq's minimum is 2 s).
        connect_args={
            "options": f"-c lock_timeout={int(timeout * 1000)}",
            "connect_timeout": max(2, round(connect_timeout)),
        },
        **options,
    )


def _sqlite_engine(url: str, *, begin: str | None, pool_size: int, timeout: float) -> Engine:
    """With `begin` None, every statement is its own transaction (SQLite's autocommit)."""
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

    if begin is not None:

        @event.listens_for(engine, "begin")
        def start(connection: Any) -> None:
            connection.exec_driver_sql(begin)

    return engine


def _create_parent_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
