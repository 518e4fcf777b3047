"""In-process caches of facts that do not change while a schema stays registered.

A schema id always names the same schema, and version N of a subject always names the same schema id,
until a delete. Every delete (soft or permanent, by any process) bumps `delete_epoch` in the database
in the same transaction. Each process reads that counter at most every `check_seconds` and empties its
caches when it moved, so a delete made by another process is respected within that interval. Entries
remember the epoch read before the data they hold, and entries read before a delete are refused.

Nothing is loaded at startup: caches fill as requests ask, so startup time and memory do not grow with
the number of registered schemas.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from registry.compatibility import SchemaType

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference a schema declares: the type `name` is `version` of `subject`."""

    name: str
    subject: str
    version: int


@dataclass(frozen=True, slots=True)
class StoredSchema:
    """A registered schema as /schemas/ids/{id} returns it, plus its response body pre-serialized."""

    id: int
    schema_type: SchemaType
    text: str
    references: tuple[Reference, ...]
    metadata: str | None  # JSON text, as submitted
    rule_set: str | None  # JSON text, as submitted
    body: bytes


@dataclass(frozen=True, slots=True)
class VersionFact:
    """Which schema a subject version is, and whether it is soft-deleted."""

    schema_id: int
    deleted: bool


class BoundedCache(Generic[Key, Value]):
    """A thread-safe least-recently-used map of at most `size` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)


class RegistryCache:
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


def _ignore(_cache: str, _hit: bool) -> None:
    pass
