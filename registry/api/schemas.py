"""/schemas: schemas by global id, and listings across subjects."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from registry import errors, wire
from registry.api.access import AccessDep, require_schema
from registry.api.deps import MediaTypeDep, RegistryDep, SessionDep
from registry.api.documentation import error_responses
from registry.api.media import RegistryJSONResponse, json_response
from registry.api.subjects import Deleted, SubjectPrefix, version_content
from registry.compatibility import SUPPORTED_SCHEMA_TYPES

router = APIRouter(tags=["Schemas"])

SchemaId = Annotated[int, Path(ge=-(2**31), le=2**31 - 1, description="Global schema id")]
SubjectScope = Annotated[
    str | None, Query(description="Selects the context of the id; this registry has one context, '.'")
]
Format = Annotated[str | None, Query(description="Output format; only 'default' (the registered text)")]


def _check_format(format: str | None) -> None:
    if format not in (None, "", "default"):
        raise errors.UnprocessableError(f"Format '{format}' is not supported; the only format is 'default'")


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
    offset: int = 0,
    limit: int = -1,
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


@router.get("/schemas/ids/{id}", response_model=wire.SchemaString, responses=error_responses(404))
async def get_schema(
    id: SchemaId,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject: SubjectScope = None,
    format: Format = None,
    fetch_max_id: Annotated[
        bool, Query(alias="fetchMaxId", description="Add the highest schema id registered so far")
    ] = False,
) -> RegistryJSONResponse:
    # The hot path: async, answered from pre-serialized bytes while the cache holds the schema.
    _check_format(format)
    if not access.reads_everything:
        await run_in_threadpool(require_schema, access, registry, session, id)
    schema = registry.cached_schema(id)
    if schema is None:
        schema = await run_in_threadpool(registry.get_schema, session=session, schema_id=id)
    if not fetch_max_id:
        return RegistryJSONResponse(schema.body, media_type=media_type)
    max_id = await run_in_threadpool(registry.max_schema_id, session=session)
    return json_response(wire.schema_string(schema, max_id=max_id), media_type=media_type)


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
    _check_format(format)
    require_schema(access, registry, session, id)
    schema = registry.get_schema(session=session, schema_id=id)
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
