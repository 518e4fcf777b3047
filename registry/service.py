"""The registry's rules: register, look up, delete, check compatibility, config and mode.

Functions take the request's session (keyword-only), raise `registry.errors` exceptions and only
flush: the session dependency commits or rolls back. Writes first lock their subject, so versions of
one subject are numbered by one writer at a time, while writers of different subjects run in parallel.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from registry import contract_service, errors, limits, repository, wire
from registry.cache import BoundedCache, Reference, RegistryCache, StoredSchema, VersionFact
from registry.compatibility import (
    Change,
    CompatibilityLevel,
    CompatibilityPolicy,
    CompatibilityResult,
    JsonSchema,
    ParsedSchema,
    PreviousVersion,
    ResolvedReference,
    SchemaType,
    check_compatibility,
    parse_schema,
)
from registry.compatibility import InvalidSchemaError as EngineInvalidSchemaError
from registry.db import after_commit
from registry.models import GLOBAL_SCOPE, SchemaRecord, SubjectConfig, SubjectVersion

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from sqlmodel import Session

    from registry.config import Settings
    from registry.metrics import Metrics

log = logging.getLogger(__name__)

LATEST = -1
MAX_VERSION = 2**31 - 1
RESERVED_SUBJECTS = frozenset({GLOBAL_SCOPE, "__EMPTY"})


class Mode(StrEnum):
    """What a subject (or the registry) accepts."""

    READWRITE = "READWRITE"
    READONLY = "READONLY"
    READONLY_OVERRIDE = "READONLY_OVERRIDE"  # set globally, it wins over every subject's mode
    IMPORT = "IMPORT"  # registrations carry their id and version, and skip the compatibility check


class SubjectFilter(StrEnum):
    """Which subjects or versions a listing shows."""

    LIVE = "LIVE"
    WITH_DELETED = "WITH_DELETED"
    DELETED_ONLY = "DELETED_ONLY"

    @classmethod
    def of(cls, *, deleted: bool, deleted_only: bool = False) -> SubjectFilter:
        if deleted_only:
            return cls.DELETED_ONLY
        return cls.WITH_DELETED if deleted else cls.LIVE

    def admits(self, is_deleted: bool) -> bool:
        if self is SubjectFilter.LIVE:
            return not is_deleted
        return is_deleted or self is SubjectFilter.WITH_DELETED


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


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A submission parsed and put in the form it is stored and compared in."""

    parsed: ParsedSchema
    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    metadata: str | None
    rule_set: str | None
    fingerprint: str


def parse_version(version: str) -> int:
    """A version path segment: 1..2^31-1, or -1/"latest" for the latest live version."""
    cleaned = version.strip()
    if cleaned.lower() == "latest":
        return LATEST
    try:
        number = int(cleaned)
    except ValueError:
        raise errors.InvalidVersionError(version) from None
    if number == LATEST or 1 <= number <= MAX_VERSION:
        return number
    raise errors.InvalidVersionError(version)


def validate_subject(subject: str) -> None:
    """Reject reserved names and names with control characters (42208), as Confluent does."""
    if subject in RESERVED_SUBJECTS or any(unicodedata.category(char) == "Cc" for char in subject):
        raise errors.InvalidSubjectError(subject)


def parse_compatibility_level(value: str) -> CompatibilityLevel:
    try:
        return CompatibilityLevel(value.upper())
    except ValueError:
        raise errors.InvalidCompatibilityLevelError(
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive"
        ) from None


def parse_compatibility_policy(value: str) -> CompatibilityPolicy:
    try:
        return CompatibilityPolicy(value.upper())
    except ValueError:
        raise errors.InvalidCompatibilityLevelError(
            "Invalid compatibility policy. Valid values are STRICT and LENIENT"
        ) from None


def parse_mode(value: str) -> Mode:
    try:
        return Mode(value.upper())
    except ValueError:
        raise errors.InvalidModeError() from None


def _schema_type(value: str | None) -> SchemaType:
    if value is None:
        return SchemaType.AVRO
    try:
        return SchemaType(value)
    except ValueError:
        known = ", ".join(schema_type.value for schema_type in SchemaType)
        raise errors.InvalidSchemaError(
            f"Invalid schema type '{value}'; the known types are {known}"
        ) from None


def _is_json_schema(text: str, references: Sequence[ResolvedReference]) -> bool:
    try:
        parse_schema(SchemaType.JSON, text, references)
    except EngineInvalidSchemaError:
        return False
    return True


def _json_text(value: dict[str, Any] | None) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


class Registry:
    """The registry of one process: its rules, and its caches of immutable facts."""

    def __init__(self, *, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics
        on_lookup = None if metrics is None else metrics.count_cache_lookup
        self.cache = RegistryCache(check_seconds=settings.cache_check_seconds, on_lookup=on_lookup)
        self._parsed = BoundedCache[tuple[Any, ...], ParsedSchema](settings.parsed_schema_cache_size)

    # -- schemas by id ----------------------------------------------------------------------------

    def cached_schema(self, schema_id: int) -> StoredSchema | None:
        """The schema if the cache can answer without the database (not when a check is due)."""
        return None if self.cache.claim_check() else self.cache.schema(schema_id)

    def get_schema(self, *, session: Session, schema_id: int) -> StoredSchema:
        """The schema with this id, while any subject version (soft-deleted or not) uses it."""
        epoch = self._observe_epoch(session)
        cached = self.cache.schema(schema_id)
        if cached is not None:
            return cached
        if not repository.schema_is_registered(session, schema_id=schema_id):
            raise errors.SchemaNotFoundError(schema_id)
        return self._load_schema(session, schema_id=schema_id, epoch=epoch)

    def max_schema_id(self, *, session: Session) -> int:
        return repository.max_schema_id(session) or 0

    def subjects_of_schema(self, *, session: Session, schema_id: int, include_deleted: bool) -> list[str]:
        rows = self._versions_of_schema(session, schema_id=schema_id)
        return list(dict.fromkeys(row.subject for row in rows if include_deleted or not row.deleted))

    def versions_of_schema(
        self, *, session: Session, schema_id: int, include_deleted: bool
    ) -> list[tuple[str, int]]:
        rows = self._versions_of_schema(session, schema_id=schema_id)
        return [(row.subject, row.version) for row in rows if include_deleted or not row.deleted]

    def _versions_of_schema(self, session: Session, *, schema_id: int) -> Sequence[SubjectVersion]:
        rows = repository.versions_of_schema(session, schema_id=schema_id)
        if not rows:
            raise errors.SchemaNotFoundError()
        return rows

    def list_schemas(
        self,
        *,
        session: Session,
        subject_prefix: str,
        include_deleted: bool,
        latest_only: bool,
        offset: int,
        limit: int,
        visible: Callable[[str], bool] | None = None,
    ) -> list[VersionView]:
        """A page of subject versions; with `visible`, of the subjects it admits only."""
        if not 0 < limit <= self.settings.search_max_limit:
            limit = self.settings.search_default_limit
        epoch = self._observe_epoch(session)
        rows = repository.list_subject_versions(
            session,
            prefix=subject_prefix,
            include_deleted=include_deleted,
            latest_only=latest_only,
            offset=0 if visible else max(offset, 0),
            limit=None if visible else limit,
        )
        if visible is not None:
            rows = [row for row in rows if visible(row.subject)][max(offset, 0) : max(offset, 0) + limit]
        return [self._view(session, row, epoch=epoch) for row in rows]

    # -- subjects and versions --------------------------------------------------------------------

    def list_subjects(
        self,
        *,
        session: Session,
        subject_prefix: str,
        subject_filter: SubjectFilter,
        offset: int,
        limit: int,
        visible: Callable[[str], bool] | None = None,
    ) -> list[str]:
        """Subject names by name; with `visible`, the ones it admits only. At most ACCORD_MAX_PAGE_SIZE."""
        largest = self.settings.max_page_size
        if limit > largest:
            raise errors.UnprocessableError(
                f"limit {limit} is larger than the largest page of {largest} subjects (ACCORD_MAX_PAGE_SIZE)"
            )
        subjects = [
            subject
            for subject, all_deleted in repository.list_subjects(session, prefix=subject_prefix)
            if subject_filter.admits(all_deleted) and (visible is None or visible(subject))
        ]
        subjects = subjects[max(offset, 0) :]
        if limit <= 0 and len(subjects) > largest:
            raise errors.UnprocessableError(
                f"There are {len(subjects)} subjects, more than the largest page of {largest} "
                "(ACCORD_MAX_PAGE_SIZE): ask for pages with offset and limit"
            )
        return subjects[:limit] if limit > 0 else subjects

    def list_versions(self, *, session: Session, subject: str, version_filter: SubjectFilter) -> list[int]:
        rows = repository.list_versions(session, subject=subject)
        if not any(version_filter is not SubjectFilter.LIVE or not row.deleted for row in rows):
            raise errors.SubjectNotFoundError(subject)
        return [row.version for row in rows if version_filter.admits(row.deleted)]

    def cached_version(self, *, subject: str, version: str, include_deleted: bool) -> VersionView | None:
        """The subject version if the cache can answer without the database (never for "latest")."""
        number = parse_version(version)
        if number == LATEST or self.cache.claim_check():
            return None
        fact = self.cache.version(subject, number)
        if fact is None or (fact.deleted and not include_deleted):
            return None
        schema = self.cache.schema(fact.schema_id)
        return None if schema is None else VersionView(subject, number, schema, fact.deleted)

    def get_version(
        self, *, session: Session, subject: str, version: str, include_deleted: bool
    ) -> VersionView:
        number = parse_version(version)
        epoch = self._observe_epoch(session)
        cached = self.cached_version(subject=subject, version=version, include_deleted=include_deleted)
        if cached is not None:
            return cached
        row = self._find_version(session, subject=subject, version=number)
        if row is None or (row.deleted and not include_deleted):
            self._raise_version_not_found(
                session, subject=subject, version=number, include_deleted=include_deleted
            )
        assert row is not None
        return self._view(session, row, epoch=epoch)

    def referenced_by(self, *, session: Session, subject: str, version: str) -> list[int]:
        view = self.get_version(session=session, subject=subject, version=version, include_deleted=True)
        return repository.referenced_by(session, subject=subject, version=view.version)

    def lookup(
        self,
        *,
        session: Session,
        subject: str,
        submission: SchemaSubmission,
        normalize: bool,
        include_deleted: bool,
    ) -> VersionView:
        """The version of `subject` that is this schema (POST /subjects/{subject})."""
        epoch = self._observe_epoch(session)
        normalize = normalize or self._config(session, subject).normalize
        candidate = self._candidate(session, submission, normalize=normalize)
        found = self._find_in_subject(session, subject, candidate, include_deleted=include_deleted)
        if found is None and not normalize:
            candidate = self._candidate(session, submission, normalize=True)
            found = self._find_in_subject(session, subject, candidate, include_deleted=include_deleted)
        if found is None:
            if repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
                raise errors.SchemaNotFoundError()
            raise errors.SubjectNotFoundError(subject)
        return self._view(session, found, epoch=epoch)

    def register(
        self, *, reader: Session, writer: Session, subject: str, submission: SchemaSubmission, normalize: bool
    ) -> RegisterResult:
        """Register the schema under `subject`, or return its id and version if it already is.

        An already registered schema is answered from `reader` without taking the subject's lock;
        only a new version takes `writer`'s lock, and is then checked again under it.
        """
        validate_subject(subject)
        normalize = normalize or self._config(reader, subject).normalize
        if submission.version is None and submission.text and submission.text.strip():
            candidate = self._candidate(reader, submission, normalize=normalize)
            found = self._find_in_subject(reader, subject, candidate, include_deleted=False)
            if found is not None and submission.schema_id in (None, found.schema_id):
                return RegisterResult(found.schema_id, found.version)
        # Give the reader's connection back before queueing for the subject's lock: holding both
        # would let waiting writers exhaust the pool.
        reader.close()
        return self._register_new(writer, subject=subject, submission=submission, normalize=normalize)

    def _register_new(
        self, session: Session, *, subject: str, submission: SchemaSubmission, normalize: bool
    ) -> RegisterResult:
        repository.lock_subject(session, subject=subject)
        mode = self._mode(session, subject)
        _check_register_mode(subject, mode, importing=submission.schema_id is not None)
        versions = repository.list_versions(session, subject=subject)
        live = [row for row in versions if not row.deleted]
        next_version = versions[-1].version + 1 if versions else 1
        if not (submission.text and submission.text.strip()):
            submission = self._with_previous_schema(session, submission, live)
        candidate = self._candidate(session, submission, normalize=normalize)
        existing_id = repository.find_schema_id(session, fingerprint=candidate.fingerprint)
        requested_id = submission.schema_id
        if existing_id is not None and requested_id is not None and requested_id != existing_id:
            raise errors.IdDoesNotMatchError(existing_id, requested_id)
        if existing_id is not None and submission.version is None:
            registered = repository.find_live_version_of_schema(
                session, subject=subject, schema_id=existing_id
            )
            if registered is not None:
                return RegisterResult(existing_id, registered)
        if mode is not Mode.IMPORT:
            config = self._config(session, subject)
            verdict = self._check(session, candidate, live, config)
            if not verdict.is_compatible:
                raise errors.IncompatibleSchemaError(subject, list(verdict.messages))
            contract_service.check_registration(
                session=session, subject=subject, version=next_version, schema=candidate.parsed
            )
        version = self._version_to_register(session, subject, submission, mode, next_version, existing_id)
        if existing_id is not None and version in {row.version for row in versions}:
            return RegisterResult(existing_id, version)  # importing a version that is already there
        if (
            requested_id is not None
            and existing_id is None
            and repository.get_schema(session, schema_id=requested_id)
        ):
            raise errors.OperationNotPermittedError(
                f"Overwrite new schema with id {requested_id} is not permitted."
            )
        schema_id = existing_id or repository.insert_schema(
            session,
            fingerprint=candidate.fingerprint,
            schema_type=candidate.schema_type.value,
            schema_text=candidate.text,
            schema_metadata=candidate.metadata,
            rule_set=candidate.rule_set,
            references=[(ref.name, ref.subject, ref.version) for ref in candidate.references],
            schema_id=requested_id,
        )
        # Like Confluent, re-registering a schema drops its earlier soft-deleted versions.
        superseded = [row.version for row in versions if row.deleted and row.schema_id == schema_id]
        if superseded:
            repository.delete_versions(session, subject=subject, versions=superseded)
            self._after_delete(session)
        repository.insert_version(session, subject=subject, version=version, schema_id=schema_id)
        return RegisterResult(schema_id, version, created=True)

    def _version_to_register(
        self,
        session: Session,
        subject: str,
        submission: SchemaSubmission,
        mode: Mode,
        next_version: int,
        existing_id: int | None,
    ) -> int:
        if submission.version is None or submission.version == next_version:
            return next_version
        if mode is not Mode.IMPORT:
            raise errors.InvalidSchemaError("Version is not one more than previous version")
        taken = repository.get_version(session, subject=subject, version=submission.version)
        if taken is not None and taken.schema_id != existing_id:
            raise errors.OperationNotPermittedError(
                f"Version {submission.version} of subject '{subject}' is already another schema"
            )
        return submission.version

    def _with_previous_schema(
        self, session: Session, submission: SchemaSubmission, live: Sequence[SubjectVersion]
    ) -> SchemaSubmission:
        """A submission without schema text reuses the latest version's schema (new metadata only)."""
        if not live:
            raise errors.InvalidSchemaError("Empty schema")
        previous = self._load_schema(session, schema_id=live[-1].schema_id, epoch=None)
        return replace(
            submission,
            text=previous.text,
            schema_type=previous.schema_type.value,
            references=previous.references,
        )

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

    # -- compatibility ----------------------------------------------------------------------------

    def check_compatibility(
        self,
        *,
        session: Session,
        subject: str,
        version: str | None,
        submission: SchemaSubmission,
        normalize: bool,
        verbose: bool,
    ) -> CompatibilityVerdict:
        """Check the schema against one version, or (version None) as registering it would."""
        config = self._config(session, subject)
        if version is None:
            previous = [row for row in repository.list_versions(session, subject=subject) if not row.deleted]
        else:
            number = parse_version(version)
            row = self._find_version(session, subject=subject, version=number)
            if row is not None and row.deleted:
                row = None
            if row is None and number != LATEST:
                if not repository.subject_exists(session, subject=subject, include_deleted=False):
                    raise errors.SubjectNotFoundError(subject)
                raise errors.VersionNotFoundError(number)
            previous = [] if row is None else [row]
        try:
            candidate = self._candidate(session, submission, normalize=normalize or config.normalize)
        except errors.InvalidSchemaError as error:
            if verbose:
                return CompatibilityVerdict(False, (error.message,))
            raise
        return self._check(session, candidate, previous, config)

    def _check(
        self, session: Session, candidate: _Candidate, live: Sequence[SubjectVersion], config: EffectiveConfig
    ) -> CompatibilityVerdict:
        if config.level is CompatibilityLevel.NONE or not live:
            return CompatibilityVerdict(True)
        needed = live if config.level.is_transitive else live[-1:]
        previous = [
            PreviousVersion(row.version, self._parsed_schema(session, row.schema_id)) for row in needed
        ]
        result = check_compatibility(candidate.parsed, previous, level=config.level, policy=config.policy)
        return CompatibilityVerdict(result.is_compatible, tuple(result.messages()))

    # -- config and mode --------------------------------------------------------------------------

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

    # -- browsing (the web UI) --------------------------------------------------------------------

    def browse_subjects(
        self, *, session: Session, query: SubjectQuery, visible: Callable[[str], bool] | None = None
    ) -> SubjectPage:
        """One page of subjects with their newest version, filtered, and how many match in all.

        With `visible`, only the subjects it admits count; pages and the total then come from scanning
        the matching subjects, since a caller's grants are patterns the database cannot apply.
        """
        global_level = self.get_config(session=session, subject=None, default_to_global=True).level
        search = repository.SubjectSearch(
            prefix=query.prefix,
            schema_type=None if query.schema_type is None else query.schema_type.value,
            own_levels=() if query.level is None else (query.level.value,),
            unconfigured_level=query.level is global_level,
            deleted={
                SubjectFilter.LIVE: False,
                SubjectFilter.DELETED_ONLY: True,
                SubjectFilter.WITH_DELETED: None,
            }[query.subject_filter],
        )
        if visible is None:
            rows = repository.search_subjects(
                session, search=search, after=query.after, before=query.before, limit=query.limit + 1
            )
            total = repository.count_subjects(session, search=search)
        else:
            backwards = query.before is not None and query.after is None
            scan = _scan_subjects(
                session,
                search,
                after=None if backwards else query.after,
                before=query.before if backwards else None,
            )
            rows = list(islice((row for row in scan if visible(row.subject)), query.limit + 1))
            rows = rows[::-1] if backwards else rows
            everything = _scan_subjects(session, search, after=None, before=None)
            total = sum(1 for row in everything if visible(row.subject))
        more = len(rows) > query.limit
        if query.before is not None and query.after is None:
            rows, has_previous, has_next = rows[-query.limit :], more, True
        else:
            rows, has_previous, has_next = rows[: query.limit], query.after is not None, more
        summaries = [
            SubjectSummary(
                subject=row.subject,
                latest_version=row.latest_version,
                schema_id=row.schema_id,
                schema_type=SchemaType(row.schema_type),
                live_versions=row.live_versions,
                deleted_versions=row.deleted_versions,
                level=CompatibilityLevel(row.compatibility_level or global_level),
                level_source=SettingSource.SUBJECT if row.compatibility_level else SettingSource.GLOBAL,
            )
            for row in rows
        ]
        return SubjectPage(summaries, total, has_previous, has_next)

    def list_version_history(self, *, session: Session, subject: str) -> list[VersionRecord]:
        """Every version of the subject, soft-deleted ones included, oldest first."""
        rows = repository.list_versions(session, subject=subject)
        if not rows:
            raise errors.SubjectNotFoundError(subject)
        return [VersionRecord(row.version, row.schema_id, row.deleted, row.registered_at) for row in rows]

    def get_subject_settings(self, *, session: Session, subject: str) -> SubjectSettings:
        own = repository.get_config(session, subject=subject)
        shared = repository.get_config(session, subject=GLOBAL_SCOPE)
        config = self._config(session, subject)
        level_source = (
            SettingSource.SUBJECT
            if own and own.compatibility_level
            else SettingSource.GLOBAL
            if shared and shared.compatibility_level
            else SettingSource.DEFAULT
        )
        global_mode = repository.get_mode(session, subject=GLOBAL_SCOPE)
        own_mode = repository.get_mode(session, subject=subject)
        mode_source = (
            SettingSource.SUBJECT
            if own_mode is not None and global_mode != Mode.READONLY_OVERRIDE
            else SettingSource.GLOBAL
            if global_mode is not None
            else SettingSource.DEFAULT
        )
        return SubjectSettings(
            config.level, level_source, config.policy, self._mode(session, subject), mode_source
        )

    def compare_versions(self, *, session: Session, subject: str, old: str, new: str) -> VersionComparison:
        """The verdict of every compatibility level on `new` following `old` (soft-deleted ones too)."""
        old_view = self.get_version(session=session, subject=subject, version=old, include_deleted=True)
        new_view = self.get_version(session=session, subject=subject, version=new, include_deleted=True)
        earlier = [
            row
            for row in repository.list_versions(session, subject=subject)
            if not row.deleted and row.version < old_view.version and row.version != new_view.version
        ]
        history = [
            PreviousVersion(row.version, self._parsed_schema(session, row.schema_id)) for row in earlier
        ]
        pair = [PreviousVersion(old_view.version, self._parsed_schema(session, old_view.schema.id))]
        if old_view.version != new_view.version:
            history.append(pair[0])
        else:
            history = pair = []
        candidate = self._parsed_schema(session, new_view.schema.id)
        policy = self._config(session, subject).policy
        results = {
            level: check_compatibility(
                candidate, history if level.is_transitive else pair, level=level, policy=policy
            )
            for level in CompatibilityLevel
        }
        old_schema = self._parsed_schema(session, old_view.schema.id)
        changes = (
            candidate.changes(old_schema, policy=policy)
            if isinstance(candidate, JsonSchema) and isinstance(old_schema, JsonSchema)
            else []
        )
        return VersionComparison(old_view, new_view, policy, results, tuple(changes))

    # -- helpers ----------------------------------------------------------------------------------

    def _observe_epoch(self, session: Session) -> int:
        epoch = repository.read_delete_epoch(session)
        self.cache.observe_epoch(epoch)
        return epoch

    def _after_delete(self, session: Session) -> None:
        repository.bump_delete_epoch(session)
        after_commit(session, self.cache.invalidate)

    def _config(self, session: Session, subject: str) -> EffectiveConfig:
        rows = repository.get_configs(session, subjects=[subject, GLOBAL_SCOPE])
        configured = [rows[scope] for scope in (subject, GLOBAL_SCOPE) if scope in rows]
        level = next((row.compatibility_level for row in configured if row.compatibility_level), None)
        policy = next((row.compatibility_policy for row in configured if row.compatibility_policy), None)
        normalize = next((row.normalize for row in configured if row.normalize is not None), False)
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

    def _find_version(self, session: Session, *, subject: str, version: int) -> SubjectVersion | None:
        if version == LATEST:
            return repository.get_latest_version(session, subject=subject)
        return repository.get_version(session, subject=subject, version=version)

    def _raise_version_not_found(
        self, session: Session, *, subject: str, version: int, include_deleted: bool
    ) -> None:
        if not repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
            raise errors.SubjectNotFoundError(subject)
        raise errors.VersionNotFoundError(version)

    def _view(self, session: Session, row: SubjectVersion, *, epoch: int) -> VersionView:
        self.cache.put_version(row.subject, row.version, VersionFact(row.schema_id, row.deleted), epoch=epoch)
        schema = self.cache.schema(row.schema_id) or self._load_schema(
            session, schema_id=row.schema_id, epoch=epoch
        )
        return VersionView(row.subject, row.version, schema, row.deleted)

    def _load_schema(self, session: Session, *, schema_id: int, epoch: int | None) -> StoredSchema:
        record = repository.get_schema(session, schema_id=schema_id)
        if record is None:
            raise errors.SchemaNotFoundError(schema_id)
        stored = _stored_schema(record, repository.get_references(session, schema_id=schema_id))
        if epoch is not None:
            self.cache.put_schema(stored, epoch=epoch)
        return stored

    def _find_in_subject(
        self, session: Session, subject: str, candidate: _Candidate, *, include_deleted: bool
    ) -> SubjectVersion | None:
        live = repository.find_registered(session, subject=subject, fingerprint=candidate.fingerprint)
        if live is not None:
            return SubjectVersion(subject=subject, version=live[1], schema_id=live[0])
        if not include_deleted:
            return None
        schema_id = repository.find_schema_id(session, fingerprint=candidate.fingerprint)
        if schema_id is None:
            return None
        return repository.find_version_of_schema(session, subject=subject, schema_id=schema_id)

    def _candidate(self, session: Session, submission: SchemaSubmission, *, normalize: bool) -> _Candidate:
        if not (submission.text and submission.text.strip()):
            raise errors.InvalidSchemaError("Empty schema")
        limits.check_schema_size(submission.text, max_bytes=self.settings.max_schema_bytes)
        schema_type = _schema_type(submission.schema_type)
        declared, resolved = self._resolve_references(session, submission.references)
        try:
            parsed = self._parse(schema_type, submission.text, resolved)
        except errors.InvalidSchemaError as error:
            if submission.schema_type is None and _is_json_schema(submission.text, resolved):
                raise errors.InvalidSchemaError(
                    f"{error.message}. The request has no schemaType, so the schema was read as AVRO; "
                    'it is a valid JSON Schema: send "schemaType": "JSON"'
                ) from error
            raise
        text = parsed.normalized if normalize else parsed.canonical
        metadata = _json_text(submission.metadata)
        rule_set = _json_text(submission.rule_set)
        identity = [
            schema_type.value,
            text,
            [[r.name, r.subject, r.version] for r in declared],
            metadata,
            rule_set,
        ]
        fingerprint = hashlib.sha256(orjson.dumps(identity)).hexdigest()
        return _Candidate(parsed, schema_type, text, declared, metadata, rule_set, fingerprint)

    def _resolve_references(
        self, session: Session, references: Sequence[Reference]
    ) -> tuple[tuple[Reference, ...], tuple[ResolvedReference, ...]]:
        """The declared references with concrete versions, and every schema they need, dependencies first."""
        limits.check_reference_count(len(references), max_references=self.settings.max_references)
        declared: list[Reference] = []
        resolved: dict[tuple[str, int], ResolvedReference] = {}

        def visit(reference: Reference, chain: tuple[tuple[str, int], ...]) -> Reference:
            row = self._find_version(session, subject=reference.subject, version=reference.version)
            if row is None:
                raise errors.InvalidSchemaError(
                    f"Invalid schema: reference '{reference.name}' names version {reference.version} of "
                    f"subject '{reference.subject}', which is not registered"
                )
            key = (row.subject, row.version)
            if key in chain:
                raise errors.InvalidSchemaError(f"Invalid schema: references form a cycle through {key}")
            if key not in resolved:
                limits.check_reference_count(len(resolved) + 1, max_references=self.settings.max_references)
                stored = self._load_schema(session, schema_id=row.schema_id, epoch=None)
                for nested in stored.references:
                    visit(nested, (*chain, key))
                resolved[key] = ResolvedReference(
                    reference.name, row.subject, row.version, stored.schema_type, stored.text
                )
            return Reference(reference.name, row.subject, row.version)

        for reference in references:
            declared.append(visit(reference, ()))
        return tuple(declared), tuple(resolved.values())

    def _parse(
        self, schema_type: SchemaType, text: str, resolved: tuple[ResolvedReference, ...]
    ) -> ParsedSchema:
        key = (schema_type, text, resolved)
        parsed = self._parsed.get(key)
        if self.metrics is not None:
            self.metrics.count_cache_lookup("parsed", parsed is not None)
        if parsed is None:
            limits.check_schema_depth(text, max_depth=self.settings.max_schema_depth)
            try:
                parsed = parse_schema(schema_type, text, resolved)
            except EngineInvalidSchemaError as error:
                raise errors.InvalidSchemaError(str(error)) from error
            except Exception as error:
                # Parser libraries raise their own errors on some malformed documents
                # (fastavro: TypeError on `[1]`); they are still the client's invalid schema.
                log.warning("schema parser failed with %s", type(error).__name__, exc_info=error)
                raise errors.InvalidSchemaError(f"Invalid {schema_type.value} schema: {error}") from error
            self._parsed.put(key, parsed)
        return parsed

    def _parsed_schema(self, session: Session, schema_id: int) -> ParsedSchema:
        stored = self.cache.schema(schema_id) or self._load_schema(session, schema_id=schema_id, epoch=None)
        _, resolved = self._resolve_references(session, stored.references)
        return self._parse(stored.schema_type, stored.text, resolved)


def _scan_subjects(
    session: Session, search: repository.SubjectSearch, *, after: str | None, before: str | None
) -> Iterator[repository.SubjectRow]:
    """Every subject matching `search` after `after` by name, or before `before` nearest first, in chunks."""
    chunk_size = 500
    while True:
        chunk = repository.search_subjects(
            session, search=search, after=after, before=before, limit=chunk_size
        )
        chunk = chunk[::-1] if before is not None else chunk
        yield from chunk
        if len(chunk) < chunk_size:
            return
        if before is not None:
            before = chunk[-1].subject
        else:
            after = chunk[-1].subject


def _check_register_mode(subject: str, mode: Mode, *, importing: bool) -> None:
    if mode in (Mode.READONLY, Mode.READONLY_OVERRIDE):
        raise errors.OperationNotPermittedError(f"Subject {subject} is in read-only mode")
    if importing and mode is not Mode.IMPORT:
        raise errors.OperationNotPermittedError(f"Subject {subject} is not in import mode")
    if not importing and mode is not Mode.READWRITE:
        raise errors.OperationNotPermittedError(f"Subject {subject} is not in read-write mode")


def _stored_schema(record: SchemaRecord, references: Sequence[Any]) -> StoredSchema:
    assert record.id is not None
    partial = StoredSchema(
        id=record.id,
        schema_type=SchemaType(record.schema_type),
        text=record.schema_text,
        references=tuple(Reference(ref.name, ref.subject, ref.version) for ref in references),
        metadata=record.schema_metadata,
        rule_set=record.rule_set,
        body=b"",
    )
    return replace(partial, body=wire.render(wire.schema_string(partial)))
