"""Compatibility config and mode, of a subject or the whole registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry import errors, repository
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy
from registry.models import GLOBAL_SCOPE, SubjectConfig
from registry.service.arguments import (
    Mode,
    parse_compatibility_level,
    parse_compatibility_policy,
    parse_mode,
    validate_subject,
)
from registry.service.core import RegistryCore
from registry.service.views import ConfigView, EffectiveConfig

if TYPE_CHECKING:
    from sqlmodel import Session


class ConfigAndMode(RegistryCore):
    """Reading and changing config and mode, and what they mean for a subject."""

    def get_config(self, *, session: Session, subject: str | None, default_to_global: bool) -> ConfigView:
        if subject is None:
            return self._config_view(repository.get_config(session, subject=GLOBAL_SCOPE))
        row = repository.get_config(session, subject=subject)
        if row is not None:
            return self._config_view(row)
        if default_to_global:
            return self._config_view(repository.get_config(session, subject=GLOBAL_SCOPE))
        raise errors.CompatibilityNotConfiguredError(subject)

    def set_config(
        self,
        *,
        session: Session,
        subject: str | None,
        level: str | None,
        policy: str | None,
        normalize: bool | None,
    ) -> None:
        new_level = None if level is None else parse_compatibility_level(level)
        new_policy = None if policy is None else parse_compatibility_policy(policy)
        if subject is not None:
            validate_subject(subject)
        scope = GLOBAL_SCOPE if subject is None else subject
        repository.lock_subject(session, subject=scope)
        self._check_writable(session, subject)
        row = repository.get_config(session, subject=scope) or SubjectConfig(subject=scope)
        row.compatibility_level = new_level.value if new_level else row.compatibility_level
        row.compatibility_policy = new_policy.value if new_policy else row.compatibility_policy
        row.normalize = row.normalize if normalize is None else normalize
        repository.save_config(session, config=row)

    def delete_config(self, *, session: Session, subject: str | None) -> ConfigView:
        scope = GLOBAL_SCOPE if subject is None else subject
        repository.lock_subject(session, subject=scope)
        row = repository.get_config(session, subject=scope)
        if row is None and subject is not None:
            raise errors.SubjectNotFoundError(subject)
        self._check_writable(session, subject)
        repository.delete_config(session, subject=scope)
        return self._config_view(row)

    def get_mode(self, *, session: Session, subject: str | None, default_to_global: bool) -> Mode:
        global_mode = Mode(repository.get_mode(session, subject=GLOBAL_SCOPE) or Mode.READWRITE)
        if subject is None or global_mode is Mode.READONLY_OVERRIDE:
            return global_mode
        subject_mode = repository.get_mode(session, subject=subject)
        if subject_mode is not None:
            return Mode(subject_mode)
        if default_to_global:
            return global_mode
        raise errors.ModeNotConfiguredError(subject)

    def set_mode(self, *, session: Session, subject: str | None, mode: str, force: bool) -> None:
        new_mode = parse_mode(mode)
        if subject is not None:
            validate_subject(subject)
        scope = GLOBAL_SCOPE if subject is None else subject
        repository.lock_subject(session, subject=scope)
        if new_mode is Mode.IMPORT and not force and self._mode(session, subject) is not Mode.IMPORT:
            self._prepare_import(session, subject)
        repository.save_mode(session, subject=scope, mode=new_mode.value)

    def delete_mode(self, *, session: Session, subject: str | None) -> Mode:
        scope = GLOBAL_SCOPE if subject is None else subject
        repository.lock_subject(session, subject=scope)
        current = repository.get_mode(session, subject=scope)
        if current is None and subject is not None:
            raise errors.SubjectNotFoundError(subject)
        repository.delete_mode(session, subject=scope)
        return Mode(current or Mode.READWRITE)

    def _prepare_import(self, session: Session, subject: str | None) -> None:
        """Entering IMPORT needs an empty registry (or subject): soft-deleted leftovers are purged."""
        has_live = (
            repository.any_subject_exists(session)
            if subject is None
            else repository.subject_exists(session, subject=subject, include_deleted=False)
        )
        if has_live:
            raise errors.OperationNotPermittedError("Cannot import since found existing subjects")
        subjects = (
            [name for name, _ in repository.list_subjects(session, prefix="")]
            if subject is None
            else [subject]
        )
        purged = False
        for name in subjects:
            versions = [row.version for row in repository.list_versions(session, subject=name)]
            for version in versions:
                referencing = repository.referenced_by(session, subject=name, version=version)
                if referencing:
                    raise errors.ReferenceExistsError(name, version, referencing)
            if versions:
                repository.delete_versions(session, subject=name, versions=versions)
                purged = True
        if purged:
            self._after_delete(session)

    def cluster_id(self, *, session: Session) -> str:
        return repository.read_cluster_id(session)

    def _config(self, session: Session, subject: str) -> EffectiveConfig:
        return self._effective_config(
            repository.get_configs(session, subjects=[subject, GLOBAL_SCOPE]), subject
        )

    def _settings_for_write(self, session: Session, subject: str) -> tuple[EffectiveConfig, Mode]:
        """The effective config and mode of the subject, read in one query that also brings the
        caches up to date with deletes."""
        rows = repository.get_settings(session, subjects=[subject, GLOBAL_SCOPE])
        self.cache.observe_epoch(rows.delete_epoch)
        global_mode = Mode(rows.modes.get(GLOBAL_SCOPE) or Mode.READWRITE)
        own_mode = rows.modes.get(subject)
        mode = Mode(own_mode) if own_mode and global_mode is not Mode.READONLY_OVERRIDE else global_mode
        return self._effective_config(rows.configs, subject), mode

    def _effective_config(self, rows: dict[str, SubjectConfig], subject: str) -> EffectiveConfig:
        configured = [rows[scope] for scope in (subject, GLOBAL_SCOPE) if scope in rows]
        level = next((row.compatibility_level for row in configured if row.compatibility_level), None)
        policy = next((row.compatibility_policy for row in configured if row.compatibility_policy), None)
        normalize = resolve_normalize(*(row.normalize for row in configured))
        return EffectiveConfig(
            level=CompatibilityLevel(level) if level else self.settings.default_compatibility,
            policy=CompatibilityPolicy(policy) if policy else CompatibilityPolicy.STRICT,
            normalize=normalize,
        )

    def _config_view(self, row: SubjectConfig | None) -> ConfigView:
        if row is None:
            return ConfigView(self.settings.default_compatibility)
        level = row.compatibility_level or self.settings.default_compatibility
        policy = CompatibilityPolicy(row.compatibility_policy) if row.compatibility_policy else None
        return ConfigView(CompatibilityLevel(level), policy, row.normalize)

    def _mode(self, session: Session, subject: str | None) -> Mode:
        return self.get_mode(session=session, subject=subject, default_to_global=True)

    def _check_writable(self, session: Session, subject: str | None) -> None:
        if self._mode(session, subject) in (Mode.READONLY, Mode.READONLY_OVERRIDE):
            who = "The registry" if subject is None else f"Subject {subject}"
            raise errors.OperationNotPermittedError(f"{who} is in read-only mode")


def resolve_normalize(*settings: bool | None) -> bool:
    """The first `normalize` that is set, from the most specific scope (subject, then global) on."""
    return next((setting for setting in settings if setting is not None), False)
