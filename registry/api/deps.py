"""Typed dependencies of the routes: sessions, the registry, and the negotiated media type.

Sessions are async generators so that a request answered from cache never leaves the event loop:
the session connects only when a query runs, and only then are commit and rollback sent to a
worker thread. `scope="function"` commits before the response is sent, so a failed commit still
becomes an error response.

Commits run on their own thread limiter: if they queued behind the route threads (which may all be
waiting for a pooled connection), the connection a commit would give back could never be freed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Header, Request
from sqlmodel import Session

from registry import errors
from registry.api.media import negotiate
from registry.db import Database
from registry.service import Registry

# Threads that only end transactions (commit or roll back), apart from the route threads.
TRANSACTION_THREADS = 32


async def _unit_of_work(session: Session, limiter: CapacityLimiter) -> AsyncIterator[Session]:
    try:
        yield session
        if session.in_transaction():
            await to_thread.run_sync(session.commit, limiter=limiter)
    except BaseException:
        if session.in_transaction():
            await to_thread.run_sync(session.rollback, limiter=limiter)
        raise
    finally:
        session.close()


def _transaction_limiter(request: Request) -> CapacityLimiter:
    # Created on first use: a limiter belongs to the running event loop.
    state = request.app.state
    if getattr(state, "transaction_limiter", None) is None:
        state.transaction_limiter = CapacityLimiter(TRANSACTION_THREADS)
    limiter: CapacityLimiter = state.transaction_limiter
    return limiter


async def get_session(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.database
    async for session in _unit_of_work(database.read_session(), _transaction_limiter(request)):
        yield session


async def get_writer(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.database
    async for session in _unit_of_work(database.write_session(), _transaction_limiter(request)):
        yield session


def get_registry(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def get_media_type(accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> str:
    media_type = negotiate(accept)
    if media_type is None:
        raise errors.NotAcceptableError("HTTP 406 Not Acceptable")
    return media_type


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriterDep = Annotated[Session, Depends(get_writer, scope="function")]
RegistryDep = Annotated[Registry, Depends(get_registry)]
MediaTypeDep = Annotated[str, Depends(get_media_type)]
