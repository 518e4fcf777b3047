"""Typed dependencies of the routes: sessions, the registry, and the negotiated media type.

Sessions are async generators so that a request answered from cache never leaves the event loop:
the session connects only when a query runs, and only then are commit and rollback sent to a
worker thread. `scope="function"` commits before the response is sent, so a failed commit still
becomes an error response.

Commits run on their own thread limiter: if they queued behind the route threads (which may all be
waiting for a pooled connection), the connection a commit would give back could never be freed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry import errors
from registry.db import Database
from registry.metrics import Metrics
from registry.service import Registry
from registry.web.media import negotiate

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


Result = TypeVar("Result")


async def in_read_session(request: Request, function: Callable[..., Result], /, **arguments: Any) -> Result:
    """Call `function(session=..., **arguments)` in a worker thread with a read-only session.

    For the hot read routes: they answer from cache without any session, and open one only on a miss.
    """
    database: Database = request.app.state.database

    def call() -> Result:
        with database.lookup_session() as session:
            return function(session=session, **arguments)

    return await run_in_threadpool(call)


async def in_registration(request: Request, function: Callable[..., Result], /, **arguments: Any) -> Result:
    """Call `function(reader=..., writer=..., **arguments)` as one unit of work in one worker thread.

    Registering is the hot write: opening, committing and closing both sessions in the thread that
    does the work saves the hops the session dependencies take.
    """
    database: Database = request.app.state.database

    def call() -> Result:
        with database.lookup_session() as reader, database.write_session() as writer:
            try:
                result = function(reader=reader, writer=writer, **arguments)
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
            return result

    return await run_in_threadpool(call)


# The dependencies below are async although they never wait: FastAPI would run plain functions
# in a worker thread, which costs more than they do.


async def get_registry(request: Request) -> Registry:
    return registry_of(request)


async def get_media_type(request: Request) -> str:
    return media_type_of_request(request)


async def get_metrics(request: Request) -> Metrics:
    return metrics_of(request)


# The hot routes call these two directly: each dependency FastAPI resolves costs more than they do.


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def metrics_of(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def media_type_of_request(request: Request) -> str:
    """The negotiated response media type; 406 when the Accept header allows none."""
    media_type = negotiate(request.headers.get("accept"))
    if media_type is None:
        raise errors.NotAcceptableError("HTTP 406 Not Acceptable")
    return media_type


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriterDep = Annotated[Session, Depends(get_writer, scope="function")]
RegistryDep = Annotated[Registry, Depends(get_registry)]
MediaTypeDep = Annotated[str, Depends(get_media_type)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]

# The audit dependency lives in registry.audit.dependencies, which needs WriterDep from here: it is
# forwarded lazily, for the routes that still import it from this module.
if TYPE_CHECKING:
    from registry.audit.dependencies import AuditDep as AuditDep
    from registry.audit.dependencies import actor_of as actor_of


def __getattr__(name: str) -> Any:
    if name in ("AuditDep", "actor_of"):
        from registry.audit import dependencies

        return getattr(dependencies, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
