"""What the registry's operations take and answer: submissions, versions, settings, pages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from registry.cache import Reference, StoredSchema
from registry.compatibility import (
    Change,
    CompatibilityLevel,
    CompatibilityPolicy,
    CompatibilityResult,
    SchemaType,
)
from registry.service.arguments import Mode, SubjectFilter

if TYPE_CHECKING:
    from datetime import datetime


@dataclass(frozen=True, slots=True)
class SchemaSubmission:
    """A schema as a client submits it for registering, looking up or checking."""

    text: str | None
    schema_type: str | None = None
    references: tuple[Reference, ...] = ()
    metadata: dict[str, Any] | None = None
    rule_set: dict[str, Any] | None = None
    schema_id: int | None = None
    version: int | None = None


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
class VersionView:
    """A subject version with its schema."""

    subject: str
    version: int
    schema: StoredSchema
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class RegisterResult:
    schema_id: int
    version: int
    created: bool = False  # a new version was stored (else the schema was already registered)


@dataclass(frozen=True, slots=True)
class CompatibilityVerdict:
    is_compatible: bool
    messages: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class SubjectQuery:
    """A page of the subject listing: filters, and the keyset cursor (`after` or `before` a name)."""

    prefix: str = ""
    schema_type: SchemaType | None = None
    level: CompatibilityLevel | None = None  # the effective level, subject's own or global
    subject_filter: SubjectFilter = SubjectFilter.LIVE
    after: str | None = None
    before: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class SubjectSummary:
    subject: str
    latest_version: int  # the newest live version, or the newest of all once every one is soft-deleted
    schema_id: int
    schema_type: SchemaType
    live_versions: int
    deleted_versions: int
    level: CompatibilityLevel
    level_source: SettingSource

    @property
    def deleted(self) -> bool:
        return self.live_versions == 0


@dataclass(frozen=True, slots=True)
class SubjectPage:
    subjects: list[SubjectSummary]
    total: int  # subjects matching the filters, on every page together
    has_previous: bool
    has_next: bool


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One entry of a subject's version history."""

    version: int
    schema_id: int
    deleted: bool
    registered_at: datetime | None  # None for versions registered before dates were recorded


@dataclass(frozen=True, slots=True)
class VersionComparison:
    """What registering `new` after `old` means at every compatibility level.

    Plain levels compare the two versions; transitive ones compare `new` with `old` and every live
    version before it, as registering `new` right after `old` would have.
    """

    old: VersionView
    new: VersionView
    policy: CompatibilityPolicy
    results: dict[CompatibilityLevel, CompatibilityResult]
    # JSON Schema: every change from old to new as the new version reads old data, compatible or not
    # (Avro's engine reports only what breaks, in `results`).
    changes: tuple[Change, ...] = ()
