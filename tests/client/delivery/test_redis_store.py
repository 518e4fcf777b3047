"""Idempotency marks in the real Redis on 127.0.0.1:6379, and what happens when Redis is down."""

from __future__ import annotations

import asyncio
import logging

import pytest
import redis
import redis.asyncio

from client.delivery import Claim, IdempotencyStoreUnavailableError, event_key, idempotent
from client.delivery.redis_store import AsyncRedisIdempotencyStore, RedisIdempotencyStore
from tests.client.delivery.conftest import REDIS_URL
from tests.client.delivery.support import order_event

DOWN_URL = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is down


def test_two_consumer_processes_sharing_redis_handle_an_event_once(redis_prefix):
    first = RedisIdempotencyStore(redis.Redis.from_url(REDIS_URL), prefix=redis_prefix)
    second = RedisIdempotencyStore(redis.Redis.from_url(REDIS_URL), prefix=redis_prefix)
    handled: list[str] = []
    event = order_event()
    idempotent(first)(handled.append)(event)
    idempotent(second)(handled.append)(event)
    assert handled == [event]


def test_the_mark_expires_in_redis(redis_prefix):
    client = redis.Redis.from_url(REDIS_URL)
    store = RedisIdempotencyStore(client, prefix=redis_prefix, ttl=60, lease=5)
    key = event_key(order_event())
    assert store.begin(key) is Claim.NEW
    assert 0 < client.pttl(f"{redis_prefix}{key.source}/{key.event_id}") <= 5000
    assert store.begin(key) is Claim.BUSY
    store.complete(key)
    assert 5000 < client.pttl(f"{redis_prefix}{key.source}/{key.event_id}") <= 60000
    assert store.begin(key) is Claim.DONE
    store.abandon(key)
    assert store.begin(key) is Claim.NEW


def test_a_failing_handler_releases_its_claim_in_redis(redis_prefix):
    store = RedisIdempotencyStore(redis.Redis.from_url(REDIS_URL), prefix=redis_prefix)
    event = order_event()

    @idempotent(store)
    def failing(envelope) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing(event)
    assert store.begin(event_key(event)) is Claim.NEW


def test_batches_are_claimed_in_one_pipelined_round_trip(redis_prefix):
    store = RedisIdempotencyStore(redis.Redis.from_url(REDIS_URL), prefix=redis_prefix)
    keys = [event_key(order_event(f"o-{index}")) for index in range(100)]
    store.complete(keys[0])
    claims = store.begin_many(keys)
    assert claims[0] is Claim.DONE
    assert claims[1:] == [Claim.NEW] * 99
    store.complete_many(keys)
    assert set(store.begin_many(keys)) == {Claim.DONE}


def test_redis_down_fails_closed_by_default_and_nothing_is_handled():
    store = RedisIdempotencyStore(redis.Redis.from_url(DOWN_URL, socket_connect_timeout=0.5))
    handled: list[object] = []
    with pytest.raises(IdempotencyStoreUnavailableError, match="not handled") as raised:
        idempotent(store)(handled.append)(order_event())
    assert "ConnectionError" in raised.value.reason
    assert handled == []


def test_redis_down_fails_open_when_asked_and_says_so_in_the_log(caplog):
    store = RedisIdempotencyStore(redis.Redis.from_url(DOWN_URL, socket_connect_timeout=0.5), fail_open=True)
    handled: list[object] = []
    event = order_event()
    with caplog.at_level(logging.WARNING, logger="accord.client.delivery"):
        idempotent(store)(handled.append)(event)
    assert handled == [event]
    assert any(
        "handling event" in record.getMessage() and event.event_id in record.getMessage()
        for record in caplog.records
    )
    assert any("mark of" in record.getMessage() for record in caplog.records)


def test_async_handlers_use_the_asyncio_client(redis_prefix):
    handled: list[str] = []

    async def scenario() -> None:
        client = redis.asyncio.Redis.from_url(REDIS_URL)
        store = AsyncRedisIdempotencyStore(client, prefix=redis_prefix)

        @idempotent(store)
        async def on_order(event) -> None:
            handled.append(event.event_id)

        event = order_event()
        await asyncio.gather(on_order(event), on_order(event), return_exceptions=True)
        await on_order(event)
        await client.aclose()

    asyncio.run(scenario())
    assert len(handled) == 1


def test_async_store_fails_closed_when_redis_is_down():
    async def scenario() -> None:
        client = redis.asyncio.Redis.from_url(DOWN_URL, socket_connect_timeout=0.5)
        store = AsyncRedisIdempotencyStore(client)

        @idempotent(store)
        async def on_order(event) -> None:
            raise AssertionError("must not run")

        with pytest.raises(IdempotencyStoreUnavailableError):
            await on_order(order_event())
        await client.aclose()

    asyncio.run(scenario())


def test_a_sync_handler_with_an_async_store_is_refused():
    store = AsyncRedisIdempotencyStore(redis.asyncio.Redis.from_url(REDIS_URL))
    with pytest.raises(TypeError, match="asynchronous"):
        idempotent(store)(print)(order_event())
