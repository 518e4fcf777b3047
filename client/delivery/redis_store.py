"""Idempotency marks in Redis, shared by every consumer process: one atomic `SET key busy NX GET PX lease`
per event claims it and says what was there (Redis 7.0 or later), then the "done" mark replaces the
lease for `ttl`. Needs the `redis` extra.

When Redis does not answer, the store fails closed (IdempotencyStoreUnavailableError: the event is not
handled, the broker redelivers it) or, with `fail_open=True`, lets the handler run without a mark and
logs a warning for each such event, so a duplicate it lets through is never silent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import redis
import redis.asyncio

from client.delivery.idempotency import Claim, EventKey, IdempotencyStoreUnavailableError

__all__ = ["AsyncRedisIdempotencyStore", "RedisIdempotencyStore"]

logger = logging.getLogger("accord.client.delivery")

_BUSY = b"busy"
_DONE = b"done"


class _Settings:
    """What both stores share: key names, expiries and the failure policy."""

    def __init__(self, *, prefix: str, ttl: float, lease: float, fail_open: bool) -> None:
        if ttl <= 0 or lease <= 0:
            raise ValueError("ttl and lease must be positive")
        self.prefix = prefix
        self.ttl_ms = int(ttl * 1000)
        self.lease_ms = int(lease * 1000)
        self.fail_open = fail_open

    def name(self, key: EventKey) -> str:
        return f"{self.prefix}{key.source}/{key.event_id}"

    def unavailable(self, key: EventKey, error: Exception) -> Claim:
        """NEW (handle without a mark, logged) when failing open; raises when failing closed."""
        reason = f"{type(error).__name__}: {error}"
        if self.fail_open:
            logger.warning(
                "idempotency store unavailable (%s): handling event %s without a mark", reason, key
            )
            return Claim.NEW
        raise IdempotencyStoreUnavailableError(key, reason) from error

    def lost(self, what: object, error: Exception) -> None:
        """A mark that could not be written: logged, since the event is handled or released anyway."""
        logger.warning("idempotency store unavailable: mark of %s not updated (%s)", what, error)


# A batch's claims and marks in one round trip: the same SET commands, run by Redis in a script.
_BEGIN_MANY = """
local answers = {}
for index, key in ipairs(KEYS) do
    answers[index] = redis.call('SET', key, ARGV[1], 'NX', 'GET', 'PX', ARGV[2]) or ''
end
return answers
"""
_COMPLETE_MANY = """
for _, key in ipairs(KEYS) do
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return #KEYS
"""


def _claim(previous: Any) -> Claim:
    """The claim that `SET key busy NX GET` answered: the value that was there, or None when it set it."""
    if previous is None:
        return Claim.NEW
    return Claim.DONE if previous == _DONE else Claim.BUSY


class RedisIdempotencyStore:
    """Marks in Redis through a `redis.Redis` client (sync handlers)."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "accord:handled:",
        ttl: float = 7 * 24 * 3600.0,
        lease: float = 60.0,
        fail_open: bool = False,
    ) -> None:
        self._redis = client
        self._settings = _Settings(prefix=prefix, ttl=ttl, lease=lease, fail_open=fail_open)
        self._begin_many = client.register_script(_BEGIN_MANY)
        self._complete_many = client.register_script(_COMPLETE_MANY)

    def begin(self, key: EventKey) -> Claim:
        settings = self._settings
        name = settings.name(key)
        try:
            previous = self._redis.set(name, _BUSY, nx=True, get=True, px=settings.lease_ms)
        except redis.RedisError as error:
            return settings.unavailable(key, error)
        return _claim(previous)

    def begin_many(self, keys: Sequence[EventKey]) -> list[Claim]:
        """Claims for a batch of events in one round trip (one script runs the SET NX GET of each
        event in Redis); fails as a whole. On Redis Cluster a batch's keys must share a slot: put a
        hash tag in the prefix (`{billing}:handled:`)."""
        settings = self._settings
        try:
            answers = self._begin_many(
                keys=[settings.name(key) for key in keys], args=[_BUSY, settings.lease_ms]
            )
        except redis.RedisError as error:
            return [settings.unavailable(key, error) for key in keys]
        return [_claim(previous or None) for previous in answers]

    def complete(self, key: EventKey) -> None:
        try:
            self._redis.set(self._settings.name(key), _DONE, px=self._settings.ttl_ms)
        except redis.RedisError as error:
            self._settings.lost(key, error)

    def complete_many(self, keys: Sequence[EventKey]) -> None:
        """Mark a batch of events done in one round trip (one script)."""
        settings = self._settings
        try:
            self._complete_many(keys=[settings.name(key) for key in keys], args=[_DONE, settings.ttl_ms])
        except redis.RedisError as error:
            settings.lost(f"a batch of {len(keys)} events", error)

    def abandon(self, key: EventKey) -> None:
        try:
            self._redis.delete(self._settings.name(key))
        except redis.RedisError as error:
            self._settings.lost(key, error)


class AsyncRedisIdempotencyStore:
    """Marks in Redis through a `redis.asyncio.Redis` client (async handlers)."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        *,
        prefix: str = "accord:handled:",
        ttl: float = 7 * 24 * 3600.0,
        lease: float = 60.0,
        fail_open: bool = False,
    ) -> None:
        self._redis = client
        self._settings = _Settings(prefix=prefix, ttl=ttl, lease=lease, fail_open=fail_open)

    async def begin(self, key: EventKey) -> Claim:
        settings = self._settings
        name = settings.name(key)
        try:
            previous = await self._redis.set(name, _BUSY, nx=True, get=True, px=settings.lease_ms)
        except redis.RedisError as error:
            return settings.unavailable(key, error)
        return _claim(previous)

    async def complete(self, key: EventKey) -> None:
        try:
            await self._redis.set(self._settings.name(key), _DONE, px=self._settings.ttl_ms)
        except redis.RedisError as error:
            self._settings.lost(key, error)

    async def abandon(self, key: EventKey) -> None:
        try:
            await self._redis.delete(self._settings.name(key))
        except redis.RedisError as error:
            self._settings.lost(key, error)
