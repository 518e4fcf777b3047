"""The /subjects and /compatibility routes (/schemas: schemas_api.py).

Routes parse the request, ask a service, and return data their response model checks; ConfluentRoute
negotiates the media type and leaves out the fields that are None. The routes of subject versions,
among the hottest, render their answers themselves (`registered_schema`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Query, Request
from sqlmodel import Session

from registry import errors
from registry.audit import AuditTrail
from registry.audit.dependencies import AuditDep, actor_of
from registry.auth import Access
from registry.auth.access import AccessDep, access_of
from registry.db import after_commit
from registry.schemas.arguments import SubjectFilter, parse_version, query_flag
from registry.schemas.output_formats import is_default_format
from registry.schemas.registration import PreparedRegistration
from registry.schemas.values import Reference, RegisterResult, SchemaSubmission
from registry.schemas.wire import (
    CompatibilityResponse,
    RegisteredSchema,
    RegisterResponse,
    SchemaPayload,
    refusal_of,
    registered_schema,
)
from registry.web.batches import miss_readers_of
from registry.web.dependencies import (
    CompatibilityCheckerDep,
    DeletionServiceDep,
    MetricsDep,
    OutputFormatsDep,
    RegistrationServiceDep,
    SchemaLookupDep,
    SessionDep,
    WriterDep,
    in_read_session,
    in_registration,
    services_of,
)
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse
from registry.web.routing import ConfluentRoute

subjects_router = APIRouter(tags=["Subjects"], route_class=ConfluentRoute)
compatibility_router = APIRouter(tags=["Compatibility"], route_class=ConfluentRoute)

DELETED_DESCRIPTION = "Include soft-deleted subjects or versions"
Deleted = Annotated[bool, Query(description=DELETED_DESCRIPTION)]
DeletedOnly = Annotated[
    bool, Query(alias="deletedOnly", description="Only soft-deleted subjects or versions")
]
SubjectPrefix = Annotated[str, Query(alias="subjectPrefix", description="Only subjects starting with this")]
Normalize = Annotated[bool, Query(description="Normalize the schema before comparing or storing it")]
Permanent = Annotated[bool, Query(description="Delete permanently (requires a soft delete first)")]
Verbose = Annotated[bool, Query(description="Explain incompatibilities in `messages`")]
SchemaBody = Annotated[SchemaPayload, Body()]
FORMAT_DESCRIPTION = (
    "Output format: 'default' (the registered text); for Avro 'resolved' (the schema with the named "
    "types of its references inlined); for Protobuf 'serialized' (the base64-encoded FileDescriptorProto) "
    "or 'ignore_extensions' (the text without custom options and extensions)"
)
Format = Annotated[str | None, Query(description=FORMAT_DESCRIPTION)]
Offset = Annotated[int, Query(ge=-(2**31), le=2**31 - 1, description="Skip this many results")]
Limit = Annotated[int, Query(ge=-(2**31), le=2**31 - 1, description="At most this many results (-1: all)")]
SCHEMA_TEXT: dict[int | str, dict[str, Any]] = {200: {"description": "The schema text, unescaped"}}


def visible_to(access: Access) -> Callable[[str], bool] | None:
    """What listings filter subjects with for this caller (None: nothing is filtered out)."""
    return None if access.reads_everything else access.can_read


def submission_of(payload: SchemaPayload, access: Access) -> SchemaSubmission:
    """The service's view of a request body; negative ids and versions mean "not given", as in Confluent.

    The caller must be able to read every subject the schema references, at every depth.
    """
    return SchemaSubmission(
        text=payload.schema_text,
        schema_type=payload.schema_type,
        references=tuple(Reference(ref.name, ref.subject, ref.version) for ref in payload.references or ()),
        metadata=payload.metadata,
        rule_set=payload.rule_set,
        schema_id=payload.id if payload.id is not None and payload.id >= 0 else None,
        version=payload.version if payload.version is not None and payload.version > 0 else None,
        readable=visible_to(access),
    )


# -- /subjects ------------------------------------------------------------------------------------


@subjects_router.get("/subjects", response_model=list[str], responses=error_responses())
def list_subjects(
    session: SessionDep,
    lookup: SchemaLookupDep,
    access: AccessDep,
    subject_prefix: SubjectPrefix = "",
    deleted: Deleted = False,
    deleted_only: DeletedOnly = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> list[str]:
    return lookup.list_subjects(
        session=session,
        subject_prefix=subject_prefix,
        subject_filter=SubjectFilter.of(deleted=deleted, deleted_only=deleted_only),
        offset=offset,
        limit=limit,
        visible=visible_to(access),
    )


@subjects_router.post(
    "/subjects/{subject}", response_model=RegisteredSchema, responses=error_responses(404, *BODY_ERRORS)
)
def lookup_schema(
    subject: str,
    payload: SchemaBody,
    session: SessionDep,
    lookup: SchemaLookupDep,
    access: AccessDep,
    normalize: Normalize = False,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    view = lookup.lookup(
        session=session,
        subject=subject,
        submission=submission_of(payload, access),
        normalize=normalize,
        include_deleted=deleted,
    )
    return RegistryJSONResponse(orjson.dumps(registered_schema(view, visible_to(access))))


@subjects_router.delete("/subjects/{subject}", response_model=list[int], responses=error_responses(404))
def delete_subject(
    subject: str,
    writer: WriterDep,
    deletion: DeletionServiceDep,
    audit: AuditDep,
    permanent: Permanent = False,
) -> list[int]:
    versions = deletion.delete_subject(session=writer, subject=subject, permanent=permanent)
    audit.record("subject.delete", subject=subject, versions=versions, permanent=permanent)
    return versions


@subjects_router.get("/subjects/{subject}/versions", response_model=list[int], responses=error_responses(404))
def list_versions(
    subject: str,
    session: SessionDep,
    lookup: SchemaLookupDep,
    deleted: Deleted = False,
    deleted_only: DeletedOnly = False,
) -> list[int]:
    return lookup.list_versions(
        session=session,
        subject=subject,
        version_filter=SubjectFilter.of(deleted=deleted, deleted_only=deleted_only),
    )


@subjects_router.post(
    "/subjects/{subject}/versions",
    response_model=RegisterResponse,
    responses=error_responses(409, *BODY_ERRORS),
)
async def register_schema(
    subject: str,
    payload: SchemaBody,
    request: Request,
    access: AccessDep,
    registration: RegistrationServiceDep,
    metrics: MetricsDep,
    normalize: Normalize = False,
) -> RegisterResponse:
    submission = submission_of(payload, access)
    actor = actor_of(request, access)

    def prepare(reader: Session) -> PreparedRegistration:
        return registration.prepare(
            session=reader, subject=subject, submission=submission, normalize=normalize
        )

    def register(writer: Session, prepared: PreparedRegistration) -> RegisterResult:
        try:
            result = registration.register_new(
                session=writer, subject=subject, submission=submission, prepared=prepared
            )
        except errors.IncompatibleSchemaError:
            metrics.compatibility_failures.labels("register").inc()
            raise
        if result.created:  # recorded in the registration's own transaction
            AuditTrail(session=writer, actor=actor).record(
                "schema.register", subject=subject, version=result.version, schemaId=result.schema_id
            )
            after_commit(writer, metrics.registrations.inc)
        return result

    result = await in_registration(request, prepare=prepare, register=register)
    return RegisterResponse(id=result.schema_id)


# GET /subjects/{subject}/versions/{version} is the hottest read after /schemas/ids/{id}: it reads its
# parameters itself, as that route does (FastAPI's resolution of four parameters cost a third of a
# cached answer), and documents them as FastAPI would.
VERSION_PARAMETERS = [
    {"name": "subject", "in": "path", "required": True, "schema": {"title": "Subject", "type": "string"}},
    {"name": "version", "in": "path", "required": True, "schema": {"title": "Version", "type": "string"}},
    {
        "name": "deleted",
        "in": "query",
        "required": False,
        "description": DELETED_DESCRIPTION,
        "schema": {
            "default": False,
            "description": DELETED_DESCRIPTION,
            "title": "Deleted",
            "type": "boolean",
        },
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        "description": FORMAT_DESCRIPTION,
        "schema": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": FORMAT_DESCRIPTION,
            "title": "Format",
        },
    },
]


@subjects_router.get(
    "/subjects/{subject}/versions/{version}",
    response_model=RegisteredSchema,
    responses=error_responses(404),
    openapi_extra={"parameters": VERSION_PARAMETERS},
)
async def get_version(request: Request) -> RegistryJSONResponse:
    # Async, so that a version answered from cache never leaves the event loop, and its lookup read
    # off app.state, since resolving it as a dependency costs more than the cached answer.
    subject: str = request.path_params["subject"]
    version: str = request.path_params["version"]
    query = request.query_params
    deleted = query_flag("deleted", query.get("deleted"))
    format = query.get("format")
    services = services_of(request)
    lookup = services.lookup
    view = lookup.cached_version(subject=subject, version=version, include_deleted=deleted)
    if view is None:
        view = await miss_readers_of(request).versions.get((subject, parse_version(version)))
        if view is None or (view.deleted and not deleted):  # get_version says which 404 it is
            view = await in_read_session(
                request, lookup.get_version, subject=subject, version=version, include_deleted=deleted
            )
    readable = visible_to(access_of(request))
    if not is_default_format(format):
        view = await in_read_session(
            request,
            services.output_formats.get_version_in_format,
            view=view,
            format=format,
            readable=readable,
        )
    return RegistryJSONResponse(orjson.dumps(registered_schema(view, readable)))


@subjects_router.get(
    "/subjects/{subject}/versions/{version}/schema",
    response_model=None,
    responses={**SCHEMA_TEXT, **error_responses(404)},
)
def get_version_schema(
    subject: str,
    version: str,
    session: SessionDep,
    lookup: SchemaLookupDep,
    formats: OutputFormatsDep,
    access: AccessDep,
    deleted: Deleted = False,
    format: Format = None,
) -> RegistryJSONResponse:
    view = lookup.get_version(session=session, subject=subject, version=version, include_deleted=deleted)
    view = formats.get_version_in_format(
        session=session, view=view, format=format, readable=visible_to(access)
    )
    # the text as registered: JSON, or .proto source for Protobuf
    return RegistryJSONResponse(view.schema.text.encode())


@subjects_router.delete(
    "/subjects/{subject}/versions/{version}", response_model=int, responses=error_responses(404)
)
def delete_version(
    subject: str,
    version: str,
    writer: WriterDep,
    deletion: DeletionServiceDep,
    audit: AuditDep,
    permanent: Permanent = False,
) -> int:
    deleted_version = deletion.delete_version(
        session=writer, subject=subject, version=version, permanent=permanent
    )
    audit.record("version.delete", subject=subject, version=deleted_version, permanent=permanent)
    return deleted_version


@subjects_router.get(
    "/subjects/{subject}/versions/{version}/referencedby",
    response_model=list[int],
    responses=error_responses(404),
)
def get_referenced_by(
    subject: str, version: str, session: SessionDep, lookup: SchemaLookupDep, access: AccessDep
) -> list[int]:
    ids = lookup.referenced_by(session=session, subject=subject, version=version)
    visible = visible_to(access)
    return [
        schema_id
        for schema_id in ids
        if lookup.schema_is_visible(session=session, schema_id=schema_id, visible=visible)
    ]


# -- /compatibility -------------------------------------------------------------------------------


async def version_of_path(request: Request) -> str | None:
    """The version the path names; None on the path that checks against the whole subject."""
    version: str | None = request.path_params.get("version")
    return version


async def version_in_path(version: str) -> None:
    """Declares the {version} of the versioned path (the handler reads it through VersionOfPath)."""


VersionOfPath = Annotated[str | None, Depends(version_of_path)]


@compatibility_router.post(
    "/compatibility/subjects/{subject}/versions/{version}",
    name="check_against_version",
    dependencies=[Depends(version_in_path)],
    response_model=CompatibilityResponse,
    responses=error_responses(404, *BODY_ERRORS),
)
@compatibility_router.post(
    "/compatibility/subjects/{subject}/versions",
    name="check_against_subject",
    response_model=CompatibilityResponse,
    responses=error_responses(*BODY_ERRORS),
)
def check_compatibility(
    subject: str,
    version: VersionOfPath,
    payload: SchemaBody,
    session: SessionDep,
    checker: CompatibilityCheckerDep,
    access: AccessDep,
    metrics: MetricsDep,
    normalize: Normalize = False,
    verbose: Verbose = False,
) -> CompatibilityResponse:
    # Against one version, or (without one) against the versions registering it would check.
    verdict = checker.check_submission(
        session=session,
        subject=subject,
        version=version,
        submission=submission_of(payload, access),
        normalize=normalize,
        verbose=verbose,
    )
    if not verdict.is_compatible:
        metrics.compatibility_failures.labels("check").inc()
    return CompatibilityResponse(
        is_compatible=verdict.is_compatible,
        messages=list(verdict.messages) if verbose else None,
        accord=refusal_of(verdict) if verbose else None,
    )
