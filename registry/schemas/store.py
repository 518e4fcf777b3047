"""The schemas this process has read: caches of immutable facts, loading stored schemas, resolving
their references, and parsing them.

A schema id always names the same schema, and version N of a subject always names the same schema id,
until a delete. Every delete (soft or permanent, by any process) bumps `delete_epoch` in the database
in the same transaction. Each process reads that counter at most every `check_seconds` and empties its
caches when it moved, so a delete made by another process is respected within that interval. Entries
remember the epoch read before the data they hold, and entries read before a delete are refused.

Nothing is loaded at startup: caches fill as requests ask, so startup time and memory do not grow with
the number of registered schemas.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from registry import errors, limits
from registry.bounded_cache import BoundedCache
from registry.compatibility import InvalidSchemaError as EngineInvalidSchemaError
from registry.compatibility import ParsedSchema, ResolvedReference, SchemaType, parse_schema
from registry.db import after_commit
from registry.models import SchemaRecord, SchemaReference, SubjectVersion
from registry.schemas import repository
from registry.schemas.arguments import LATEST
from registry.schemas.values import Candidate, Reference, StoredSchema, VersionView
from registry.schemas.wire import schema_body

if TYPE_CHECKING:
    from sqlmodel import Session

    from registry.config import Settings
    from registry.metrics import Metrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VersionFact:
    """Which schema a subject version is, and whether it is soft-deleted."""

    schema_id: int
    deleted: bool


class SchemaCache:
    """Schemas by id and versions by subject, valid for one delete epoch.

    `on_lookup(cache, hit)` is told of every lookup ("schema" or "version"), for the metrics.
    """

    def __init__(self, *, check_seconds: float, on_lookup: Callable[[str, bool], None] | None = None) -> None:
        self._on_lookup = on_lookup or _ignore
        self._check_seconds = check_seconds
        self._schemas: dict[int, StoredSchema] = {}
        self._versions: dict[tuple[str, int], VersionFact] = {}
        self._epoch: int | None = None
        self._next_check = 0.0
        self._lock = threading.Lock()

    def claim_check(self) -> bool:
        """True for the one caller that should read the epoch now; the others keep using the cache.

        So a due check costs one request a database round trip, not every request in flight.
        """
        now = time.monotonic()
        if now < self._next_check:
            return False
        with self._lock:
            if now < self._next_check:
                return False
            self._next_check = now + self._check_seconds
            return True

    def schema(self, schema_id: int) -> StoredSchema | None:
        schema = self._schemas.get(schema_id)
        self._on_lookup("schema", schema is not None)
        return schema

    def version(self, subject: str, version: int) -> VersionFact | None:
        fact = self._versions.get((subject, version))
        self._on_lookup("version", fact is not None)
        return fact

    def observe_epoch(self, epoch: int) -> None:
        """Record the epoch just read from the database; forget everything if it moved."""
        with self._lock:
            if epoch != self._epoch:
                self._schemas.clear()
                self._versions.clear()
                self._epoch = epoch
            self._next_check = time.monotonic() + self._check_seconds

    def invalidate(self) -> None:
        """Forget everything now and read the epoch again on the next access (after a local delete)."""
        with self._lock:
            self._schemas.clear()
            self._versions.clear()
            self._epoch = None
            self._next_check = 0.0

    @property
    def epoch(self) -> int | None:
        """The delete epoch the cached entries belong to (None until one is read)."""
        return self._epoch

    def put_schema(self, schema: StoredSchema, *, epoch: int) -> None:
        with self._lock:
            if epoch == self._epoch:
                self._schemas[schema.id] = schema

    def put_version(self, subject: str, version: int, fact: VersionFact, *, epoch: int) -> None:
        with self._lock:
            if epoch == self._epoch:
                self._versions[(subject, version)] = fact


class SchemaStore:
    """Stored schemas and subject versions, read through the caches, and schemas parsed (a bounded
    cache of parsed schemas: the compatibility checks parse the same versions again and again)."""

    def __init__(self, *, settings: Settings, metrics: Metrics | None = None) -> None:
        self._metrics = metrics
        self._max_references = settings.max_references
        self._max_reference_depth = settings.max_reference_depth
        self._max_schema_depth = settings.max_schema_depth
        on_lookup = None if metrics is None else metrics.count_cache_lookup
        self.cache = SchemaCache(check_seconds=settings.cache_check_seconds, on_lookup=on_lookup)
        self._parsed = BoundedCache[tuple[Any, ...], ParsedSchema](settings.parsed_schema_cache_size)

    # -- the delete epoch

    def observe_epoch(self, *, session: Session) -> int:
        """Read the delete epoch and bring the caches up to date with it."""
        epoch = repository.read_delete_epoch(session)
        self.cache.observe_epoch(epoch)
        return epoch

    def after_delete(self, *, session: Session) -> None:
        """Record a delete: other processes see the epoch move, this one forgets once it commits."""
        repository.bump_delete_epoch(session)
        after_commit(session, self.cache.invalidate)

    # -- stored schemas and versions

    def find_version(self, *, session: Session, subject: str, version: int) -> SubjectVersion | None:
        """The version (or, for LATEST, the newest live one), soft-deleted or not."""
        if version == LATEST:
            return repository.get_latest_version(session, subject=subject)
        return repository.get_version(session, subject=subject, version=version)

    def raise_version_not_found(
        self, *, session: Session, subject: str, version: int, include_deleted: bool
    ) -> None:
        """40401 when the subject has no versions (of the kind asked for), else 40402."""
        if not repository.subject_exists(session, subject=subject, include_deleted=include_deleted):
            raise errors.SubjectNotFoundError(subject)
        raise errors.VersionNotFoundError(version)

    def view(self, *, session: Session, row: SubjectVersion, epoch: int) -> VersionView:
        """The version with its schema, both remembered for `epoch`."""
        self.cache.put_version(row.subject, row.version, VersionFact(row.schema_id, row.deleted), epoch=epoch)
        schema = self.cache.schema(row.schema_id) or self.load_schema(
            session=session, schema_id=row.schema_id, epoch=epoch
        )
        return VersionView(row.subject, row.version, schema, row.deleted)

    def load_schema(self, *, session: Session, schema_id: int, epoch: int | None) -> StoredSchema:
        """The stored schema, read from the database (and cached for `epoch` when one is given)."""
        record = repository.get_schema(session, schema_id=schema_id)
        if record is None:
            raise errors.SchemaNotFoundError(schema_id)
        stored = stored_schema(record, repository.get_references(session, schema_id=schema_id))
        if epoch is not None:
            self.cache.put_schema(stored, epoch=epoch)
        return stored

    def remember_registered(self, candidate: Candidate, *, schema_id: int, epoch: int) -> None:
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
        self.cache.put_schema(with_body(stored), epoch=epoch)
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
                stored = self.load_schema(session=session, schema_id=row.schema_id, epoch=None)
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
            except EngineInvalidSchemaError as error:
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
            session=session, schema_id=schema_id, epoch=None
        )
        _, resolved = self.resolve_references(session=session, references=stored.references)
        return self.parse(schema_type=stored.schema_type, text=stored.text, resolved=resolved)


def stored_schema(record: SchemaRecord, references: Sequence[SchemaReference]) -> StoredSchema:
    assert record.id is not None
    return with_body(
        StoredSchema(
            id=record.id,
            schema_type=SchemaType(record.schema_type),
            text=record.schema_text,
            references=tuple(Reference(ref.name, ref.subject, ref.version) for ref in references),
            metadata=record.schema_metadata,
            rule_set=record.rule_set,
            body=b"",
        )
    )


def with_body(schema: StoredSchema) -> StoredSchema:
    """The schema with its /schemas/ids/{id} response body rendered."""
    return replace(schema, body=schema_body(schema))


def _unreadable(reference: Reference, chain: tuple[tuple[str, int], ...]) -> errors.RegistryError:
    if not chain:
        return errors.SubjectNotFoundError(reference.subject)
    subject, version = chain[0]
    return errors.ForbiddenError(
        f"Reference to version {version} of subject '{subject}' reaches, through its own references, "
        "a subject this caller may not read; a schema may only reference subjects its author can read, "
        "at every depth"
    )


def _ignore(_cache: str, _hit: bool) -> None:
    pass
