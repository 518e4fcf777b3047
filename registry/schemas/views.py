"""What the web UI shows of schemas: pages of subjects, version histories and version comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from registry import errors
from registry.compatibility import (
    Change,
    CompatibilityLevel,
    CompatibilityPolicy,
    CompatibilityResult,
    JsonSchema,
    PreviousVersion,
    Roles,
    SchemaType,
    check_compatibility,
)
from registry.compatibility.protobuf import ProtobufSchema
from registry.schemas import repository, search_repository
from registry.schemas.arguments import SubjectFilter
from registry.settings import SettingSource

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from sqlmodel import Session

    from registry.compatibility import ParsedSchema
    from registry.schemas.lookup import SchemaLookup
    from registry.schemas.store import SchemaStore
    from registry.schemas.values import VersionView
    from registry.settings import SettingsService


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


class SchemaViews:
    """Browsing subjects and their history."""

    def __init__(self, *, store: SchemaStore, lookup: SchemaLookup, settings: SettingsService) -> None:
        self._store = store
        self._lookup = lookup
        self._settings = settings

    def browse_subjects(
        self, *, session: Session, query: SubjectQuery, visible: Callable[[str], bool] | None = None
    ) -> SubjectPage:
        """One page of subjects with their newest version, filtered, and how many match in all.

        With `visible`, only the subjects it admits count; pages and the total then come from scanning
        the matching subjects, since a caller's grants are patterns the database cannot apply.
        """
        global_level = self._settings.get_config(session=session, subject=None, default_to_global=True).level
        search = search_repository.SubjectSearch(
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
            rows = search_repository.search_subjects(
                session, search=search, after=query.after, before=query.before, limit=query.limit + 1
            )
            total = search_repository.count_subjects(session, search=search)
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

    def compare_versions(self, *, session: Session, subject: str, old: str, new: str) -> VersionComparison:
        """The verdict of every compatibility level on `new` following `old` (soft-deleted ones too)."""
        old_view = self._lookup.get_version(
            session=session, subject=subject, version=old, include_deleted=True
        )
        new_view = self._lookup.get_version(
            session=session, subject=subject, version=new, include_deleted=True
        )
        earlier = [
            row
            for row in repository.list_versions(session, subject=subject)
            if not row.deleted and row.version < old_view.version and row.version != new_view.version
        ]

        def parsed(schema_id: int) -> ParsedSchema:
            return self._store.parsed_schema(session=session, schema_id=schema_id)

        history = [PreviousVersion(row.version, parsed(row.schema_id)) for row in earlier]
        pair = [PreviousVersion(old_view.version, parsed(old_view.schema.id))]
        if old_view.version != new_view.version:
            history.append(pair[0])
        else:
            history = pair = []
        candidate = parsed(new_view.schema.id)
        policy = self._settings.effective_config(session=session, subject=subject).policy
        results = {
            level: check_compatibility(
                candidate, history if level.is_transitive else pair, level=level, policy=policy
            )
            for level in CompatibilityLevel
        }
        old_schema = parsed(old_view.schema.id)
        changes: list[Change] = []
        if isinstance(candidate, JsonSchema) and isinstance(old_schema, JsonSchema):
            changes = candidate.changes(old_schema, policy=policy)
        elif isinstance(candidate, ProtobufSchema) and isinstance(old_schema, ProtobufSchema):
            changes = candidate.changes(old_schema, roles=Roles.backward())
        return VersionComparison(old_view, new_view, policy, results, tuple(changes))


def _scan_subjects(
    session: Session, search: search_repository.SubjectSearch, *, after: str | None, before: str | None
) -> Iterator[search_repository.SubjectRow]:
    """Every subject matching `search` after `after` by name, or before `before` nearest first, in chunks."""
    chunk_size = 500
    while True:
        chunk = search_repository.search_subjects(
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
