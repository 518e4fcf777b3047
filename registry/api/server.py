"""The root, contexts, server metadata and health checks."""

from __future__ import annotations

import logging
from importlib.metadata import version as package_version

from fastapi import APIRouter, Request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlmodel import select
from starlette.responses import Response

from registry import wire
from registry.db import Database
from registry.metrics import Metrics
from registry.models import RegistryState
from registry.web.dependencies import MediaTypeDep, RegistryDep, SessionDep
from registry.web.documentation import error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Server"])

_LIVE = wire.render({"status": "UP"})
_DOWN = wire.render({"status": "DOWN"})
log = logging.getLogger(__name__)
READINESS_QUERY = select(RegistryState.cluster_id)  # the database answers, with the registry's tables


@router.get("/", response_model=dict[str, object], responses=error_responses())
def get_root(media_type: MediaTypeDep) -> RegistryJSONResponse:
    return json_response({}, media_type=media_type)


@router.get("/contexts", response_model=list[str], responses=error_responses())
def list_contexts(media_type: MediaTypeDep) -> RegistryJSONResponse:
    return json_response(["."], media_type=media_type)


@router.get("/v1/metadata/id", response_model=wire.ClusterIdResponse, responses=error_responses())
def get_cluster_id(
    session: SessionDep, registry: RegistryDep, media_type: MediaTypeDep
) -> RegistryJSONResponse:
    clusters = {
        "kafka-cluster": registry.cluster_id(session=session),
        "schema-registry-cluster": registry.settings.cluster_name,
    }
    return json_response({"scope": {"path": [], "clusters": clusters}}, media_type=media_type)


@router.get("/v1/metadata/version", response_model=wire.ServerVersionResponse, responses=error_responses())
def get_server_version(media_type: MediaTypeDep) -> RegistryJSONResponse:
    return json_response({"version": package_version("accord")}, media_type=media_type)


@router.get("/health/live", response_model=dict[str, str], tags=["Health"])
async def live() -> RegistryJSONResponse:
    """The process answers (the container healthcheck)."""
    return RegistryJSONResponse(_LIVE)


@router.get(
    "/health/ready",
    response_model=dict[str, str],
    tags=["Health"],
    responses={503: {"description": "The database does not answer: {status: DOWN}"}},
)
def ready(request: Request) -> RegistryJSONResponse:
    """The process answers and its database does too (503 while it does not)."""
    database: Database = request.app.state.database
    if not database.answers(READINESS_QUERY):
        log.warning("not ready: the database does not answer")
        return RegistryJSONResponse(_DOWN, status_code=503)
    return RegistryJSONResponse(_LIVE)


@router.get("/metrics", response_class=Response, tags=["Health"], include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this process, in the text exposition format."""
    collected: Metrics = request.app.state.metrics
    return Response(collected.render(), media_type=CONTENT_TYPE_LATEST)
