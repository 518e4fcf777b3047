"""The server's own routes: the root, contexts, server metadata, health checks and metrics.

Health checks and metrics are plain routes: probes and scrapers send whatever Accept header they
like, and must not be refused with 406.
"""

from __future__ import annotations

import logging
from importlib.metadata import version as package_version
from typing import Any

import orjson
from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlmodel import select
from starlette.responses import Response

from registry.config import Settings
from registry.db import Database
from registry.metrics import Metrics
from registry.models import RegistryState
from registry.web.dependencies import SessionDep, SettingsServiceDep
from registry.web.documentation import error_responses
from registry.web.media import RegistryJSONResponse
from registry.web.payload import Payload
from registry.web.routing import ConfluentRoute

router = APIRouter(tags=["Server"], route_class=ConfluentRoute)
health_router = APIRouter(tags=["Server", "Health"])

_LIVE = orjson.dumps({"status": "UP"})
_DOWN = orjson.dumps({"status": "DOWN"})
log = logging.getLogger(__name__)
READINESS_QUERY = select(RegistryState.cluster_id)  # the database answers, with the registry's tables


class ClusterIdResponse(Payload):
    """GET /v1/metadata/id: `{"scope": {"path": [], "clusters": {...}}}`."""

    scope: dict[str, Any]


class ServerVersionResponse(Payload):
    """GET /v1/metadata/version."""

    version: str
    commit_id: str | None = None


@router.get("/", response_model=dict[str, object], responses=error_responses())
async def get_root() -> dict[str, object]:
    return {}


@router.get("/contexts", response_model=list[str], responses=error_responses())
async def list_contexts() -> list[str]:
    return ["."]


@router.get("/v1/metadata/id", response_model=ClusterIdResponse, responses=error_responses())
def get_cluster_id(session: SessionDep, settings: SettingsServiceDep, request: Request) -> ClusterIdResponse:
    configured: Settings = request.app.state.settings
    clusters = {
        "kafka-cluster": settings.cluster_id(session=session),
        "schema-registry-cluster": configured.cluster_name,
    }
    return ClusterIdResponse(scope={"path": [], "clusters": clusters})


@router.get("/v1/metadata/version", response_model=ServerVersionResponse, responses=error_responses())
async def get_server_version() -> ServerVersionResponse:
    return ServerVersionResponse(version=package_version("accord"))


@health_router.get("/health/live", response_model=dict[str, str])
async def live() -> RegistryJSONResponse:
    """The process answers (the container healthcheck)."""
    return RegistryJSONResponse(_LIVE)


@health_router.get(
    "/health/ready",
    response_model=dict[str, str],
    responses={503: {"description": "The database does not answer: {status: DOWN}"}},
)
def ready(request: Request) -> RegistryJSONResponse:
    """The process answers and its database does too (503 while it does not)."""
    database: Database = request.app.state.database
    if not database.answers(READINESS_QUERY):
        log.warning("not ready: the database does not answer")
        return RegistryJSONResponse(_DOWN, status_code=503)
    return RegistryJSONResponse(_LIVE)


@health_router.get("/metrics", response_class=Response, include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this process, in the text exposition format."""
    collected: Metrics = request.app.state.metrics
    return Response(collected.render(), media_type=CONTENT_TYPE_LATEST)
