"""Config and mode, of one subject or of the whole registry, and what they mean for a subject.

A subject's effective setting is its own, else the global one, else the registry's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from registry import errors
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy
from registry.locks import lock_name
from registry.models import GLOBAL_SCOPE, SubjectConfig
from registry.settings import repository as settings_repository
from registry.settings.arguments import (
    Mode,
    parse_compatibility_level,
    parse_compatibility_policy,
    parse_mode,
    validate_subject,
)

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """The compatibility settings that apply to a subject after subject -> global -> default."""

    level: CompatibilityLevel
    policy: CompatibilityPolicy
    normalize: bool


@dataclass(frozen=True, slots=True)
class ConfigView:
    """Configured settings as GET /config shows them (absent fields are not configured)."""

    level: CompatibilityLevel
    policy: CompatibilityPolicy | None = None
    normalize: bool | None = None


@dataclass(frozen=True, slots=True)
class WriteSettings:
    """What a write to a subject must respect."""

    config: EffectiveConfig
    mode: Mode


class SettingSource(StrEnum):
    """Where an effective setting of a subject comes from."""

    SUBJECT = "SUBJECT"
    GLOBAL = "GLOBAL"
    DEFAULT = "DEFAULT"  # nothing configured: the registry's built-in default


@dataclass(frozen=True, slots=True)
class SubjectSettings:
    """The compatibility level, policy and mode that apply to a subject, and where each comes from."""

    level: CompatibilityLevel
    level_source: SettingSource
    policy: CompatibilityPolicy
    mode: Mode
    mode_source: SettingSource


class ImportPreparation(Protocol):
    """Readies the registry (or one subject) for IMPORT mode, or refuses because it holds schemas."""

    def prepare_import(self, *, session: Session, subject: str | None) -> None: ...


class SettingsService:
    """Reading and changing config and mode. `import_preparation` runs before IMPORT is entered."""

    def __init__(self, *, default_level: CompatibilityLevel, import_preparation: ImportPreparation) -> None:
        self._default_level = default_level
        self._import_preparation = import_preparation

    def get_config(self, *, session: Session, subject: str | None, default_to_global: bool) -> ConfigView:
        if subject is None:
            return self._config_view(settings_repository.get_config(session, subject=GLOBAL_SCOPE))
        row = settings_repository.get_config(session, subject=subject)
        if row is not None:
            return self._config_view(row)
        if default_to_global:
            return self._config_view(settings_repository.get_config(session, subject=GLOBAL_SCOPE))
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
        lock_name(session, name=scope)
        self.check_writable(session=session, subject=subject)
        row = settings_repository.get_config(session, subject=scope) or SubjectConfig(subject=scope)
        row.compatibility_level = new_level.value if new_level else row.compatibility_level
        row.compatibility_policy = new_policy.value if new_policy else row.compatibility_policy
        row.normalize = row.normalize if normalize is None else normalize
        settings_repository.save_config(session, config=row)

    def delete_config(self, *, session: Session, subject: str | None) -> ConfigView:
        scope = GLOBAL_SCOPE if subject is None else subject
        lock_name(session, name=scope)
        row = settings_repository.get_config(session, subject=scope)
        if row is None and subject is not None:
            raise errors.SubjectNotFoundError(subject)
        self.check_writable(session=session, subject=subject)
        settings_repository.delete_config(session, subject=scope)
        return self._config_view(row)

    def get_mode(self, *, session: Session, subject: str | None, default_to_global: bool) -> Mode:
        global_mode = Mode(settings_repository.get_mode(session, subject=GLOBAL_SCOPE) or Mode.READWRITE)
        if subject is None or global_mode is Mode.READONLY_OVERRIDE:
            return global_mode
        subject_mode = settings_repository.get_mode(session, subject=subject)
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
        lock_name(session, name=scope)
        if (
            new_mode is Mode.IMPORT
            and not force
            and self.effective_mode(session=session, subject=subject) is not Mode.IMPORT
        ):
            self._import_preparation.prepare_import(session=session, subject=subject)
        settings_repository.save_mode(session, subject=scope, mode=new_mode.value)

    def delete_mode(self, *, session: Session, subject: str | None) -> Mode:
        scope = GLOBAL_SCOPE if subject is None else subject
        lock_name(session, name=scope)
        current = settings_repository.get_mode(session, subject=scope)
        if current is None and subject is not None:
            raise errors.SubjectNotFoundError(subject)
        settings_repository.delete_mode(session, subject=scope)
        return Mode(current or Mode.READWRITE)

    def forget_subject(self, *, session: Session, subject: str) -> None:
        """Drop the subject's own config and mode (its last live version is gone)."""
        settings_repository.delete_config(session, subject=subject)
        settings_repository.delete_mode(session, subject=subject)

    def cluster_id(self, *, session: Session) -> str:
        return settings_repository.read_cluster_id(session)

    def effective_config(self, *, session: Session, subject: str) -> EffectiveConfig:
        rows = settings_repository.get_configs(session, subjects=[subject, GLOBAL_SCOPE])
        return self._effective_config(rows, subject)

    def effective_mode(self, *, session: Session, subject: str | None) -> Mode:
        return self.get_mode(session=session, subject=subject, default_to_global=True)

    def settings_for_write(self, *, session: Session, subject: str) -> WriteSettings:
        """The effective config and mode of the subject, read in one query."""
        rows = settings_repository.get_settings(session, subjects=[subject, GLOBAL_SCOPE])
        global_mode = Mode(rows.modes.get(GLOBAL_SCOPE) or Mode.READWRITE)
        own_mode = rows.modes.get(subject)
        mode = Mode(own_mode) if own_mode and global_mode is not Mode.READONLY_OVERRIDE else global_mode
        return WriteSettings(self._effective_config(rows.configs, subject), mode)

    def check_writable(self, *, session: Session, subject: str | None) -> None:
        """42205 while the subject (or, for None, the registry) is read-only."""
        if self.effective_mode(session=session, subject=subject) in (Mode.READONLY, Mode.READONLY_OVERRIDE):
            who = "The registry" if subject is None else f"Subject {subject}"
            raise errors.OperationNotPermittedError(f"{who} is in read-only mode")

    def subject_settings(self, *, session: Session, subject: str) -> SubjectSettings:
        """The subject's effective level, policy and mode, and where each comes from (the web UI)."""
        own = settings_repository.get_config(session, subject=subject)
        shared = settings_repository.get_config(session, subject=GLOBAL_SCOPE)
        config = self.effective_config(session=session, subject=subject)
        level_source = (
            SettingSource.SUBJECT
            if own and own.compatibility_level
            else SettingSource.GLOBAL
            if shared and shared.compatibility_level
            else SettingSource.DEFAULT
        )
        global_mode = settings_repository.get_mode(session, subject=GLOBAL_SCOPE)
        own_mode = settings_repository.get_mode(session, subject=subject)
        mode_source = (
            SettingSource.SUBJECT
            if own_mode is not None and global_mode != Mode.READONLY_OVERRIDE
            else SettingSource.GLOBAL
            if global_mode is not None
            else SettingSource.DEFAULT
        )
        mode = self.effective_mode(session=session, subject=subject)
        return SubjectSettings(config.level, level_source, config.policy, mode, mode_source)

    def _effective_config(self, rows: dict[str, SubjectConfig], subject: str) -> EffectiveConfig:
        configured = [rows[scope] for scope in (subject, GLOBAL_SCOPE) if scope in rows]
        level = next((row.compatibility_level for row in configured if row.compatibility_level), None)
        policy = next((row.compatibility_policy for row in configured if row.compatibility_policy), None)
        return EffectiveConfig(
            level=CompatibilityLevel(level) if level else self._default_level,
            policy=CompatibilityPolicy(policy) if policy else CompatibilityPolicy.STRICT,
            normalize=resolve_normalize(*(row.normalize for row in configured)),
        )

    def _config_view(self, row: SubjectConfig | None) -> ConfigView:
        if row is None:
            return ConfigView(self._default_level)
        level = row.compatibility_level or self._default_level
        policy = CompatibilityPolicy(row.compatibility_policy) if row.compatibility_policy else None
        return ConfigView(CompatibilityLevel(level), policy, row.normalize)


def resolve_normalize(*settings: bool | None) -> bool:
    """The first `normalize` that is set, from the most specific scope (subject, then global) on."""
    return next((setting for setting in settings if setting is not None), False)
