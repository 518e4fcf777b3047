"""/subjects: listing, registering, looking up, reading and deleting subject versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from sqlmodel import Session

from registry import errors, wire
from registry.api.access import AccessDep, can_read_schema
from registry.audit import AuditTrail
from registry.auth import Access, Role
from registry.cache import Reference
from registry.db import after_commit
from registry.service import RegisterResult, SchemaSubmission, SubjectFilter, VersionView
from registry.web.dependencies import (
    AuditDep,
    MediaTypeDep,
    RegistryDep,
    SessionDep,
    WriterDep,
    actor_of,
    in_read_session,
    in_registration,
    media_type_of_request,
    metrics_of,
    registry_of,
)
from registry.web.documentation import BODY_ERRORS, error_responses
from registry.web.media import RegistryJSONResponse, json_response

router = APIRouter(tags=["Subjects"])

Deleted = Annotated[bool, Query(description="Include soft-deleted subjects or versions")]
DeletedOnly = Annotated[
    bool, Query(alias="deletedOnly", description="Only soft-deleted subjects or versions")
]
SubjectPrefix = Annotated[str, Query(alias="subjectPrefix", description="Only subjects starting with this")]
Normalize = Annotated[bool, Query(description="Normalize the schema before comparing or storing it")]
Permanent = Annotated[bool, Query(description="Delete permanently (requires a soft delete first)")]
SchemaBody = Annotated[wire.SchemaPayload, Body()]
Offset = Annotated[int, Query(ge=-(2**31), le=2**31 - 1, description="Skip this many results")]
Limit = Annotated[int, Query(ge=-(2**31), le=2**31 - 1, description="At most this many results (-1: all)")]


def submission_of(payload: wire.SchemaPayload, access: Access) -> SchemaSubmission:
    """The service's view of a request body; negative ids and versions mean "not given", as in Confluent.

    The caller must be able to read every subject the schema references (else: 40401 for that subject).
    """
    for reference in payload.references or ():
        access.require(Role.READER, reference.subject)
    return SchemaSubmission(
        text=payload.schema_text,
        schema_type=payload.schema_type,
        references=tuple(Reference(ref.name, ref.subject, ref.version) for ref in payload.references or ()),
        metadata=payload.metadata,
        rule_set=payload.rule_set,
        schema_id=payload.id if payload.id is not None and payload.id >= 0 else None,
        version=payload.version if payload.version is not None and payload.version > 0 else None,
    )


def version_content(view: VersionView) -> dict[str, Any]:
    return wire.registered_schema(view.subject, view.version, view.schema, deleted=view.deleted)


@router.get("/subjects", response_model=list[str], responses=error_responses())
def list_subjects(
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    subject_prefix: SubjectPrefix = "",
    deleted: Deleted = False,
    deleted_only: DeletedOnly = False,
    offset: Offset = 0,
    limit: Limit = -1,
) -> RegistryJSONResponse:
    subjects = registry.list_subjects(
        session=session,
        subject_prefix=subject_prefix,
        subject_filter=SubjectFilter.of(deleted=deleted, deleted_only=deleted_only),
        offset=offset,
        limit=limit,
        visible=None if access.reads_everything else access.can_read,
    )
    return json_response(subjects, media_type=media_type)


@router.post(
    "/subjects/{subject}", response_model=wire.RegisteredSchema, responses=error_responses(404, *BODY_ERRORS)
)
def lookup_schema(
    subject: str,
    payload: SchemaBody,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
    normalize: Normalize = False,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    view = registry.lookup(
        session=session,
        subject=subject,
        submission=submission_of(payload, access),
        normalize=normalize,
        include_deleted=deleted,
    )
    return json_response(version_content(view), media_type=media_type)


@router.delete("/subjects/{subject}", response_model=list[int], responses=error_responses(404))
def delete_subject(
    subject: str,
    writer: WriterDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
    permanent: Permanent = False,
) -> RegistryJSONResponse:
    versions = registry.delete_subject(session=writer, subject=subject, permanent=permanent)
    audit.record("subject.delete", subject=subject, versions=versions, permanent=permanent)
    return json_response(versions, media_type=media_type)


@router.get("/subjects/{subject}/versions", response_model=list[int], responses=error_responses(404))
def list_versions(
    subject: str,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    deleted: Deleted = False,
    deleted_only: DeletedOnly = False,
) -> RegistryJSONResponse:
    versions = registry.list_versions(
        session=session,
        subject=subject,
        version_filter=SubjectFilter.of(deleted=deleted, deleted_only=deleted_only),
    )
    return json_response(versions, media_type=media_type)


@router.post(
    "/subjects/{subject}/versions",
    response_model=wire.RegisterResponse,
    responses=error_responses(409, *BODY_ERRORS),
)
async def register_schema(
    subject: str, payload: SchemaBody, request: Request, access: AccessDep, normalize: Normalize = False
) -> RegistryJSONResponse:
    registry = registry_of(request)
    media_type = media_type_of_request(request)
    metrics = metrics_of(request)
    submission = submission_of(payload, access)
    actor = actor_of(request, access)

    def register(*, reader: Session, writer: Session) -> RegisterResult:
        try:
            result = registry.register(
                reader=reader, writer=writer, subject=subject, submission=submission, normalize=normalize
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

    result = await in_registration(request, register)
    return json_response({"id": result.schema_id}, media_type=media_type)


@router.get(
    "/subjects/{subject}/versions/{version}",
    response_model=wire.RegisteredSchema,
    responses=error_responses(404),
)
async def get_version(
    subject: str,
    version: str,
    request: Request,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    registry = registry_of(request)
    media_type = media_type_of_request(request)
    # async, so that a version answered from cache never leaves the event loop
    view = registry.cached_version(subject=subject, version=version, include_deleted=deleted)
    if view is None:
        view = await in_read_session(
            request, registry.get_version, subject=subject, version=version, include_deleted=deleted
        )
    return json_response(version_content(view), media_type=media_type)


@router.get(
    "/subjects/{subject}/versions/{version}/schema",
    response_model=None,
    responses={200: {"description": "The schema text, unescaped"}, **error_responses(404)},
)
def get_version_schema(
    subject: str,
    version: str,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    deleted: Deleted = False,
) -> RegistryJSONResponse:
    view = registry.get_version(session=session, subject=subject, version=version, include_deleted=deleted)
    return RegistryJSONResponse(view.schema.text.encode(), media_type=media_type)


@router.delete("/subjects/{subject}/versions/{version}", response_model=int, responses=error_responses(404))
def delete_version(
    subject: str,
    version: str,
    writer: WriterDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    audit: AuditDep,
    permanent: Permanent = False,
) -> RegistryJSONResponse:
    deleted_version = registry.delete_version(
        session=writer, subject=subject, version=version, permanent=permanent
    )
    audit.record("version.delete", subject=subject, version=deleted_version, permanent=permanent)
    return json_response(deleted_version, media_type=media_type)


@router.get(
    "/subjects/{subject}/versions/{version}/referencedby",
    response_model=list[int],
    responses=error_responses(404),
)
def get_referenced_by(
    subject: str,
    version: str,
    session: SessionDep,
    registry: RegistryDep,
    media_type: MediaTypeDep,
    access: AccessDep,
) -> RegistryJSONResponse:
    ids = registry.referenced_by(session=session, subject=subject, version=version)
    readable = [schema_id for schema_id in ids if can_read_schema(access, registry, session, schema_id)]
    return json_response(readable, media_type=media_type)
