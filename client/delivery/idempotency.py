"""Idempotent handling: an event is handled once per identity (its source and eventId), however often
the broker delivers it.

A store answers `begin(key)` with one of three claims:

- NEW: nobody handled it; the caller handles it, then calls `complete(key)` (or `abandon(key)` when the
  handler failed, so a redelivery may try again);
- DONE: it was handled; the delivery is a duplicate and is acknowledged without handling;
- BUSY: another consumer is handling it right now; raise EventInProgressError so the broker redelivers
  it later (the claim is a lease: a consumer that dies mid-handling loses it after `lease` seconds).

`idempotent(store)` wraps a handler, sync or async, in that protocol. The in-memory store is bounded
and forgets marks after `ttl`; RedisIdempotencyStore (client.delivery.redis_store) shares the marks
between processes. Neither can make the mark and the handler's own writes one atomic step: a process
killed after the handler's effect and before `complete` handles the event again once the lease is over.
Where the effect is a database write, use SqlIdempotency (client.delivery.sql_store) instead, which
writes the mark in the handler's own transaction.
"""

from __future__ import annotations

import enum
import functools
import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, Protocol, TypeVar, cast

from client.envelope import Envelope
from client.errors import AccordError

__all__ = [
    "Claim",
    "EventInProgressError",
    "EventKey",
    "IdempotencyStore",
    "IdempotencyStoreUnavailableError",
    "MemoryIdempotencyStore",
    "MissingEventIdentityError",
    "event_key",
    "idempotent",
]

Result = TypeVar("Result")


class Claim(enum.Enum):
    """What a store says about an event it is asked to handle."""

    NEW = "new"
    DONE = "done"
    BUSY = "busy"


class EventKey(NamedTuple):
    """An event's identity: eventIds are unique per producing service, so the source is part of it."""

    source: str
    event_id: str

    def __str__(self) -> str:
        return f"{self.source}/{self.event_id}"


class MissingEventIdentityError(AccordError, ValueError):
    """The event has no eventId or no source, so it cannot be deduplicated (it is not handled)."""


class EventInProgressError(AccordError):
    """Another consumer holds the claim on this event right now; redeliver it later."""

    def __init__(self, key: EventKey) -> None:
        super().__init__(f"event {key} is being handled by another consumer; redeliver it later")
        self.key = key


class IdempotencyStoreUnavailableError(AccordError):
    """The idempotency store did not answer and the store fails closed: the event was not handled."""

    def __init__(self, key: EventKey, reason: str) -> None:
        super().__init__(f"idempotency store unavailable for event {key} ({reason}); not handled")
        self.key = key
        self.reason = reason


def event_key(envelope: Envelope) -> EventKey:
    """The envelope's identity; MissingEventIdentityError when its eventId or source is empty."""
    if not envelope.event_id or not envelope.source:
        raise MissingEventIdentityError(
            f"event of type {envelope.event_type!r} has no "
            f"{'eventId' if not envelope.event_id else 'source'}; it cannot be deduplicated"
        )
    return EventKey(envelope.source, envelope.event_id)


class IdempotencyStore(Protocol):
    """Marks of handled events. Methods may be coroutines (the async wrapper awaits them)."""

    def begin(self, key: EventKey) -> Claim | Awaitable[Claim]: ...

    def complete(self, key: EventKey) -> Awaitable[None] | None: ...

    def abandon(self, key: EventKey) -> Awaitable[None] | None: ...


class MemoryIdempotencyStore:
    """Marks in this process's memory: at most `capacity` done marks (the oldest are forgotten first),
    each for `ttl` seconds; a claim in progress lasts `lease` seconds. For one consumer process, and tests.
    """

    def __init__(
        self,
        *,
        capacity: int = 100_000,
        ttl: float = 24 * 3600.0,
        lease: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1 or ttl <= 0 or lease <= 0:
            raise ValueError("capacity, ttl and lease must be positive")
        self.capacity = capacity
        self.ttl = ttl
        self.lease = lease
        self._clock = clock
        # key -> until when: a done mark is positive, a claim in progress is the negated end of its lease
        self._marks: dict[tuple[str, str], float] = {}
        self._done_order: deque[tuple[str, str]] = deque()  # done marks, oldest first

    def __len__(self) -> int:
        return len(self._marks)

    def begin(self, key: EventKey) -> Claim:
        now = self._clock()
        mark = self._marks.get(key)
        if mark is not None:
            if mark > now:
                return _DONE
            if -mark > now:
                return _BUSY
        self._marks[key] = -(now + self.lease)
        return _NEW

    def complete(self, key: EventKey) -> None:
        self._marks[key] = self._clock() + self.ttl
        order = self._done_order
        order.append(key)
        if len(order) > self.capacity:
            self._marks.pop(order.popleft(), None)

    def abandon(self, key: EventKey) -> None:
        self._marks.pop(key, None)

    def wrap(self, handler: Callable[..., Result]) -> Callable[..., Result | None]:
        """`idempotent(self)(handler)` for a sync handler, with the store's steps inlined: the
        begin/complete protocol without its calls, as deduplication is on every event's path."""
        marks, order, clock = self._marks, self._done_order, self._clock
        capacity, ttl, lease = self.capacity, self.ttl, self.lease

        @functools.wraps(handler)
        def run_once(envelope: Envelope, *args: Any, **kwargs: Any) -> Result | None:
            key = (envelope.source, envelope.event_id)
            if not key[0] or not key[1]:
                event_key(envelope)  # raises MissingEventIdentityError
            now = clock()
            mark = marks.get(key)
            if mark is not None:
                if mark > now:
                    return None
                if -mark > now:
                    raise EventInProgressError(EventKey(*key))
            marks[key] = -(now + lease)
            try:
                result = handler(envelope, *args, **kwargs)
            except BaseException:
                marks.pop(key, None)
                raise
            marks[key] = now + ttl
            order.append(key)
            if len(order) > capacity:
                marks.pop(order.popleft(), None)
            return result

        return run_once


_NEW, _DONE, _BUSY = Claim.NEW, Claim.DONE, Claim.BUSY


def idempotent(store: IdempotencyStore) -> Callable[[Callable[..., Result]], Callable[..., Result | None]]:
    """Decorate a handler `(envelope, ...)`, sync or async, to run once per event identity.

    A duplicate returns None without calling the handler; an event another consumer is handling raises
    EventInProgressError; a handler that raises gives its claim back (so a redelivery retries) and the
    error propagates. The store's methods may be coroutines only for an async handler.
    """

    def decorate(handler: Callable[..., Result]) -> Callable[..., Result | None]:
        if inspect.iscoroutinefunction(handler):
            return cast(Callable[..., Result | None], _async_wrapper(store, handler))
        if type(store) is MemoryIdempotencyStore:
            return store.wrap(handler)

        begin, complete, abandon = store.begin, store.complete, store.abandon

        @functools.wraps(handler)
        def run_once(envelope: Envelope, *args: Any, **kwargs: Any) -> Result | None:
            key = event_key(envelope)
            claim = begin(key)
            if not isinstance(claim, Claim):
                if inspect.iscoroutine(claim):
                    claim.close()
                raise TypeError(f"{type(store).__name__} is asynchronous: decorate an async handler")
            if claim is _DONE:
                return None
            if claim is _BUSY:
                raise EventInProgressError(key)
            try:
                result = handler(envelope, *args, **kwargs)
            except BaseException:
                abandon(key)
                raise
            complete(key)
            return result

        return run_once

    return decorate


async def _settle(outcome: Any) -> Any:
    return await outcome if inspect.isawaitable(outcome) else outcome


def _async_wrapper(store: IdempotencyStore, handler: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(handler)
    async def run_once(envelope: Envelope, *args: Any, **kwargs: Any) -> Any:
        key = event_key(envelope)
        claim = await _settle(store.begin(key))
        if claim is Claim.DONE:
            return None
        if claim is Claim.BUSY:
            raise EventInProgressError(key)
        try:
            result = await handler(envelope, *args, **kwargs)
        except BaseException:
            await _settle(store.abandon(key))
            raise
        await _settle(store.complete(key))
        return result

    return run_once
