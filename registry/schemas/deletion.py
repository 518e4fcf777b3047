"""Deleting versions and subjects, soft (marked deleted) or permanent; and purging soft-deleted
versions before the registry (or a subject) enters IMPORT mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry import errors
from registry.locks import lock_name
from registry.schemas import repository as schema_repository
from registry.schemas.arguments import parse_version
from registry.schemas.cache import HARD, SOFT, Change

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.models import SubjectVersion
    from registry.schemas.repository import SubjectVersionRow
    from registry.schemas.store import SchemaStore
    from registry.settings import SettingsService


class DeletionService:
    """DELETE /subjects/{subject} and /subjects/{subject}/versions/{version}."""

    def __init__(self, *, store: SchemaStore, settings: SettingsService) -> None:
        self._store = store
        self._settings = settings

    def delete_version(self, *, session: Session, subject: str, version: str, permanent: bool) -> int:
        number = parse_version(version)
        lock_name(session, name=subject)
        row = self._store.find_version(session=session, subject=subject, version=number)
        if row is None:
            self._store.raise_version_not_found(
                session=session, subject=subject, version=number, include_deleted=True
            )
        assert row is not None
        if row.deleted and not permanent:
            raise errors.VersionSoftDeletedError(subject, row.version)
        self._settings.check_writable(session=session, subject=subject)
        referencing = schema_repository.referenced_by(session, subject=subject, version=row.version)
        if referencing:
            raise errors.ReferenceExistsError(subject, row.version, referencing)
        if permanent and not row.deleted:
            raise errors.VersionNotSoftDeletedError(subject, row.version)
        if permanent:
            schema_repository.delete_versions(session, subject=subject, versions=[row.version])
        else:
            schema_repository.mark_versions_deleted(session, subject=subject, versions=[row.version])
            if not schema_repository.subject_exists(session, subject=subject, include_deleted=False):
                self._settings.forget_subject(session=session, subject=subject)
        self._store.record_changes(session=session, changes=[_change(row, permanent=permanent)])
        return row.version

    def delete_subject(self, *, session: Session, subject: str, permanent: bool) -> list[int]:
        lock_name(session, name=subject)
        rows = schema_repository.list_versions(session, subject=subject)
        if not rows:
            raise errors.SubjectNotFoundError(subject)
        live = [row for row in rows if not row.deleted]
        if not permanent and not live:
            raise errors.SubjectSoftDeletedError(subject)
        self._settings.check_writable(session=session, subject=subject)
        targets = rows if permanent else live
        for row in targets:
            referencing = schema_repository.referenced_by(session, subject=subject, version=row.version)
            if referencing:
                raise errors.ReferenceExistsError(subject, row.version, referencing)
        if permanent and live:
            raise errors.SubjectNotSoftDeletedError(subject)
        versions = [row.version for row in targets]
        if permanent:
            schema_repository.delete_versions(session, subject=subject, versions=versions)
        else:
            schema_repository.mark_versions_deleted(session, subject=subject, versions=versions)
            self._settings.forget_subject(session=session, subject=subject)
        changes = [_change(row, permanent=permanent) for row in targets]
        self._store.record_changes(session=session, changes=changes)
        return versions


class ImportPurge:
    """Entering IMPORT needs an empty registry (or subject): soft-deleted leftovers are purged.
    (The settings' `ImportPreparation`.)"""

    def __init__(self, *, store: SchemaStore) -> None:
        self._store = store

    def prepare_import(self, *, session: Session, subject: str | None) -> None:
        has_live = (
            schema_repository.any_subject_exists(session)
            if subject is None
            else schema_repository.subject_exists(session, subject=subject, include_deleted=False)
        )
        if has_live:
            raise errors.OperationNotPermittedError("Cannot import since found existing subjects")
        subjects = (
            [name for name, _ in schema_repository.list_subjects(session, prefix="")]
            if subject is None
            else [subject]
        )
        purged: list[Change] = []
        for name in subjects:
            rows = schema_repository.list_versions(session, subject=name)
            for row in rows:
                referencing = schema_repository.referenced_by(session, subject=name, version=row.version)
                if referencing:
                    raise errors.ReferenceExistsError(name, row.version, referencing)
            if rows:
                versions = [row.version for row in rows]
                schema_repository.delete_versions(session, subject=name, versions=versions)
                purged.extend(_change(row, permanent=True) for row in rows)
        if purged:
            self._store.record_changes(session=session, changes=purged)


def _change(row: SubjectVersion | SubjectVersionRow, *, permanent: bool) -> Change:
    """What deleting the version changes for the caches."""
    return Change(HARD if permanent else SOFT, row.subject, row.version, row.schema_id)
