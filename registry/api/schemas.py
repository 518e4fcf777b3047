"""/schemas: schemas by global id, and listings across subjects."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from registry import errors, wire
from registry.api.access import AccessDep, access_of, require_schema
from registry.api.subjects import Deleted, Limit, Offset, SubjectPrefix, version_content
from registry.compatibility import SUPPORTED_SCHEMA_TYPES
from registry.service import is_default_format
from registry.web.dependencies import (
    MediaTypeDep,
    RegistryDep,
    SessionDep,
    in_read_session,
    media_type_of_request,
    registry_of,
)
from registry.web.documentation import error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Schemas"])

SchemaId = Annotated[int, Path(ge=-(2**31), le=2**31 - 1, description="Global schema id")]
SubjectScope = Annotated[
    str | None, Query(description="Selects the context of the id; this registry has one context, '.'")
]
FORMAT_DESCRIPTION = (
    "Output format: 'default' (the registered text) or, for Avro, 'resolved' (the schema with the "
    "named types of its references inlined)"
)
Format = Annotated[str | None, Query(description=FORMAT_DESCRIPTION)]


# GET /schemas/ids/{id} is the hottest route. It reads its parameters itself instead of declaring them,
# which costs FastAPI's per-parameter validation on every request; the OpenAPI document still lists
# them (BY_ID_PARAMETERS), and they are checked as strictly as declared ones would be.
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
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


@router.get(
    "/schemas/ids/{id}",
    response_model=wire.SchemaString,
    responses=error_responses(404),
    openapi_extra={"parameters": BY_ID_PARAMETERS},
)
async def get_schema(request: Request) -> RegistryJSONResponse:
    schema_id = _schema_id(request.path_params["id"])
    query = request.query_params
    fetch_max_id = _flag("fetchMaxId", query.get("fetchMaxId"))
    registry = registry_of(request)
    media_type = media_type_of_request(request)
    access = access_of(request)
    if not access.reads_everything:
        await in_read_session(request, partial(require_schema, access, registry, schema_id=schema_id))
    # Answered from pre-serialized bytes, without leaving the event loop, while the cache holds it.
    format = query.get("format")
    schema = registry.cached_schema(schema_id) if is_default_format(format) else None
    if schema is None:
        schema = await in_read_session(
            request, registry.get_schema_in_format, schema_id=schema_id, format=format
        )
    if not fetch_max_id:
        return RegistryJSONResponse(schema.body, media_type=media_type)
    max_id = await in_read_session(request, registry.max_schema_id)
    return json_response(wire.schema_string(schema, max_id=max_id), media_type=media_type)


def _schema_id(text: str) -> int:
    """The id path segment: a Java int, or there is no such resource (Jersey answers 404 as well)."""
    try:
        schema_id = int(text)
    except ValueError:
        raise errors.RouteNotFoundError() from None
    if not -(2**31) <= schema_id <= 2**31 - 1:
        raise errors.RouteNotFoundError()
    return schema_id


def _flag(name: str, value: str | None) -> bool:
    if value is None or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    raise errors.UnprocessableError(
        f"query parameter '{name}': Input should be a valid boolean, got '{value}'"
    )


@router.get("/schemas", response_model=list[wire.RegisteredSchema], responses=error_responses())
def list_schemas(
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject_prefix: SubjectPrefix = "",
    deleted: Deleted = False,
    latest_only: Annotated[
        bool, Query(alias="latestOnly", description="Only the latest version of each subject")
    ] = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> RegistryJSONResponse:
    views = registry.list_schemas(
        session=session,
        subject_prefix=subject_prefix,
        include_deleted=deleted,
        latest_only=latest_only,
        offset=offset,
        limit=limit,
        visible=None if access.reads_everything else access.can_read,
    )
    return json_response([version_content(view) for view in views], media_type=media_type)


@router.get("/schemas/types", response_model=list[str], responses=error_responses())
def list_schema_types(media_type: MediaTypeDep) -> RegistryJSONResponse:
    return json_response([schema_type.value for schema_type in SUPPORTED_SCHEMA_TYPES], media_type=media_type)


@router.get(
    "/schemas/ids/{id}/schema",
    response_model=None,
    responses={200: {"description": "The schema text, unescaped"}, **error_responses(404)},
)
def get_schema_text(
    id: SchemaId,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject: SubjectScope = None,
    format: Format = None,
) -> RegistryJSONResponse:
    require_schema(access, registry, session, id)
    schema = registry.get_schema_in_format(session=session, schema_id=id, format=format)
    return RegistryJSONResponse(schema.text.encode(), media_type=media_type)


@router.get("/schemas/ids/{id}/subjects", response_model=list[str], responses=error_responses(404))
def get_schema_subjects(
    id: SchemaId,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject: SubjectScope = None,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    require_schema(access, registry, session, id)
    subjects = registry.subjects_of_schema(session=session, schema_id=id, include_deleted=deleted)
    return json_response(access.readable(subjects), media_type=media_type)


@router.get(
    "/schemas/ids/{id}/versions", response_model=list[wire.SubjectVersionPair], responses=error_responses(404)
)
def get_schema_versions(
    id: SchemaId,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject: SubjectScope = None,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    require_schema(access, registry, session, id)
    pairs = registry.versions_of_schema(session=session, schema_id=id, include_deleted=deleted)
    return json_response(
        [{"subject": name, "version": number} for name, number in pairs if access.can_read(name)],
        media_type=media_type,
    )
