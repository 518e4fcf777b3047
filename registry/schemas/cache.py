"""The caches of immutable facts one process keeps, bounded in bytes, and how they follow changes.

A schema id always names the same schema, and version N of a subject always names the same schema id,
until a delete. Each delete writes what it changed into the `cache_changes` log in its own transaction:
`soft` (a version soft-deleted: its version fact changes, nothing `/schemas/ids/{id}` serves does),
`hard` (a version removed: its fact, its schema and the subjects of that schema go) and `added` (an
existing schema id registered under one more subject: the subjects of that schema go). Each process
reads the log past what it has seen at most every `check_seconds`, and evicts only those entries; the
process that made the change evicts them as soon as it commits. A process too far behind (a full page of
changes) empties its caches and starts at the end of the log; the log keeps only its newest rows.

Entries are put with the generation read before the data they hold was read; an entry evicted at a
later generation is refused, so a read that raced with a delete cannot put back what it removed.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Literal

from registry.bounded_cache import ByteBoundedCache
from registry.schemas.values import StoredSchema

SOFT = "soft"
HARD = "hard"
ADDED = "added"
CacheName = Literal["schema", "version", "owners"]

# Evictions remembered to refuse racing puts; a put read before the oldest forgotten one is refused.
REMEMBERED_EVICTIONS = 10_000
# A change id not seen while later ones are (its transaction had not committed yet) is looked for again
# until this old: a transaction that rolled back leaves such a gap for good.
GAP_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class VersionFact:
    """Which schema a subject version is, and whether it is soft-deleted."""

    schema_id: int
    deleted: bool


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the change log (see the module's docstring for the kinds)."""

    kind: str
    subject: str | None = None
    version: int | None = None
    schema_id: int | None = None


def schema_size(schema: StoredSchema) -> int:
    """What a cached schema costs in memory, near enough: its text and body, and the object around them."""
    size = sys.getsizeof(schema.text) + sys.getsizeof(schema.body) + 120 * len(schema.references) + 400
    if schema.metadata is not None:
        size += len(schema.metadata)
    if schema.rule_set is not None:
        size += len(schema.rule_set)
    return size


def version_size(key: tuple[str, int]) -> int:
    return sys.getsizeof(key[0]) + 250


def owners_size(subjects: tuple[str, ...]) -> int:
    return sum(sys.getsizeof(subject) + 8 for subject in subjects) + 200


class SchemaCache:
    """Schemas by id, versions by subject, and the subjects that hold each schema id (for permission
    checks), each a byte-bounded LRU.

    `on_lookup(cache, hit)` is told of every lookup, for the metrics.
    """

    def __init__(
        self,
        *,
        check_seconds: float,
        schema_bytes: int,
        version_bytes: int,
        owners_bytes: int,
        on_lookup: Callable[[str, bool], None] | None = None,
    ) -> None:
        self._on_lookup = on_lookup or _ignore
        self._check_seconds = check_seconds
        self.schemas = ByteBoundedCache[int, StoredSchema](schema_bytes, schema_size)
        self.versions = ByteBoundedCache[tuple[str, int], tuple[tuple[str, int], VersionFact]](
            version_bytes, lambda entry: version_size(entry[0])
        )
        self.owners = ByteBoundedCache[int, tuple[str, ...]](owners_bytes, owners_size)
        self._lock = threading.Lock()
        self._generation = 1
        self._evicted: OrderedDict[Hashable, int] = OrderedDict()
        self._refuse_below = 1
        self._next_check = 0.0
        self._poll_owed = False
        self.position = LogPosition()

    # -- when to read the change log

    def claim_check(self) -> bool:
        """True for the one caller that should read the change log now; the others keep using the
        cache. So a due check costs one request a database round trip, not every request in flight."""
        now = time.monotonic()
        if now < self._next_check:
            return False
        with self._lock:
            if now < self._next_check:
                return False
            self._next_check = now + self._check_seconds
            self._poll_owed = True
            return True

    def take_poll(self) -> bool:
        """Whether the caller (about to use the database) should read the change log now."""
        self.claim_check()
        with self._lock:
            owed, self._poll_owed = self._poll_owed, False
            return owed

    def owe_poll(self) -> None:
        """A poll failed: the next caller reads the change log again."""
        with self._lock:
            self._poll_owed = True

    # -- reads

    def generation(self) -> int:
        """Read before reading what will be put, and passed to the put."""
        return self._generation

    def schema(self, schema_id: int) -> StoredSchema | None:
        schema = self.schemas.get(schema_id)
        self._on_lookup("schema", schema is not None)
        return schema

    def version(self, subject: str, version: int) -> VersionFact | None:
        entry = self.versions.get((subject, version))
        self._on_lookup("version", entry is not None)
        return None if entry is None else entry[1]

    def subjects(self, schema_id: int) -> tuple[str, ...] | None:
        """The subjects (soft-deleted versions included) that hold the schema id, if known."""
        subjects = self.owners.get(schema_id)
        self._on_lookup("owners", subjects is not None)
        return subjects

    # -- puts

    def put_schema(self, schema: StoredSchema, *, since: int, up_to: int | None = None) -> bool:
        """Cache the schema unless a later eviction made it stale; with `up_to`, only if the schema cache
        stays within that many bytes (False when it would not: the warm-up stops there)."""
        with self._lock:
            if self._stale(("schema", schema.id), since):
                return True
            return self.schemas.put(schema.id, schema, up_to=up_to)

    def put_version(self, subject: str, version: int, fact: VersionFact, *, since: int) -> None:
        with self._lock:
            if not self._stale(("version", subject, version), since):
                self.versions.put((subject, version), ((subject, version), fact))

    def put_subjects(self, schema_id: int, subjects: tuple[str, ...], *, since: int) -> None:
        with self._lock:
            if not self._stale(("owners", schema_id), since):
                self.owners.put(schema_id, subjects)

    # -- following changes

    def apply(self, changes: Iterable[Change]) -> None:
        """Evict what the changes made stale (see the module's docstring)."""
        with self._lock:
            self._generation += 1
            for change in changes:
                if change.subject is not None and change.version is not None:
                    self._evict(("version", change.subject, change.version))
                    self.versions.pop((change.subject, change.version))
                if change.kind in (HARD, ADDED) and change.schema_id is not None:
                    self._evict(("owners", change.schema_id))
                    self.owners.pop(change.schema_id)
                if change.kind == HARD and change.schema_id is not None:
                    self._evict(("schema", change.schema_id))
                    self.schemas.pop(change.schema_id)

    def reset(self) -> None:
        """Forget everything, and refuse every put read before now."""
        with self._lock:
            self._generation += 1
            self._refuse_below = self._generation
            self._evicted.clear()
            self.schemas.clear()
            self.versions.clear()
            self.owners.clear()

    def _stale(self, key: Hashable, since: int) -> bool:
        return since < self._refuse_below or self._evicted.get(key, 0) > since

    def _evict(self, key: Hashable) -> None:
        self._evicted.pop(key, None)
        self._evicted[key] = self._generation
        if len(self._evicted) > REMEMBERED_EVICTIONS:
            _, forgotten = self._evicted.popitem(last=False)
            self._refuse_below = max(self._refuse_below, forgotten)


class LogPosition:
    """How far this process has read the change log: every id up to `horizon`, and the ids above it
    that were missing when later ones were read (their transactions may still commit)."""

    def __init__(self) -> None:
        self.horizon: int | None = None
        self._missing: dict[int, float] = {}

    @property
    def read_after(self) -> int:
        """The id to read the log after."""
        assert self.horizon is not None
        return min(self._missing, default=self.horizon + 1) - 1

    def take(self, ids: list[int]) -> set[int]:
        """Record the ids read (ascending); returns the ones not applied before."""
        assert self.horizon is not None
        now = time.monotonic()
        new = {change_id for change_id in ids if change_id > self.horizon or change_id in self._missing}
        for change_id in new:
            self._missing.pop(change_id, None)
        if ids and ids[-1] > self.horizon:
            seen = set(ids)
            for gap in range(self.horizon + 1, ids[-1]):
                if gap not in seen:
                    self._missing[gap] = now
            self.horizon = ids[-1]
        self._missing = {
            gap: noticed for gap, noticed in self._missing.items() if now - noticed < GAP_SECONDS
        }
        return new

    def restart(self, horizon: int) -> None:
        self.horizon = horizon
        self._missing.clear()


def _ignore(_cache: str, _hit: bool) -> None:
    pass
