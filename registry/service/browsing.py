"""What the web UI shows: pages of subjects, version histories, settings and version comparisons."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from registry import errors, repository
from registry.compatibility import (
    CompatibilityLevel,
    JsonSchema,
    PreviousVersion,
    SchemaType,
    check_compatibility,
)
from registry.models import GLOBAL_SCOPE
from registry.service.arguments import Mode, SubjectFilter
from registry.service.checks import CompatibilityChecks
from registry.service.lookup import Lookup
from registry.service.views import (
    SettingSource,
    SubjectPage,
    SubjectQuery,
    SubjectSettings,
    SubjectSummary,
    VersionComparison,
    VersionRecord,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sqlmodel import Session


class Browsing(Lookup, CompatibilityChecks):
    """Browsing subjects and their history."""

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
