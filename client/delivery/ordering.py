"""Per-key ordering in asyncio: events of different keys are handled concurrently, events of one key
strictly one after another in the order they were submitted.

The key is the envelope's partition key (its aggregate id, say) unless told otherwise; an event without
one has no order to keep. At most `max_in_flight` events are submitted and not yet done: `submit` waits
for room (back-pressure; give the broker the same number as its prefetch). Up to `concurrency` keys are
handled at once, by as many long-lived worker tasks, each taking a key with waiting events and
handling them in order. A failing handler is retried in place, after the schedule's delay, holding back
the later events of its key only; when the schedule gives up, `on_failure` gets the event and the
HandlerFailedError (dead-letter it there), and the key goes on with its next event.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from client.delivery.retries import HandlerFailedError, RetrySchedule, call_with_retries
from client.envelope import Envelope

__all__ = ["KeyedExecutor", "partition_key_of"]

logger = logging.getLogger("accord.client.delivery")

Handler = Callable[[Envelope], Awaitable[Any] | Any]
FailureHandler = Callable[[Envelope, HandlerFailedError], Awaitable[Any] | Any]
Lane = deque[tuple[Envelope, "asyncio.Future[int]"]]


def partition_key_of(envelope: Envelope) -> Hashable:
    """The envelope's partition key; its eventId when it has none (no order to keep)."""
    return envelope.partition_key if envelope.partition_key is not None else envelope.event_id


class KeyedExecutor:
    """Runs `handler` for submitted events: concurrently across keys, in order within a key."""

    def __init__(
        self,
        handler: Handler,
        *,
        max_in_flight: int = 256,
        concurrency: int = 64,
        key: Callable[[Envelope], Hashable] = partition_key_of,
        schedule: RetrySchedule | None = None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        if max_in_flight < 1 or concurrency < 1:
            raise ValueError("max_in_flight and concurrency must be at least 1")
        self._handler = handler
        self._key = key
        self._schedule = schedule or RetrySchedule(max_attempts=1)
        self._on_failure = on_failure
        self.max_in_flight = max_in_flight
        self.concurrency = concurrency
        self._lanes: dict[Hashable, Lane] = {}  # keys with events not done, each lane in order
        self._ready: deque[Hashable] = deque()  # keys with events that no worker has taken yet
        self._workers: set[asyncio.Task[None]] = set()
        self._idle_workers: deque[asyncio.Future[None]] = deque()
        self._room_waiters: deque[asyncio.Future[None]] = deque()
        self._idle: asyncio.Future[None] | None = None
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Events submitted and not yet done."""
        return self._in_flight

    async def submit(self, envelope: Envelope) -> asyncio.Future[int]:
        """Queue `envelope` behind the earlier events of its key, once there is room; a future of the
        number of attempts it took, or of the HandlerFailedError when it failed for good and no
        `on_failure` took it."""
        loop = asyncio.get_running_loop()
        while self._in_flight >= self.max_in_flight:
            room = loop.create_future()
            self._room_waiters.append(room)
            await room
        self._in_flight += 1
        done: asyncio.Future[int] = loop.create_future()
        key = self._key(envelope)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append((envelope, done))
            return done
        self._lanes[key] = deque(((envelope, done),))
        self._ready.append(key)
        if self._idle_workers:
            self._idle_workers.popleft().set_result(None)
        elif len(self._workers) < self.concurrency:
            worker = loop.create_task(self._work())
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        return done

    async def join(self) -> None:
        """Wait until every submitted event is done."""
        if self._in_flight:
            self._idle = asyncio.get_running_loop().create_future()
            await self._idle

    async def aclose(self) -> None:
        """Stop: events being handled are interrupted, and every unfinished future is cancelled."""
        workers = list(self._workers)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for lane in self._lanes.values():
            for _, done in lane:
                done.cancel()
                self._finish()
        self._lanes.clear()
        self._ready.clear()

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        ready, lanes = self._ready, self._lanes
        while True:
            if not ready:
                woken: asyncio.Future[None] = loop.create_future()
                self._idle_workers.append(woken)
                await woken
                continue
            key = ready.popleft()
            lane = lanes[key]
            while lane:
                envelope, done = lane[0]
                await self._handle(envelope, done)
                lane.popleft()
                self._finish()
            del lanes[key]

    async def _handle(self, envelope: Envelope, done: asyncio.Future[int]) -> None:
        try:
            outcome = self._handler(envelope)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as error:
            if not self._schedule.retries(error, 1):
                await self._failed(envelope, HandlerFailedError(envelope, error, 1), done)
                return
            await asyncio.sleep(self._schedule.delay(1))
            try:
                attempts = await call_with_retries(self._handler, envelope, self._schedule, attempt=2)
            except HandlerFailedError as failure:
                await self._failed(envelope, failure, done)
                return
            done.set_result(attempts)
            return
        done.set_result(1)

    async def _failed(
        self, envelope: Envelope, failure: HandlerFailedError, done: asyncio.Future[int]
    ) -> None:
        if self._on_failure is None:
            done.set_exception(failure)
            return
        try:
            outcome = self._on_failure(envelope, failure)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception as error:
            logger.exception("on_failure failed for event %s", envelope.event_id)
            done.set_exception(error)
            return
        done.set_result(failure.attempts)

    def _finish(self) -> None:
        self._in_flight -= 1
        waiters = self._room_waiters
        while waiters:
            room = waiters.popleft()
            if not room.done():
                room.set_result(None)
                break
        if self._in_flight == 0 and self._idle is not None and not self._idle.done():
            self._idle.set_result(None)
