"""The SQL of schemas and subject versions, and of the change log their caches follow.
Functions take the session first and keyword arguments after it.

The statements of the frequent queries are built once, at import, with bound parameters: building a
SQLAlchemy statement costs more Python time than running it on an indexed table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy import Integer, and_, bindparam, cast, delete, func, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from registry.models import (
    GLOBAL_SCOPE,
    SchemaRecord,
    SchemaReference,
    SubjectConfig,
    SubjectVersion,
    core_table,
)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# -- schemas --------------------------------------------------------------------------------------


_SCHEMA_ID = select(SchemaRecord.id).where(col(SchemaRecord.fingerprint) == bindparam("fingerprint"))


def find_schema_id(session: Session, *, fingerprint: str) -> int | None:
    return session.exec(_SCHEMA_ID, params={"fingerprint": fingerprint}).first()


def get_schema(session: Session, *, schema_id: int) -> SchemaRecord | None:
    return session.get(SchemaRecord, schema_id)


_SCHEMAS = core_table(SchemaRecord)
_REFERENCE_ROWS = core_table(SchemaReference)
_VERSIONS_TABLE = core_table(SubjectVersion)
# A schema's columns with one row per reference; warm_up_repository.py reads them too.
SCHEMA_ROWS = (
    sa.select(
        _SCHEMAS.c.id,
        _SCHEMAS.c.schema_type,
        _SCHEMAS.c.schema_text,
        _SCHEMAS.c.schema_metadata,
        _SCHEMAS.c.rule_set,
        _REFERENCE_ROWS.c.name,
        _REFERENCE_ROWS.c.subject,
        _REFERENCE_ROWS.c.version,
        _REFERENCE_ROWS.c.position,
    )
    .select_from(_SCHEMAS.outerjoin(_REFERENCE_ROWS, _REFERENCE_ROWS.c.schema_id == _SCHEMAS.c.id))
    .order_by(_SCHEMAS.c.id, _REFERENCE_ROWS.c.position)
)
_USED_BY_A_VERSION = sa.exists().where(_VERSIONS_TABLE.c.schema_id == _SCHEMAS.c.id)
_SCHEMAS_WITH_REFERENCES = SCHEMA_ROWS.where(_SCHEMAS.c.id.in_(bindparam("schema_ids", expanding=True)))
_REGISTERED_SCHEMAS_WITH_REFERENCES = _SCHEMAS_WITH_REFERENCES.where(_USED_BY_A_VERSION)


def get_schemas_with_references(
    session: Session, *, schema_ids: Sequence[int], registered: bool
) -> Sequence[Any]:
    """The schemas' columns with one row per reference (by id, references in order, with their
    position; one row with NULL references for a schema without any), in one query and without ORM
    objects; with `registered`, only schemas that some subject version, soft-deleted or not, uses."""
    statement = _REGISTERED_SCHEMAS_WITH_REFERENCES if registered else _SCHEMAS_WITH_REFERENCES
    return session.connection().execute(statement, {"schema_ids": list(schema_ids)}).all()


def max_schema_id(session: Session) -> int | None:
    return session.exec(select(func.max(SchemaRecord.id))).one()


def insert_schema(
    session: Session,
    *,
    fingerprint: str,
    schema_type: str,
    schema_text: str,
    schema_metadata: str | None,
    rule_set: str | None,
    references: Sequence[tuple[str, str, int]],
    schema_id: int | None = None,
) -> int:
    """Insert the schema unless a row with this fingerprint exists; return the id either way.

    Concurrent inserts of one schema meet on the unique fingerprint: one inserts, the others wait
    for it and then read its id. `schema_id` is given only when importing.
    """
    values: dict[str, Any] = {
        "fingerprint": fingerprint,
        "schema_type": schema_type,
        "schema_text": schema_text,
        "schema_metadata": schema_metadata,
        "rule_set": rule_set,
    }
    if schema_id is not None:
        values["id"] = schema_id
    # Core statements on the tables: the ORM's bulk-insert machinery costs more CPU than the round trip.
    dialect_insert = postgresql.insert if _is_postgresql(session) else sqlite.insert
    schemas = core_table(SchemaRecord)
    statement = (
        dialect_insert(schemas)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["fingerprint"])
        .returning(schemas.c.id)
    )
    inserted: int | None = session.execute(statement).scalar()
    if inserted is None:
        existing = find_schema_id(session, fingerprint=fingerprint)
        assert existing is not None, "a conflicting fingerprint row must exist"
        return existing
    if references:
        session.execute(
            sa.insert(core_table(SchemaReference)),
            [
                {
                    "schema_id": inserted,
                    "position": position,
                    "name": name,
                    "subject": ref_subject,
                    "version": version,
                }
                for position, (name, ref_subject, version) in enumerate(references)
            ],
        )
    if schema_id is not None and _is_postgresql(session):
        # Explicit ids bypass the identity sequence; move it past them so later ids stay unique.
        session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('schemas', 'id'), "
                "GREATEST((SELECT max(id) FROM schemas), 1))"
            )
        )
    return inserted


# -- subject versions -----------------------------------------------------------------------------


class SubjectVersionRow(NamedTuple):
    """One subject version as lookups need it: plain values, no ORM object to build."""

    subject: str
    version: int
    schema_id: int
    deleted: bool


_VERSION_COLUMNS = (
    _VERSIONS_TABLE.c.subject,
    _VERSIONS_TABLE.c.version,
    _VERSIONS_TABLE.c.schema_id,
    _VERSIONS_TABLE.c.deleted,
)
_VERSION = sa.select(*_VERSION_COLUMNS).where(
    _VERSIONS_TABLE.c.subject == bindparam("subject"), _VERSIONS_TABLE.c.version == bindparam("version")
)


def get_version(session: Session, *, subject: str, version: int) -> SubjectVersionRow | None:
    row = session.connection().execute(_VERSION, {"subject": subject, "version": version}).first()
    return None if row is None else SubjectVersionRow(*row)


_LATEST_VERSION = (
    sa.select(*_VERSION_COLUMNS)
    .where(_VERSIONS_TABLE.c.subject == bindparam("subject"), _VERSIONS_TABLE.c.deleted.is_(False))
    .order_by(_VERSIONS_TABLE.c.version.desc())
    .limit(1)
)


def get_latest_version(session: Session, *, subject: str) -> SubjectVersionRow | None:
    """The highest live (not soft-deleted) version of the subject."""
    row = session.connection().execute(_LATEST_VERSION, {"subject": subject}).first()
    return None if row is None else SubjectVersionRow(*row)


# The subjects are named once more on their own: SQLite scans the table for a row-value IN, but finds
# the subjects by index and then keeps the rows of the keys.
_VERSIONS_BY_KEY = sa.select(*_VERSION_COLUMNS).where(
    _VERSIONS_TABLE.c.subject.in_(bindparam("subjects", expanding=True)),
    sa.tuple_(_VERSIONS_TABLE.c.subject, _VERSIONS_TABLE.c.version).in_(bindparam("keys", expanding=True)),
)
_NEWER = _VERSIONS_TABLE.alias("newer")
_LATEST_VERSIONS = sa.select(*_VERSION_COLUMNS).where(
    _VERSIONS_TABLE.c.subject.in_(bindparam("subjects", expanding=True)),
    _VERSIONS_TABLE.c.deleted.is_(False),
    ~sa.exists().where(
        _NEWER.c.subject == _VERSIONS_TABLE.c.subject,
        _NEWER.c.version > _VERSIONS_TABLE.c.version,
        _NEWER.c.deleted.is_(False),
    ),
)


def get_versions(
    session: Session, *, keys: Sequence[tuple[str, int]], latest_of: Sequence[str]
) -> list[SubjectVersionRow]:
    """Many versions at once: each (subject, version) of `keys` that exists, soft-deleted or not, and
    the highest live version of each subject of `latest_of` that has one; in no particular order."""
    connection = session.connection()
    rows = []
    if keys:
        parameters = {"subjects": list({subject for subject, _ in keys}), "keys": list(keys)}
        rows = [SubjectVersionRow(*row) for row in connection.execute(_VERSIONS_BY_KEY, parameters)]
    if latest_of:
        latest = connection.execute(_LATEST_VERSIONS, {"subjects": list(latest_of)})
        rows += [SubjectVersionRow(*row) for row in latest]
    return rows


_VERSIONS = (
    select(SubjectVersion)
    .where(col(SubjectVersion.subject) == bindparam("subject"))
    .order_by(col(SubjectVersion.version))
)


def list_versions(session: Session, *, subject: str) -> Sequence[SubjectVersion]:
    """Every version of the subject, soft-deleted ones included, oldest first."""
    return session.exec(_VERSIONS, params={"subject": subject}).all()


class VersionRow(NamedTuple):
    """A subject version as the write paths need it: plain values, not a tracked ORM object."""

    version: int
    schema_id: int
    deleted: bool


_VERSION_ROWS = (
    select(SubjectVersion.version, SubjectVersion.schema_id, SubjectVersion.deleted)
    .where(col(SubjectVersion.subject) == bindparam("subject"))
    .order_by(col(SubjectVersion.version))
)


def list_version_rows(session: Session, *, subject: str) -> list[VersionRow]:
    """Every version of the subject, soft-deleted ones included, oldest first, as plain rows."""
    rows = session.execute(_VERSION_ROWS, {"subject": subject}).all()
    return [VersionRow(version, schema_id, deleted) for version, schema_id, deleted in rows]


def subject_exists(session: Session, *, subject: str, include_deleted: bool) -> bool:
    statement = select(SubjectVersion.id).where(SubjectVersion.subject == subject)
    if not include_deleted:
        statement = statement.where(col(SubjectVersion.deleted).is_(False))
    return session.exec(statement.limit(1)).first() is not None


def any_subject_exists(session: Session) -> bool:
    """Whether any subject has a live version."""
    statement = select(SubjectVersion.id).where(col(SubjectVersion.deleted).is_(False)).limit(1)
    return session.exec(statement).first() is not None


def find_live_version_of_schema(session: Session, *, subject: str, schema_id: int) -> int | None:
    """The newest live version of the subject that is schema `schema_id`."""
    return session.exec(
        select(func.max(SubjectVersion.version)).where(
            SubjectVersion.subject == subject,
            SubjectVersion.schema_id == schema_id,
            col(SubjectVersion.deleted).is_(False),
        )
    ).one()


# The live versions under :subject of the schema with :fingerprint.
_LIVE_VERSIONS_OF_FINGERPRINT = (
    col(SchemaRecord.id) == col(SubjectVersion.schema_id),
    col(SchemaRecord.fingerprint) == bindparam("fingerprint"),
    col(SubjectVersion.subject) == bindparam("subject"),
    col(SubjectVersion.deleted).is_(False),
)
_REGISTERED = (
    select(SubjectVersion.schema_id, func.max(SubjectVersion.version))
    .where(*_LIVE_VERSIONS_OF_FINGERPRINT)
    .group_by(col(SubjectVersion.schema_id))
)


def find_registered(session: Session, *, subject: str, fingerprint: str) -> tuple[int, int] | None:
    """(schema id, newest live version) of the schema with `fingerprint` under `subject`, in one query."""
    row = session.execute(_REGISTERED, {"fingerprint": fingerprint, "subject": subject}).first()
    return None if row is None else (row[0], row[1])


def _normalize_of(scope: Any) -> sa.ScalarSelect[Any]:
    return select(SubjectConfig.normalize).where(col(SubjectConfig.subject) == scope).scalar_subquery()


# One row of scalar subqueries, so a re-registration costs one round trip: the subject's and the
# global `normalize` (NULL where unset; read here rather than through the settings for that reason),
# the id of the schema with this fingerprint, and its newest live version under the subject (NULL
# where it has none).
_REGISTRATION_LOOKUP = sa.select(
    _normalize_of(bindparam("subject")),
    _normalize_of(GLOBAL_SCOPE),
    _SCHEMA_ID.scalar_subquery(),
    select(func.max(SubjectVersion.version)).where(*_LIVE_VERSIONS_OF_FINGERPRINT).scalar_subquery(),
)


@dataclass(frozen=True, slots=True)
class RegistrationLookup:
    """What registering needs to know before taking a lock: the `normalize` settings of the subject
    and of `__GLOBAL` (None where unset), and (schema id, newest live version) if the schema with the
    looked-up fingerprint is already registered under the subject."""

    subject_normalize: bool | None
    global_normalize: bool | None
    registered: tuple[int, int] | None


def lookup_for_registration(session: Session, *, subject: str, fingerprint: str) -> RegistrationLookup:
    subject_normalize, global_normalize, schema_id, version = session.execute(
        _REGISTRATION_LOOKUP, {"subject": subject, "fingerprint": fingerprint}
    ).one()
    registered = None if version is None else (schema_id, version)
    return RegistrationLookup(subject_normalize, global_normalize, registered)


def find_version_of_schema(session: Session, *, subject: str, schema_id: int) -> SubjectVersion | None:
    """The newest version, soft-deleted or not, of the subject that is schema `schema_id`."""
    return session.exec(
        select(SubjectVersion)
        .where(SubjectVersion.subject == subject, SubjectVersion.schema_id == schema_id)
        .order_by(col(SubjectVersion.version).desc())
        .limit(1)
    ).first()


_INSERT_VERSION = sa.insert(SubjectVersion).values(
    subject=bindparam("subject"),
    version=bindparam("version"),
    schema_id=bindparam("schema_id"),
    deleted=False,
    registered_at=bindparam("registered_at"),
)


def insert_version(session: Session, *, subject: str, version: int, schema_id: int) -> None:
    session.execute(
        _INSERT_VERSION,
        {"subject": subject, "version": version, "schema_id": schema_id, "registered_at": datetime.now(UTC)},
    )


def mark_versions_deleted(session: Session, *, subject: str, versions: Sequence[int]) -> None:
    session.execute(
        update(SubjectVersion)
        .where(col(SubjectVersion.subject) == subject, col(SubjectVersion.version).in_(versions))
        .values(deleted=True)
    )


def delete_versions(session: Session, *, subject: str, versions: Sequence[int]) -> None:
    session.execute(
        delete(SubjectVersion).where(
            col(SubjectVersion.subject) == subject, col(SubjectVersion.version).in_(versions)
        )
    )


def versions_of_schema(session: Session, *, schema_id: int) -> Sequence[SubjectVersion]:
    """Every subject version, soft-deleted ones included, that is schema `schema_id`."""
    return session.exec(
        select(SubjectVersion)
        .where(SubjectVersion.schema_id == schema_id)
        .order_by(col(SubjectVersion.subject), col(SubjectVersion.version))
    ).all()


_SUBJECTS_OF_SCHEMAS = (
    sa.select(_VERSIONS_TABLE.c.schema_id, _VERSIONS_TABLE.c.subject)
    .where(_VERSIONS_TABLE.c.schema_id.in_(bindparam("schema_ids", expanding=True)))
    .distinct()
    .order_by(_VERSIONS_TABLE.c.schema_id, _VERSIONS_TABLE.c.subject)
)


def subjects_of_schemas(session: Session, *, schema_ids: Sequence[int]) -> Sequence[Any]:
    """(schema id, subject) for each subject with a version (soft-deleted or not) that is one of the
    schemas, by id and subject."""
    return session.connection().execute(_SUBJECTS_OF_SCHEMAS, {"schema_ids": list(schema_ids)}).all()


def referenced_by(session: Session, *, subject: str, version: int) -> list[int]:
    """Ids of the registered schemas (soft-deleted versions count) that reference subject/version."""
    statement = (
        select(SchemaReference.schema_id)
        .where(SchemaReference.subject == subject, SchemaReference.version == version)
        .where(
            select(SubjectVersion.id).where(SubjectVersion.schema_id == SchemaReference.schema_id).exists()
        )
        .distinct()
        .order_by(col(SchemaReference.schema_id))
    )
    return list(session.exec(statement).all())


def list_subjects(session: Session, *, prefix: str) -> list[tuple[str, bool]]:
    """Each subject starting with `prefix`, sorted, with whether all its versions are soft-deleted."""
    all_deleted = func.min(cast(SubjectVersion.deleted, Integer))
    statement = select(SubjectVersion.subject, all_deleted).group_by(col(SubjectVersion.subject))
    if prefix:
        statement = statement.where(func.substr(SubjectVersion.subject, 1, len(prefix)) == prefix)
    rows = session.exec(statement.order_by(col(SubjectVersion.subject))).all()
    return [(subject, bool(deleted)) for subject, deleted in rows]


def list_subject_versions(
    session: Session, *, prefix: str, include_deleted: bool, latest_only: bool, offset: int, limit: int | None
) -> Sequence[SubjectVersion]:
    """Subject versions whose subject starts with `prefix`, by subject and version."""
    conditions = []
    if prefix:
        conditions.append(func.substr(SubjectVersion.subject, 1, len(prefix)) == prefix)
    if not include_deleted:
        conditions.append(col(SubjectVersion.deleted).is_(False))
    statement = select(SubjectVersion).where(*conditions)
    if latest_only:
        newest = (
            select(SubjectVersion.subject, func.max(SubjectVersion.version).label("version"))
            .where(*conditions)
            .group_by(col(SubjectVersion.subject))
            .subquery()
        )
        statement = statement.join(
            newest,
            and_(
                col(SubjectVersion.subject) == newest.c.subject,
                col(SubjectVersion.version) == newest.c.version,
            ),
        )
    statement = statement.order_by(col(SubjectVersion.subject), col(SubjectVersion.version)).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return session.exec(statement).all()
