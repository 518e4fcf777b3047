"""The outbox relay: moves committed events from the outbox table to the broker, at least once, in order
per key. Runs in-process (`await relay.run(stop)`) or as the `accord-outbox-relay` command.

One round is one transaction: lock up to `lanes_per_round` lanes that have rows (`FOR UPDATE SKIP
LOCKED`, so relays running side by side take different lanes), read up to `batch_size` of their rows in
id order, hand them to the sink, which returns once the broker confirmed every one (RabbitMQ's publisher
confirms), delete them, commit. Between rounds with nothing to do the relay sleeps until a NOTIFY from
the outbox's trigger, or `poll_interval` at most.

What a crash costs: a relay that dies mid-round (SIGKILL, power loss) commits nothing, so its lanes'
rows are still there and the next round sends them again: the events it had already sent in that round,
at most `batch_size`, are delivered twice, never lost, and still in order per key (the repeat starts at
the oldest undeleted row). Consumers deduplicate by eventId (client.delivery.idempotency).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import psycopg

from client.delivery.outbox import DEFAULT_TABLE
from client.delivery.sql import check_identifier

__all__ = ["OutboxRecord", "OutboxRelay", "Sink"]

logger = logging.getLogger("accord.client.delivery")


class OutboxRecord(NamedTuple):
    """One event read from the outbox, ready to send as it was serialized at publish time."""

    id: int
    event_id: str
    event_type: str
    source: str
    correlation_id: str
    partition_key: str | None
    occurred_at: datetime
    destination: str | None
    payload: bytes
    headers: dict[str, str]


class Sink(Protocol):
    """Where the relay sends events: returns once the broker has confirmed them all, raises otherwise."""

    async def send(self, records: Sequence[OutboxRecord]) -> None: ...


Connect = Callable[[], Awaitable[psycopg.AsyncConnection[Any]]]


class OutboxRelay:
    """Relays the outbox `table` of the database that `connect()` opens to `sink`."""

    def __init__(
        self,
        connect: Connect | str,
        sink: Sink,
        *,
        table: str = DEFAULT_TABLE,
        batch_size: int = 500,
        lanes_per_round: int = 4,
        poll_interval: float = 1.0,
    ) -> None:
        if batch_size < 1 or lanes_per_round < 1:
            raise ValueError("batch_size and lanes_per_round must be at least 1")
        if isinstance(connect, str):
            dsn = connect

            async def connect_dsn() -> psycopg.AsyncConnection[Any]:
                return await psycopg.AsyncConnection.connect(dsn)

            connect = connect_dsn
        self._connect = connect
        self._sink = sink
        self.table = check_identifier(table)
        self._channel = self.table.rsplit(".", 1)[-1]
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._claim_lanes = (
            f"SELECT lane FROM {self.table}_lanes l "
            f"WHERE EXISTS (SELECT 1 FROM {self.table} o WHERE o.lane = l.lane) "
            f"ORDER BY random() LIMIT {int(lanes_per_round)} FOR UPDATE SKIP LOCKED"
        )
        self._read = (
            f"SELECT id, event_id, event_type, source, correlation_id, partition_key, occurred_at, "
            f"destination, payload, headers FROM {self.table} WHERE lane = ANY(%s) ORDER BY id LIMIT %s"
        )
        self._delete = f"DELETE FROM {self.table} WHERE id = ANY(%s)"
        self.relayed = 0
        self.failures = 0  # rounds that failed and were tried again (run)

    async def relay_round(self, connection: psycopg.AsyncConnection[Any]) -> int:
        """One round in one transaction; the number of events sent (0: nothing to do or all lanes busy)."""
        async with connection.transaction():
            lanes = [row[0] for row in await (await connection.execute(self._claim_lanes)).fetchall()]
            if not lanes:
                return 0
            cursor = await connection.execute(self._read, (lanes, self.batch_size))
            records = [OutboxRecord(*row) for row in await cursor.fetchall()]
            if not records:
                return 0
            await self._sink.send(records)
            await connection.execute(self._delete, ([record.id for record in records],))
        self.relayed += len(records)
        return len(records)

    async def drain(self) -> int:
        """Relay until the outbox is empty (or its lanes are all taken); the number of events sent."""
        connection = await self._connect()
        try:
            total = 0
            while sent := await self.relay_round(connection):
                total += sent
            return total
        finally:
            await connection.close()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until `stop` is set: rounds while there is work, then wait for a NOTIFY (or the poll
        interval). A failing sink or database is logged and retried after the poll interval."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self._serve(stop)
            except Exception as error:  # a relay outlives its database's and its broker's failures
                self.failures += 1
                logger.warning(
                    "outbox relay: %s: %s; retrying in %.1f s",
                    type(error).__name__,
                    error,
                    self.poll_interval,
                )
                await _wait(stop, self.poll_interval)

    async def _serve(self, stop: asyncio.Event) -> None:
        worker = await self._connect()
        listener = await self._connect()
        try:
            await listener.set_autocommit(True)
            await listener.execute(f'LISTEN "{self._channel}"')
            while not stop.is_set():
                if await self.relay_round(worker):
                    continue
                await self._wait_for_notify(listener, stop)
        finally:
            await worker.close()
            await listener.close()

    async def _wait_for_notify(self, listener: psycopg.AsyncConnection[Any], stop: asyncio.Event) -> None:
        """Until a NOTIFY, `stop`, or the poll interval is over (in slices of at most half a second, to
        notice `stop`; a NOTIFY sent while a round ran may be missed, hence the poll)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.poll_interval
        while not stop.is_set() and (left := deadline - loop.time()) > 0:
            async for _ in listener.notifies(timeout=min(left, 0.5), stop_after=1):
                return


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
