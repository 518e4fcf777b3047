"""Reading schemas by id, subjects and their versions, and finding a submitted schema in a subject."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from registry import errors
from registry.models import SubjectVersion
from registry.schemas import repository
from registry.schemas.arguments import LATEST, SubjectFilter, parse_version
from registry.schemas.values import Candidate, SchemaSubmission, StoredSchema, VersionView

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.schemas.candidates import CandidateParser
    from registry.schemas.store import SchemaStore
    from registry.settings import SettingsService


class SchemaLookup:
    """Schemas by id, subject listings and versions, and POST /subjects/{subject}.

    Listings are bounded: GET /schemas pages hold `search_default_limit` versions unless a limit up to
    `search_max_limit` is asked for; GET /subjects answers at most `max_page_size` names.
    """

    def __init__(
        self,
        *,
        store: SchemaStore,
        parser: CandidateParser,
        settings: SettingsService,
        search_default_limit: int,
        search_max_limit: int,
        max_page_size: int,
    ) -> None:
        self._store = store
        self._parser = parser
        self._settings = settings
        self._search_default_limit = search_default_limit
        self._search_max_limit = search_max_limit
        self._max_page_size = max_page_size

    def cached_schema(
        self, schema_id: int, visible: Callable[[str], bool] | None = None
    ) -> StoredSchema | None:
        """The schema if the cache can answer without the database (not when a check is due); with
        `visible` only if the cache knows which subjects hold it, and 40403 if `visible` admits none."""
        cache = self._store.cache
        if cache.claim_check():
            return None
        if visible is not None:
            subjects = cache.subjects(schema_id)
            if subjects is None:
                return None
            check_visible(schema_id, subjects, visible)
        return cache.schema(schema_id)

    def get_schema(self, *, session: Session, schema_id: int) -> StoredSchema:
        """The schema with this id, while any subject version (soft-deleted or not) uses it."""
        found = self.read_schemas(session=session, keys=[(schema_id, False)]).get((schema_id, False))
        if found is None:
            raise errors.SchemaIdNotFoundError(schema_id)
        return found[0]

    def read_schemas(
        self, *, session: Session, keys: Sequence[tuple[int, bool]]
    ) -> dict[tuple[int, bool], tuple[StoredSchema, tuple[str, ...] | None]]:
        """GET /schemas/ids/{id} on a miss, for many ids at once: for each (id, with_subjects) key whose
        schema some subject version uses, the schema and, `with_subjects`, the subjects that hold it (for
        `check_visible`), all cached for the next request. Keys of unknown ids are left out."""
        since = self._store.sync(session=session)
        schemas = self._store.load_registered_schemas(
            session=session, schema_ids=[schema_id for schema_id, _ in keys], since=since
        )
        wanted = [schema_id for schema_id, with_subjects in keys if with_subjects and schema_id in schemas]
        subjects = self._store.subjects_of(session=session, schema_ids=wanted, since=since) if wanted else {}
        return {
            (schema_id, with_subjects): (
                schemas[schema_id],
                subjects.get(schema_id, ()) if with_subjects else None,
            )
            for schema_id, with_subjects in keys
            if schema_id in schemas
        }

    def schema_is_visible(
        self, *, session: Session, schema_id: int, visible: Callable[[str], bool] | None
    ) -> bool:
        """Whether `visible` (None: everything is) admits a subject using the schema (40403 if none does
        at all). Which subjects do is cached, so a repeated check needs no query."""
        if visible is None:
            return True
        since = self._store.sync(session=session)
        subjects = self._store.subjects_of(session=session, schema_ids=[schema_id], since=since)
        if schema_id not in subjects:
            raise errors.SchemaIdNotFoundError()
        return any(visible(subject) for subject in subjects[schema_id])

    def check_schema_visible(
        self, *, session: Session, schema_id: int, visible: Callable[[str], bool] | None
    ) -> None:
        """40403, as if the schema did not exist, unless `visible` admits a subject that uses it."""
        if not self.schema_is_visible(session=session, schema_id=schema_id, visible=visible):
            raise errors.SchemaIdNotFoundError(schema_id)

    def warm_up(self, *, session: Session, at_most: int, rows: int) -> int | None:
        """One page of the cache warm-up (registry/schemas/warm_up.py): see `SchemaStore.warm_up`."""
        return self._store.warm_up(session=session, at_most=at_most, rows=rows)

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
        if not 0 < limit <= self._search_max_limit:
            limit = self._search_default_limit
        since = self._store.sync(session=session)
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
        return [self._store.view(session=session, row=row, since=since) for row in rows]

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
        largest = self._max_page_size
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
        if number == LATEST or self._store.cache.claim_check():
            return None
        return self._cached_version(subject, number, include_deleted=include_deleted)

    def _cached_version(self, subject: str, number: int, *, include_deleted: bool) -> VersionView | None:
        cache = self._store.cache
        fact = cache.version(subject, number)
        if fact is None or (fact.deleted and not include_deleted):
            return None
        schema = cache.schema(fact.schema_id)
        return None if schema is None else VersionView(subject, number, schema, fact.deleted)

    def get_version(
        self, *, session: Session, subject: str, version: str, include_deleted: bool
    ) -> VersionView:
        number = parse_version(version)
        since = self._store.sync(session=session)
        if number != LATEST:
            cached = self._cached_version(subject, number, include_deleted=include_deleted)
            if cached is not None:
                return cached
        row = self._store.find_version(session=session, subject=subject, version=number)
        if row is None or (row.deleted and not include_deleted):
            self._store.raise_version_not_found(
                session=session, subject=subject, version=number, include_deleted=include_deleted
            )
        assert row is not None
        return self._store.view(session=session, row=row, since=since)

    def read_versions(
        self, *, session: Session, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], VersionView]:
        """GET /subjects/{subject}/versions/{version} on a miss, for many (subject, version number or
        LATEST) keys at once, soft-deleted versions included; keys not found are left out (`get_version`
        says why)."""
        since = self._store.sync(session=session)
        rows = self._store.find_versions(session=session, keys=keys)
        views = self._store.views(session=session, rows=list(rows.values()), since=since)
        return dict(zip(rows, views, strict=True))

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
        since = self._store.sync(session=session)
        normalize = normalize or self._settings.effective_config(session=session, subject=subject).normalize
        candidate = self._parser.parse(session=session, submission=submission, normalize=normalize)
        found = self._find_in_subject(session, subject, candidate, include_deleted=include_deleted)
        if found is None and not normalize:
            candidate = self._parser.parse(session=session, submission=submission, normalize=True)
            found = self._find_in_subject(session, subject, candidate, include_deleted=include_deleted)
        if found is None:
            if repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
                raise errors.SchemaIdNotFoundError()
            raise errors.SubjectNotFoundError(subject)
        return self._store.view(session=session, row=found, since=since)

    def _versions_of_schema(self, session: Session, *, schema_id: int) -> Sequence[SubjectVersion]:
        rows = repository.versions_of_schema(session, schema_id=schema_id)
        if not rows:
            raise errors.SchemaIdNotFoundError()
        return rows

    def _find_in_subject(
        self, session: Session, subject: str, candidate: Candidate, *, include_deleted: bool
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


def check_visible(schema_id: int, subjects: tuple[str, ...], visible: Callable[[str], bool]) -> None:
    """40403, as if the schema did not exist, unless `visible` admits one of the subjects holding it."""
    if not any(visible(subject) for subject in subjects):
        raise errors.SchemaIdNotFoundError(schema_id)
