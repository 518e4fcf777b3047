"""Typed dependencies of the routes: sessions and units of work, and the services.

Sessions are async generators so that a request answered from cache never leaves the event loop:
the session connects only when a query runs, and only then are commit and rollback sent to a
worker thread. `scope="function"` commits before the response is sent, so a failed commit still
becomes an error response.

The units of work here own every session they open: services only flush, and never commit, roll
back or close a session they are handed.

Commits run on their own thread limiter: if they queued behind the route threads (which may all be
waiting for a pooled connection), the connection a commit would give back could never be freed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry import errors
from registry.db import Database
from registry.metrics import Metrics
from registry.schemas import (
    CompatibilityChecker,
    DeletionService,
    OutputFormats,
    PreparedRegistration,
    RegisterResult,
    RegistrationService,
    SchemaLookup,
    SchemaViews,
)
from registry.settings import SettingsService
from registry.web.media import negotiate

# Threads that only end transactions (commit or roll back), apart from the route threads.
TRANSACTION_THREADS = 32


@dataclass(frozen=True, slots=True)
class Services:
    """The services of one application, built once by create_app (registry/app.py)."""

    settings: SettingsService
    lookup: SchemaLookup
    registration: RegistrationService
    checker: CompatibilityChecker
    deletion: DeletionService
    output_formats: OutputFormats
    views: SchemaViews


async def _unit_of_work(
    session: Session, limiter: CapacityLimiter, *, writes: bool
) -> AsyncIterator[Session]:
    """A reader's transaction ends with a rollback: it has nothing to commit, and a web page that
    answered a failed query with its own error page leaves a transaction that can only be rolled back."""
    try:
        yield session
        if session.in_transaction():
            await to_thread.run_sync(session.commit if writes else session.rollback, limiter=limiter)
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
    async for session in _unit_of_work(database.read_session(), _transaction_limiter(request), writes=False):
        yield session


async def get_writer(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.database
    async for session in _unit_of_work(database.write_session(), _transaction_limiter(request), writes=True):
        yield session


Result = TypeVar("Result")


async def in_read_session(request: Request, function: Callable[..., Result], /, **arguments: Any) -> Result:
    """Call `function(session=..., **arguments)` with a read-only session (see `read_in_session`).

    For the hot read routes: they answer from cache without any session, and open one only on a miss.
    """
    return await read_in_session(request.app.state.database, function, **arguments)


async def read_in_session(database: Database, function: Callable[..., Result], /, **arguments: Any) -> Result:
    """Call `function(session=..., **arguments)` with a read-only session: in a worker thread, or on
    SQLite on the event loop itself (`Database.inline_session`)."""
    inline = database.inline_session()
    if inline is not None:
        with inline as session:
            return function(session=session, **arguments)

    def call() -> Result:
        with database.lookup_session() as session:
            return function(session=session, **arguments)

    return await run_in_threadpool(call)


async def in_registration(
    request: Request,
    *,
    prepare: Callable[[Session], PreparedRegistration],
    register: Callable[[Session, PreparedRegistration], RegisterResult],
) -> RegisterResult:
    """Register as one unit of work in one worker thread: `prepare(reader)` answers a schema that is
    already registered; otherwise the reader's connection is given back (holding it while queueing
    for the subject's lock would let waiting writers exhaust the pool) and `register(writer, prepared)`
    runs in a write transaction, committed here or rolled back if it raises.

    Registering is the hot write: opening, committing and closing both sessions in the thread that
    does the work saves the hops the session dependencies take.
    """
    database: Database = request.app.state.database

    def call() -> RegisterResult:
        with database.lookup_session() as reader:
            prepared = prepare(reader)
        if prepared.registered is not None:
            return prepared.registered
        with database.write_session() as writer:
            try:
                result = register(writer, prepared)
            except BaseException:
                writer.rollback()
                raise
            writer.commit()
            return result

    return await run_in_threadpool(call)


# The dependencies below are async although they never wait: FastAPI would run plain functions
# in a worker thread, which costs more than they do.


async def get_settings_service(request: Request) -> SettingsService:
    return services_of(request).settings


async def get_schema_lookup(request: Request) -> SchemaLookup:
    return services_of(request).lookup


async def get_registration_service(request: Request) -> RegistrationService:
    return services_of(request).registration


async def get_compatibility_checker(request: Request) -> CompatibilityChecker:
    return services_of(request).checker


async def get_deletion_service(request: Request) -> DeletionService:
    return services_of(request).deletion


async def get_output_formats(request: Request) -> OutputFormats:
    return services_of(request).output_formats


async def get_schema_views(request: Request) -> SchemaViews:
    return services_of(request).views


async def get_metrics(request: Request) -> Metrics:
    return metrics_of(request)


# The hot routes call these two directly: each dependency FastAPI resolves costs more than they do.


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


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
SettingsServiceDep = Annotated[SettingsService, Depends(get_settings_service)]
SchemaLookupDep = Annotated[SchemaLookup, Depends(get_schema_lookup)]
RegistrationServiceDep = Annotated[RegistrationService, Depends(get_registration_service)]
CompatibilityCheckerDep = Annotated[CompatibilityChecker, Depends(get_compatibility_checker)]
DeletionServiceDep = Annotated[DeletionService, Depends(get_deletion_service)]
OutputFormatsDep = Annotated[OutputFormats, Depends(get_output_formats)]
SchemaViewsDep = Annotated[SchemaViews, Depends(get_schema_views)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
