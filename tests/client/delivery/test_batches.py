"""Consuming a batch: one outcome per message, so one bad message decides nothing for the others."""

from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio

from client import EventSerializer
from client.deadletter import ERROR_HEADER, ORIGIN_HEADER, REASON_HEADER
from client.delivery import ATTEMPT_HEADER, MemoryIdempotencyStore, Outcome
from client.delivery.batches import aconsume_batch, consume_batch
from client.delivery.redis_store import AsyncRedisIdempotencyStore, RedisIdempotencyStore
from client.serde import EventDeserializer, Message
from tests.client.delivery.conftest import REDIS_URL
from tests.client.delivery.support import order_event, order_registry


def a_mixed_batch():
    registry = order_registry()
    serializer = EventSerializer(registry)
    good, declined, other = (
        serializer.serialize(order_event(name)) for name in ("good", "declined", "other")
    )
    tampered = Message(good.value.replace(b'"good"', b"12345"), good.headers)  # breaks the writer's schema
    poison = Message(b"\x00\x00\x00\x00\x63{}", {})  # schema 99: unknown
    return EventDeserializer(registry), [good, tampered, declined, poison, other, good]


def bill(envelope) -> None:
    if envelope.data["orderId"] == "declined":
        raise ConnectionError("payment provider unreachable")


def test_each_message_of_a_batch_gets_its_own_outcome():
    deserializer, batch = a_mixed_batch()
    handled: list[str] = []

    def handler(envelope) -> None:
        bill(envelope)
        handled.append(envelope.data["orderId"])

    outcomes = consume_batch(
        batch, deserializer=deserializer, handler=handler, store=MemoryIdempotencyStore(), origin="orders"
    )
    assert [outcome.outcome for outcome in outcomes] == [
        Outcome.HANDLED,
        Outcome.DEAD_LETTERED,
        Outcome.FAILED,
        Outcome.DEAD_LETTERED,
        Outcome.HANDLED,
        Outcome.DUPLICATE,
    ]
    assert handled == ["good", "other"]
    assert [outcome.index for outcome in outcomes] == list(range(6))
    tampered, poison = outcomes[1].dead_letter, outcomes[3].dead_letter
    assert tampered is not None
    assert poison is not None
    assert tampered.headers[ERROR_HEADER] == "InvalidMessageError"
    assert poison.headers[ERROR_HEADER] == "UnknownSchemaError"
    assert poison.headers[ORIGIN_HEADER] == "orders"
    assert poison.headers[ATTEMPT_HEADER] == "1"
    assert "99" in poison.headers[REASON_HEADER]
    assert poison.value == batch[3].value
    assert isinstance(outcomes[2].error, ConnectionError)
    assert outcomes[2].envelope is not None


def test_a_failed_event_is_handled_when_its_batch_is_redelivered():
    deserializer, batch = a_mixed_batch()
    store = MemoryIdempotencyStore()
    consume_batch(batch, deserializer=deserializer, handler=bill, store=store)
    again = consume_batch(batch, deserializer=deserializer, handler=lambda envelope: None, store=store)
    assert [outcome.outcome for outcome in again] == [
        Outcome.DUPLICATE,
        Outcome.DEAD_LETTERED,
        Outcome.HANDLED,  # its claim was given back when it failed
        Outcome.DEAD_LETTERED,
        Outcome.DUPLICATE,
        Outcome.DUPLICATE,
    ]


def test_redis_claims_a_batch_in_one_round_trip(redis_prefix):
    deserializer, batch = a_mixed_batch()
    client = redis.Redis.from_url(REDIS_URL)
    store = RedisIdempotencyStore(client, prefix=redis_prefix)
    store.complete_many([])  # loads the scripts
    store.begin_many([])
    commands: list[str] = []
    original = client.execute_command

    def counted(*args, **kwargs):
        commands.append(str(args[0]))
        return original(*args, **kwargs)

    client.execute_command = counted  # type: ignore[method-assign]
    outcomes = consume_batch(batch, deserializer=deserializer, handler=bill, store=store)
    # one script claimed the 4 readable events; then a mark per handled event, a release for the failed
    assert commands[0] == "EVALSHA"
    assert commands.count("EVALSHA") == 1
    assert [outcome.outcome for outcome in outcomes][-1] is Outcome.DUPLICATE
    client.close()


def test_async_batches_with_the_async_redis_store(redis_prefix):
    deserializer, batch = a_mixed_batch()

    async def scenario() -> list[Outcome]:
        client = redis.asyncio.Redis.from_url(REDIS_URL)
        store = AsyncRedisIdempotencyStore(client, prefix=redis_prefix)

        async def handler(envelope) -> None:
            await asyncio.sleep(0)
            bill(envelope)

        outcomes = await aconsume_batch(batch, deserializer=deserializer, handler=handler, store=store)
        await client.aclose()
        return [outcome.outcome for outcome in outcomes]

    assert asyncio.run(scenario()) == [
        Outcome.HANDLED,
        Outcome.DEAD_LETTERED,
        Outcome.FAILED,
        Outcome.DEAD_LETTERED,
        Outcome.HANDLED,
        Outcome.DUPLICATE,
    ]


def test_an_async_store_is_refused_by_the_blocking_batch_consumer():
    deserializer, batch = a_mixed_batch()
    store = AsyncRedisIdempotencyStore(redis.asyncio.Redis.from_url(REDIS_URL))
    with pytest.raises(TypeError, match="aconsume_batch"):
        consume_batch(batch, deserializer=deserializer, handler=bill, store=store)
