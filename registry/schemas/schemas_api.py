"""The /schemas routes: schemas by global id (GET /schemas/ids/{id} is the hand-parsed fast path,
see `get_schema`), the schema types, and listings of versions across subjects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request
from sqlmodel import Session

from registry import errors
from registry.auth.access import AccessDep, access_of
from registry.compatibility import SUPPORTED_SCHEMA_TYPES
from registry.schemas.api import (
    FORMAT_DESCRIPTION,
    SCHEMA_TEXT,
    Deleted,
    Format,
    Limit,
    Offset,
    SubjectPrefix,
    visible_to,
)
from registry.schemas.arguments import query_flag
from registry.schemas.lookup import check_visible
from registry.schemas.output_formats import is_default_format
from registry.schemas.values import StoredSchema
from registry.schemas.wire import (
    RegisteredSchema,
    SchemaString,
    SubjectVersionPair,
    as_seen_by,
    registered_schema,
    schema_string,
)
from registry.web.batches import miss_readers_of
from registry.web.dependencies import (
    OutputFormatsDep,
    SchemaLookupDep,
    SessionDep,
    in_read_session,
    media_type_of_request,
    services_of,
)
from registry.web.documentation import error_responses
from registry.web.media import RegistryJSONResponse, json_response
from registry.web.routing import ConfluentRoute

by_id_router = APIRouter(tags=["Schemas"])
schemas_router = APIRouter(tags=["Schemas"], route_class=ConfluentRoute)

SchemaId = Annotated[int, Path(ge=-(2**31), le=2**31 - 1, description="Global schema id")]
SubjectScope = Annotated[
    str | None, Query(description="Selects the context of the id; this registry has one context, '.'")
]


# -- /schemas/ids/{id}: the hand-parsed fast path ------------------------------------------------

# GET /schemas/ids/{id} is the hottest route, and a cached schema answers it in microseconds: it is a
# plain APIRoute that reads its parameters and services and negotiates its media type itself, because
# FastAPI's per-parameter validation and dependency resolution would cost more than the cached answer.
# The OpenAPI document still lists its parameters (BY_ID_PARAMETERS), checked as strictly as declared
# ones would be.
BY_ID_PARAMETERS = [
    {
        "name": "id",
        "in": "path",
        "required": True,
        "description": "Global schema id",
        "schema": {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1},
    },
    {
        "name": "subject",
        "in": "query",
        "required": False,
        "description": "Selects the context of the id; this registry has one context, '.'",
        "schema": {"type": "string"},
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        "description": FORMAT_DESCRIPTION,
        "schema": {"type": "string"},
    },
    {
        "name": "fetchMaxId",
        "in": "query",
        "required": False,
        "description": "Add the highest schema id registered so far",
        "schema": {"type": "boolean", "default": False},
    },
]


@by_id_router.get(
    "/schemas/ids/{id}",
    response_model=SchemaString,
    responses=error_responses(404),
    openapi_extra={"parameters": BY_ID_PARAMETERS},
)
async def get_schema(request: Request) -> RegistryJSONResponse:
    schema_id = _schema_id(request.path_params["id"])
    query = request.query_params
    fetch_max_id = query_flag("fetchMaxId", query.get("fetchMaxId"))
    services = services_of(request)
    lookup = services.lookup
    media_type = media_type_of_request(request)
    readable = visible_to(access_of(request))
    format = query.get("format")
    if is_default_format(format):
        # Answered from pre-serialized bytes, without leaving the event loop, while the cache holds it
        # (and, for a caller limited to some subjects, knows which subjects hold the id).
        schema = lookup.cached_schema(schema_id, readable)
        if schema is None:
            schema = await _read_schema(request, schema_id, readable)
    else:

        def in_format(session: Session) -> StoredSchema:
            lookup.check_schema_visible(session=session, schema_id=schema_id, visible=readable)
            return services.output_formats.get_schema_in_format(
                session=session, schema_id=schema_id, format=format, readable=readable
            )

        schema = await in_read_session(request, in_format)
    schema = as_seen_by(schema, readable)
    if not fetch_max_id:
        return RegistryJSONResponse(schema.body, media_type=media_type)
    max_id = await in_read_session(request, lookup.max_schema_id)
    return json_response(schema_string(schema, max_id=max_id), media_type=media_type)


async def _read_schema(
    request: Request, schema_id: int, readable: Callable[[str], bool] | None
) -> StoredSchema:
    """A miss, read in a batch with the other misses of the moment (registry/web/batches.py)."""
    found = await miss_readers_of(request).schemas.get((schema_id, readable is not None))
    if found is None:
        raise errors.SchemaIdNotFoundError(schema_id)
    schema, subjects = found
    if readable is not None and subjects is not None:
        check_visible(schema_id, subjects, readable)
    return schema


def _schema_id(text: str) -> int:
    """The id path segment: a Java int, or there is no such resource (Jersey answers 404 as well)."""
    try:
        schema_id = int(text)
    except ValueError:
        raise errors.RouteNotFoundError() from None
    if not -(2**31) <= schema_id <= 2**31 - 1:
        raise errors.RouteNotFoundError()
    return schema_id


# -- /schemas -------------------------------------------------------------------------------------


@schemas_router.get("/schemas", response_model=list[RegisteredSchema], responses=error_responses())
def list_schemas(
    session: SessionDep,
    lookup: SchemaLookupDep,
    access: AccessDep,
    subject_prefix: SubjectPrefix = "",
    deleted: Deleted = False,
    latest_only: Annotated[
        bool, Query(alias="latestOnly", description="Only the latest version of each subject")
    ] = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> RegistryJSONResponse:
    views = lookup.list_schemas(
        session=session,
        subject_prefix=subject_prefix,
        include_deleted=deleted,
        latest_only=latest_only,
        offset=offset,
        limit=limit,
        visible=visible_to(access),
    )
    readable = visible_to(access)
    return RegistryJSONResponse(orjson.dumps([registered_schema(view, readable) for view in views]))


@schemas_router.get("/schemas/types", response_model=list[str], responses=error_responses())
async def list_schema_types() -> list[str]:
    return [schema_type.value for schema_type in SUPPORTED_SCHEMA_TYPES]


@schemas_router.get(
    "/schemas/ids/{id}/schema", response_model=None, responses={**SCHEMA_TEXT, **error_responses(404)}
)
def get_schema_text(
    id: SchemaId,
    session: SessionDep,
    lookup: SchemaLookupDep,
    formats: OutputFormatsDep,
    access: AccessDep,
    subject: SubjectScope = None,
    format: Format = None,
) -> RegistryJSONResponse:
    readable = visible_to(access)
    lookup.check_schema_visible(session=session, schema_id=id, visible=readable)
    schema = formats.get_schema_in_format(session=session, schema_id=id, format=format, readable=readable)
    # the text as registered: JSON, or .proto source for Protobuf
    return RegistryJSONResponse(schema.text.encode())


@schemas_router.get("/schemas/ids/{id}/subjects", response_model=list[str], responses=error_responses(404))
def get_schema_subjects(
    id: SchemaId,
    session: SessionDep,
    lookup: SchemaLookupDep,
    access: AccessDep,
    subject: SubjectScope = None,
    deleted: Deleted = False,
) -> list[str]:
    lookup.check_schema_visible(session=session, schema_id=id, visible=visible_to(access))
    subjects = lookup.subjects_of_schema(session=session, schema_id=id, include_deleted=deleted)
    return access.readable(subjects)


@schemas_router.get(
    "/schemas/ids/{id}/versions", response_model=list[SubjectVersionPair], responses=error_responses(404)
)
def get_schema_versions(
    id: SchemaId,
    session: SessionDep,
    lookup: SchemaLookupDep,
    access: AccessDep,
    subject: SubjectScope = None,
    deleted: Deleted = False,
) -> list[SubjectVersionPair]:
    lookup.check_schema_visible(session=session, schema_id=id, visible=visible_to(access))
    pairs = lookup.versions_of_schema(session=session, schema_id=id, include_deleted=deleted)
    return [
        SubjectVersionPair(subject=name, version=number) for name, number in pairs if access.can_read(name)
    ]
