"""Per-key ordering in asyncio: events of different keys are handled concurrently, events of one key
strictly one after another in the order they were submitted.

The key is the envelope's partition key (its aggregate id, say) unless told otherwise; an event without
one has no order to keep. At most `max_in_flight` events are submitted and not yet done: `submit` waits
for room (back-pressure; give the broker the same number as its prefetch). A failing handler is retried
in place, after the schedule's delay, holding back the later events of its key only; when the schedule
gives up, `on_failure` gets the event and the HandlerFailedError (dead-letter it there), and the key
goes on with its next event.
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
        key: Callable[[Envelope], Hashable] = partition_key_of,
        schedule: RetrySchedule | None = None,
        on_failure: FailureHandler | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._handler = handler
        self._key = key
        self._schedule = schedule or RetrySchedule(max_attempts=1)
        self._on_failure = on_failure
        self._room = asyncio.Semaphore(max_in_flight)
        self._lanes: dict[Hashable, deque[tuple[Envelope, asyncio.Future[int]]]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._in_flight = 0

    @property
    def in_flight(self) -> int:
        """Events submitted and not yet done."""
        return self._in_flight

    async def submit(self, envelope: Envelope) -> asyncio.Future[int]:
        """Queue `envelope` behind the earlier events of its key, once there is room; a future of the
        number of attempts it took, or of the HandlerFailedError when it failed for good and no
        `on_failure` took it."""
        await self._room.acquire()
        self._in_flight += 1
        self._idle.clear()
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        key = self._key(envelope)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append((envelope, done))
        else:
            self._lanes[key] = deque([(envelope, done)])
            worker = asyncio.create_task(self._drain(key))
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        return done

    async def join(self) -> None:
        """Wait until every submitted event is done."""
        await self._idle.wait()

    async def _drain(self, key: Hashable) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                envelope, done = lane[0]
                try:
                    attempts = await call_with_retries(self._handler, envelope, self._schedule)
                except HandlerFailedError as failure:
                    await self._failed(envelope, failure, done)
                else:
                    done.set_result(attempts)
                lane.popleft()
                self._finish()
        except asyncio.CancelledError:  # closed: what is left of the lane is not done, and says so
            for _, pending in lane:
                pending.cancel()
                self._finish()
            lane.clear()
            raise
        finally:
            del self._lanes[key]

    async def aclose(self) -> None:
        """Stop: events being handled are interrupted, and every unfinished future is cancelled."""
        workers = list(self._workers)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

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
        self._room.release()
        if self._in_flight == 0:
            self._idle.set()
