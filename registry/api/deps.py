"""Typed dependencies of the routes: sessions, the registry, and the negotiated media type.

Sessions are async generators so that a request answered from cache never leaves the event loop:
the session connects only when a query runs, and only then are commit and rollback sent to a
worker thread. `scope="function"` commits before the response is sent, so a failed commit still
becomes an error response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from registry import errors
from registry.api.access import AccessDep
from registry.api.media import negotiate
from registry.audit import Actor, AuditTrail
from registry.db import Database
from registry.logs import current_request
from registry.metrics import Metrics
from registry.service import Registry


async def _unit_of_work(session: Session) -> AsyncIterator[Session]:
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.database
    async for session in _unit_of_work(database.read_session()):
        yield session


async def get_writer(request: Request) -> AsyncIterator[Session]:
    database: Database = request.app.state.database
    async with database.writer_slots:
        async for session in _unit_of_work(database.write_session()):
            yield session


def get_registry(request: Request) -> Registry:
    registry: Registry = request.app.state.registry
    return registry


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


def get_media_type(accept: Annotated[str | None, Header(include_in_schema=False)] = None) -> str:
    media_type = negotiate(accept)
    if media_type is None:
        raise errors.NotAcceptableError("HTTP 406 Not Acceptable")
    return media_type


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriterDep = Annotated[Session, Depends(get_writer, scope="function")]
RegistryDep = Annotated[Registry, Depends(get_registry)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
MediaTypeDep = Annotated[str, Depends(get_media_type)]


def get_audit(request: Request, writer: WriterDep, access: AccessDep) -> AuditTrail:
    """The audit trail of this request's changes, written in its write transaction."""
    ids = current_request.get()
    actor = Actor(
        principal=access.principal.name,
        address=request.client.host if request.client else None,
        request_id=ids.request_id if ids else None,
    )
    return AuditTrail(session=writer, actor=actor)


AuditDep = Annotated[AuditTrail, Depends(get_audit)]
