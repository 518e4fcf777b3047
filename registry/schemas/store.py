"""The schemas this process has read: caches of immutable facts (registry/schemas/cache.py), loading
stored schemas, resolving their references, and parsing them.

Nothing is loaded before the process serves: caches fill as requests ask (many at a time: see
`views`, `load_registered_schemas`, `subjects_of`), or in the background with ACCORD_CACHE_WARM_UP
(`warm_up`), so startup time does not grow with the number of registered schemas, and their memory is
bounded by ACCORD_CACHE_*_BYTES.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from registry import errors, limits
from registry.bounded_cache import BoundedCache
from registry.compatibility import ParsedSchema, ResolvedReference, SchemaParseError, SchemaType, parse_schema
from registry.db import after_commit
from registry.models import SubjectVersion
from registry.schemas import change_log_repository, repository, warm_up_repository
from registry.schemas.arguments import LATEST
from registry.schemas.cache import Change, SchemaCache, VersionFact
from registry.schemas.repository import SubjectVersionRow
from registry.schemas.values import Candidate, Reference, StoredSchema, VersionView
from registry.schemas.wire import plain_schema_body, schema_body

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.config import Settings
    from registry.metrics import Metrics

log = logging.getLogger(__name__)
# The share of the schema cache a warm-up may fill: the rest is left to what requests ask for.
WARM_UP_SHARE = 0.9
_SCHEMA_TYPES = {schema_type.value: schema_type for schema_type in SchemaType}  # faster than SchemaType(x)


class SchemaStore:
    """Stored schemas and subject versions, read through the caches, and schemas parsed (a bounded
    cache of parsed schemas: the compatibility checks parse the same versions again and again)."""

    def __init__(self, *, settings: Settings, metrics: Metrics | None = None) -> None:
        self._metrics = metrics
        self._max_references = settings.max_references
        self._max_reference_depth = settings.max_reference_depth
        self._max_schema_depth = settings.max_schema_depth
        on_lookup = None if metrics is None else metrics.count_cache_lookup
        self.cache = SchemaCache(
            check_seconds=settings.cache_check_seconds,
            schema_bytes=settings.cache_schema_bytes,
            version_bytes=settings.cache_version_bytes,
            owners_bytes=settings.cache_owners_bytes,
            on_lookup=on_lookup,
        )
        if metrics is not None:
            metrics.watch_cache("schema", self.cache.schemas)
            metrics.watch_cache("version", self.cache.versions)
            metrics.watch_cache("owners", self.cache.owners)
        self._parsed = BoundedCache[tuple[Any, ...], ParsedSchema](settings.parsed_schema_cache_size)
        self._polling = threading.Lock()

    # -- the change log

    def sync(self, *, session: Session) -> int:
        """Follow the change log if a check is due; returns the generation to put what is read next with."""
        if self.cache.take_poll() and self._polling.acquire(blocking=False):
            try:
                self._poll(session)
            except BaseException:
                self.cache.owe_poll()
                raise
            finally:
                self._polling.release()
        return self.cache.generation()

    def _poll(self, session: Session) -> None:
        position = self.cache.position
        if position.horizon is not None:
            rows = change_log_repository.read_changes(session, after=position.read_after)
            if len(rows) < change_log_repository.CHANGES_PAGE:
                new = position.take([row.id for row in rows])
                changes = [
                    Change(row.kind, row.subject, row.version, row.schema_id) for row in rows if row.id in new
                ]
                if changes:
                    self.cache.apply(changes)
                return
        # The first read, or too far behind to catch up change by change: start afresh.
        position.restart(change_log_repository.last_change_id(session))
        self.cache.reset()

    def record_changes(self, *, session: Session, changes: Sequence[Change]) -> None:
        """Log what a write changed for every process; this one evicts it once the write commits."""
        change_log_repository.record_changes(session, changes=changes)
        after_commit(session, lambda: self.cache.apply(changes))

    # -- stored schemas and versions

    def find_version(self, *, session: Session, subject: str, version: int) -> SubjectVersionRow | None:
        """The version (or, for LATEST, the newest live one), soft-deleted or not."""
        if version == LATEST:
            return repository.get_latest_version(session, subject=subject)
        return repository.get_version(session, subject=subject, version=version)

    def find_versions(
        self, *, session: Session, keys: Sequence[tuple[str, int]]
    ) -> dict[tuple[str, int], SubjectVersionRow]:
        """`find_version` of many (subject, version) keys in at most two queries; keys not found are left
        out."""
        exact = [key for key in keys if key[1] != LATEST]
        latest_of = [subject for subject, version in keys if version == LATEST]
        found: dict[tuple[str, int], SubjectVersionRow] = {}
        for row in repository.get_versions(session, keys=exact, latest_of=latest_of):
            found[(row.subject, row.version)] = row
            if not row.deleted:
                found.setdefault((row.subject, LATEST), row)  # only the newest live version comes back
        return {key: found[key] for key in keys if key in found}

    def raise_version_not_found(
        self, *, session: Session, subject: str, version: int, include_deleted: bool
    ) -> None:
        """40401 when the subject has no versions (of the kind asked for), else 40402."""
        if not repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
            raise errors.SubjectNotFoundError(subject)
        raise errors.VersionNotFoundError(version)

    def view(self, *, session: Session, row: SubjectVersion | SubjectVersionRow, since: int) -> VersionView:
        """The version with its schema, both cached (`since`: the generation read before the row)."""
        return self.views(session=session, rows=[row], since=since)[0]

    def views(
        self, *, session: Session, rows: Sequence[SubjectVersion | SubjectVersionRow], since: int
    ) -> list[VersionView]:
        """`view` of many versions, the schemas the cache lacks read in one query."""
        cache = self.cache
        for row in rows:
            cache.put_version(row.subject, row.version, VersionFact(row.schema_id, row.deleted), since=since)
        schemas = {row.schema_id: cache.schema(row.schema_id) for row in rows}
        missing = [schema_id for schema_id, schema in schemas.items() if schema is None]
        if missing:
            schemas.update(self._load_schemas(session=session, schema_ids=missing, since=since))
        views = []
        for row in rows:
            schema = schemas.get(row.schema_id)
            if schema is None:
                raise errors.SchemaIdNotFoundError(row.schema_id)
            views.append(VersionView(row.subject, row.version, schema, row.deleted))
        return views

    def load_schema(self, *, session: Session, schema_id: int, since: int | None) -> StoredSchema:
        """The stored schema, read from the database (and cached when `since` is given)."""
        stored = self._load_schemas(session=session, schema_ids=[schema_id], since=since).get(schema_id)
        if stored is None:
            raise errors.SchemaIdNotFoundError(schema_id)
        return stored

    def load_registered_schemas(
        self, *, session: Session, schema_ids: Sequence[int], since: int
    ) -> dict[int, StoredSchema]:
        """The stored schemas that some subject version (soft-deleted or not) uses, by id, from the cache
        or read in one query (and cached)."""
        found = {}
        for schema_id in schema_ids:
            cached = self.cache.schema(schema_id)
            if cached is not None:
                found[schema_id] = cached
        missing = [schema_id for schema_id in schema_ids if schema_id not in found]
        if missing:
            loaded = self._load_schemas(session=session, schema_ids=missing, since=since, registered=True)
            found.update(loaded)
        return found

    def _load_schemas(
        self, *, session: Session, schema_ids: Sequence[int], since: int | None, registered: bool = False
    ) -> dict[int, StoredSchema]:
        """The stored schemas read in one query, by id (with `registered`, only those some subject
        version uses); cached when `since` is given."""
        rows = repository.get_schemas_with_references(session, schema_ids=schema_ids, registered=registered)
        loaded = _stored_schemas(rows)
        if since is not None:
            for stored in loaded.values():
                self.cache.put_schema(stored, since=since)
        return loaded

    def warm_up(self, *, session: Session, at_most: int, rows: int) -> int | None:
        """Cache up to `rows` registered schemas with ids up to `at_most`, newest first, while the schema
        cache has room; the id to go on below, or None when there is nothing more to read or no room."""
        since = self.sync(session=session)
        schema_ids = warm_up_repository.registered_ids_up_to(session, at_most=at_most, rows=rows)
        if not schema_ids:
            return None
        page = warm_up_repository.registered_schemas_between(
            session, lowest=schema_ids[-1], highest=schema_ids[0]
        )
        room = int(self.cache.schemas.budget * WARM_UP_SHARE)
        for schema in reversed(_stored_schemas(page).values()):
            if not self.cache.put_schema(schema, since=since, up_to=room):
                return None
        return schema_ids[-1] - 1

    def subjects_of(
        self, *, session: Session, schema_ids: Sequence[int], since: int
    ) -> dict[int, tuple[str, ...]]:
        """The subjects holding each schema id (soft-deleted versions included), from the cache if it
        knows them, the others read in one query; an id no subject holds is left out."""
        found = {}
        for schema_id in schema_ids:
            subjects = self.cache.subjects(schema_id)
            if subjects:
                found[schema_id] = subjects
        missing = [schema_id for schema_id in schema_ids if schema_id not in found]
        if missing:
            rows = repository.subjects_of_schemas(session, schema_ids=missing)
            for schema_id, group in itertools.groupby(rows, key=lambda row: row.schema_id):
                found[schema_id] = tuple(row.subject for row in group)
                self.cache.put_subjects(schema_id, found[schema_id], since=since)
        return found

    def remember_registered(self, candidate: Candidate, *, schema_id: int, since: int) -> None:
        """Cache a schema this process has just stored, parsed too: the next version of its subject is
        checked against it."""
        stored = StoredSchema(
            schema_id,
            candidate.schema_type,
            candidate.text,
            candidate.references,
            candidate.metadata,
            candidate.rule_set,
            body=b"",
        )
        self.cache.put_schema(with_body(stored), since=since)
        if candidate.text == candidate.parsed.canonical:  # the stored text reads as the submitted one
            self._parsed.put((candidate.schema_type, candidate.text, candidate.resolved), candidate.parsed)

    # -- references and parsing

    def resolve_references(
        self,
        *,
        session: Session,
        references: Sequence[Reference],
        readable: Callable[[str], bool] | None = None,
    ) -> tuple[tuple[Reference, ...], tuple[ResolvedReference, ...]]:
        """The declared references with concrete versions, and every schema they need, dependencies first.

        With `readable` (the subjects a submitter may read), every subject reached must be one of them:
        a declared reference to another is 40401, as if it did not exist; a nested one is 40301,
        without its name.
        """
        limits.check_reference_count(len(references), max_references=self._max_references)
        declared: list[Reference] = []
        resolved: dict[tuple[str, int], ResolvedReference] = {}
        entered: set[tuple[str, int]] = set()  # counted when first reached, so a chain counts too

        def visit(reference: Reference, chain: tuple[tuple[str, int], ...]) -> Reference:
            if readable is not None and not readable(reference.subject):
                raise _unreadable(reference, chain)
            row = self.find_version(session=session, subject=reference.subject, version=reference.version)
            if row is None:
                raise errors.InvalidSchemaError(
                    f"Invalid schema: reference '{reference.name}' names version {reference.version} of "
                    f"subject '{reference.subject}', which is not registered"
                )
            key = (row.subject, row.version)
            if key in chain:
                raise errors.InvalidSchemaError(f"Invalid schema: references form a cycle through {key}")
            limits.check_reference_depth(len(chain) + 1, max_depth=self._max_reference_depth)
            if key not in entered:
                entered.add(key)
                limits.check_reference_count(len(entered), max_references=self._max_references)
                stored = self.load_schema(session=session, schema_id=row.schema_id, since=None)
                for nested in stored.references:
                    visit(nested, (*chain, key))
                resolved[key] = ResolvedReference(
                    reference.name, row.subject, row.version, stored.schema_type, stored.text
                )
            return Reference(reference.name, row.subject, row.version)

        for reference in references:
            declared.append(visit(reference, ()))
        return tuple(declared), tuple(resolved.values())

    def parse(
        self, *, schema_type: SchemaType, text: str, resolved: tuple[ResolvedReference, ...]
    ) -> ParsedSchema:
        """The schema parsed by its format's engine (42201 when it does not parse), from the cache if
        it was parsed before."""
        key = (schema_type, text, resolved)
        parsed = self._parsed.get(key)
        if self._metrics is not None:
            self._metrics.count_cache_lookup("parsed", parsed is not None)
        if parsed is None:
            limits.check_schema_depth(text, max_depth=self._max_schema_depth)
            try:
                parsed = parse_schema(schema_type, text, resolved)
            except SchemaParseError as error:
                raise errors.InvalidSchemaError(str(error)) from error
            except Exception as error:
                # Parser libraries raise their own errors on some malformed documents
                # (fastavro: TypeError on `[1]`); they are still the client's invalid schema.
                log.warning("schema parser failed with %s", type(error).__name__, exc_info=error)
                raise errors.InvalidSchemaError(f"Invalid {schema_type.value} schema: {error}") from error
            self._parsed.put(key, parsed)
        return parsed

    def parsed_schema(self, *, session: Session, schema_id: int) -> ParsedSchema:
        """The stored schema with this id, parsed with its references."""
        stored = self.cache.schema(schema_id) or self.load_schema(
            session=session, schema_id=schema_id, since=None
        )
        _, resolved = self.resolve_references(session=session, references=stored.references)
        return self.parse(schema_type=stored.schema_type, text=stored.text, resolved=resolved)


def with_body(schema: StoredSchema) -> StoredSchema:
    """The schema with its /schemas/ids/{id} response body rendered (built afresh: cheaper than
    `dataclasses.replace`, and the cache warm-up builds a million of these)."""
    return StoredSchema(
        schema.id,
        schema.schema_type,
        schema.text,
        schema.references,
        schema.metadata,
        schema.rule_set,
        body=schema_body(schema),
    )


def _stored_schemas(rows: Sequence[Any]) -> dict[int, StoredSchema]:
    """The schemas of `get_schemas_with_references` rows (one per reference, by id), with their response
    bodies, in the order of the rows. A schema without references (nearly every one) is one row, built
    as it is read: the cache warm-up reads a million of them."""
    stored: dict[int, StoredSchema | None] = {}
    referencing: dict[int, list[Any]] = {}
    for row in rows:
        schema_id, schema_type, text, metadata, rule_set, name = row[:6]
        if name is not None:
            stored[schema_id] = None  # built below, in its place
            referencing.setdefault(schema_id, []).append(row)
        elif metadata is None and rule_set is None:
            schema_type = _SCHEMA_TYPES[schema_type]
            body = plain_schema_body(schema_type, text)
            stored[schema_id] = StoredSchema(schema_id, schema_type, text, (), None, None, body)
        else:
            stored[schema_id] = _stored_schema([row])
    for schema_id, schema_rows in referencing.items():
        stored[schema_id] = _stored_schema(schema_rows)
    return stored  # type: ignore[return-value]  # every None was replaced


def _stored_schema(rows: Sequence[Any]) -> StoredSchema:
    """One schema from its rows of `get_schemas_with_references`, one per reference (in any order: a
    JSON page of SQLite's may not keep it)."""
    schema_id, schema_type, text, metadata, rule_set = rows[0][:5]
    rows = sorted(rows, key=lambda row: row[8] or 0)
    return with_body(
        StoredSchema(
            id=schema_id,
            schema_type=_SCHEMA_TYPES[schema_type],
            text=text,
            references=tuple(Reference(*row[5:8]) for row in rows if row[5] is not None),
            metadata=metadata,
            rule_set=rule_set,
            body=b"",
        )
    )


def _unreadable(reference: Reference, chain: tuple[tuple[str, int], ...]) -> errors.ApiError:
    if not chain:
        return errors.SubjectNotFoundError(reference.subject)
    subject, version = chain[0]
    return errors.ForbiddenError(
        f"Reference to version {version} of subject '{subject}' reaches, through its own references, "
        "a subject this caller may not read; a schema may only reference subjects its author can read, "
        "at every depth"
    )
