"""Cache misses read together: every lookup that misses while the event loop is busy joins one batch,
read by one query for all of them (`WHERE id IN (...)`) when the loop gets to it.

Misses come in bursts (a consumer group restarting, a new pod, a deploy of the registry itself), and
on a miss nearly all the cost is the round trip, not the row: a worker thread, a pooled connection, a
statement. A batch pays it once for all the requests that arrived together, however many there are.
Requests of one key share its answer, so a burst of one id reads it once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

from fastapi import Request

from registry.db import Database
from registry.schemas import SchemaLookup
from registry.schemas.values import StoredSchema, VersionView
from registry.web.dependencies import read_in_session, services_of

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")

SchemaWithSubjects = tuple[StoredSchema, tuple[str, ...] | None]

MAX_BATCH = 500  # keys per query: well under any database's limit on bound parameters
MAX_IN_FLIGHT = 2  # batches read at once; the misses that arrive meanwhile wait for the next


class BatchReader(Generic[Key, Value]):
    """`get(key)` waits for the batch that reads `key`: `read_many(keys)` answers a dict of the keys it
    found. A batch starts once the event loop has run what was ready, so it holds every miss that arrived
    meanwhile; an error fails every request of its batch. A batch runs as its own task, so a request
    that goes away does not cancel it for the others."""

    def __init__(self, read_many: Callable[[list[Key]], Awaitable[dict[Key, Value]]]) -> None:
        self._read_many = read_many
        self._waiting: dict[Key, asyncio.Future[Value | None]] = {}
        self._starting = False
        self._in_flight: set[asyncio.Task[None]] = set()  # kept: the loop holds tasks only weakly

    async def get(self, key: Key) -> Value | None:
        future = self._waiting.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            future.add_done_callback(_retrieve)
            self._waiting[key] = future
            self._start_soon()
        return await asyncio.shield(future)

    def _start_soon(self) -> None:
        if not self._starting and len(self._in_flight) < MAX_IN_FLIGHT:
            self._starting = True
            asyncio.get_running_loop().call_soon(self._start)

    def _start(self) -> None:
        self._starting = False
        if not self._waiting or len(self._in_flight) >= MAX_IN_FLIGHT:
            return
        keys = list(self._waiting)[:MAX_BATCH]
        batch = {key: self._waiting.pop(key) for key in keys}
        task = asyncio.ensure_future(self._read(batch))
        self._in_flight.add(task)
        task.add_done_callback(self._done)

    async def _read(self, batch: dict[Key, asyncio.Future[Value | None]]) -> None:
        try:
            found = await self._read_many(list(batch))
        except Exception as error:
            for future in batch.values():
                future.set_exception(error)
        else:
            for key, future in batch.items():
                future.set_result(found.get(key))

    def _done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if self._waiting:
            self._start_soon()


def _retrieve(future: asyncio.Future[Any]) -> None:
    # An error every requester of a key has stopped waiting for is not worth a warning in the log.
    if not future.cancelled():
        future.exception()


class MissReaders:
    """The batch readers of one application: schemas by (id, with the subjects holding it), and subject
    versions by (subject, version number or LATEST)."""

    def __init__(self, request: Request, lookup: SchemaLookup) -> None:
        database: Database = request.app.state.database
        self.schemas: BatchReader[tuple[int, bool], SchemaWithSubjects] = BatchReader(
            lambda keys: read_in_session(database, lookup.read_schemas, keys=keys)
        )
        self.versions: BatchReader[tuple[str, int], VersionView] = BatchReader(
            lambda keys: read_in_session(database, lookup.read_versions, keys=keys)
        )


def miss_readers_of(request: Request) -> MissReaders:
    # Created on first use: their futures belong to the running event loop.
    state = request.app.state
    if getattr(state, "miss_readers", None) is None:
        state.miss_readers = MissReaders(request, services_of(request).lookup)
    readers: MissReaders = state.miss_readers
    return readers
