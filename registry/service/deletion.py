"""Deleting versions and subjects, soft (marked deleted) or permanent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry import errors, repository
from registry.service.arguments import parse_version
from registry.service.config_mode import ConfigAndMode

if TYPE_CHECKING:
    from sqlmodel import Session


class Deletion(ConfigAndMode):
    """Deleting subject versions and whole subjects."""

    def delete_version(self, *, session: Session, subject: str, version: str, permanent: bool) -> int:
        number = parse_version(version)
        repository.lock_subject(session, subject=subject)
        row = self._find_version(session, subject=subject, version=number)
        if row is None:
            self._raise_version_not_found(session, subject=subject, version=number, include_deleted=True)
        assert row is not None
        if row.deleted and not permanent:
            raise errors.VersionSoftDeletedError(subject, row.version)
        self._check_writable(session, subject)
        referencing = repository.referenced_by(session, subject=subject, version=row.version)
        if referencing:
            raise errors.ReferenceExistsError(subject, row.version, referencing)
        if permanent and not row.deleted:
            raise errors.VersionNotSoftDeletedError(subject, row.version)
        if permanent:
            repository.delete_versions(session, subject=subject, versions=[row.version])
        else:
            repository.mark_versions_deleted(session, subject=subject, versions=[row.version])
            if not repository.subject_exists(session, subject=subject, include_deleted=False):
                repository.delete_config(session, subject=subject)
                repository.delete_mode(session, subject=subject)
        self._after_delete(session)
        return row.version

    def delete_subject(self, *, session: Session, subject: str, permanent: bool) -> list[int]:
        repository.lock_subject(session, subject=subject)
        rows = repository.list_versions(session, subject=subject)
        if not rows:
            raise errors.SubjectNotFoundError(subject)
        live = [row for row in rows if not row.deleted]
        if not permanent and not live:
            raise errors.SubjectSoftDeletedError(subject)
        self._check_writable(session, subject)
        targets = rows if permanent else live
        for row in targets:
            referencing = repository.referenced_by(session, subject=subject, version=row.version)
            if referencing:
                raise errors.ReferenceExistsError(subject, row.version, referencing)
        if permanent and live:
            raise errors.SubjectNotSoftDeletedError(subject)
        versions = [row.version for row in targets]
        if permanent:
            repository.delete_versions(session, subject=subject, versions=versions)
        else:
            repository.mark_versions_deleted(session, subject=subject, versions=versions)
            repository.delete_config(session, subject=subject)
            repository.delete_mode(session, subject=subject)
        self._after_delete(session)
        return versions
