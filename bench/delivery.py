"""client.delivery's costs against their bare baselines, in one run, on the real services.

    .venv/bin/python -m bench.delivery [--events 20000]

- in-memory deduplication: `idempotent(MemoryIdempotencyStore())(handler)` against the bare handler,
  each event new (the common case); target ≤ 1 µs added per event;
- Redis store: claim and complete batches of 500 events with `begin_many`/`complete_many` (one
  script round trip each)
  on the local Redis; target ≥ 20,000 events/s;
- PostgreSQL store: a handler's transaction (one INSERT of its own) with and without `SqlIdempotency`'s
  mark, and the statements each sends; target: one statement added;
- outbox: the order service's transaction (one INSERT) with and without `Outbox.publish`, statements
  counted; then `OutboxRelay.drain()` to RabbitMQ with publisher confirms; target ≥ 5,000 events/s and
  one INSERT added;
- keyed executor: `KeyedExecutor.submit` + `join` against a plain `for event: await handler(event)` loop,
  with 1,000 keys; target ≤ 5 µs added per event.

Cases run interleaved in rounds and the median round is reported, so that load from elsewhere on the
shared machine hits both sides of a comparison alike. The two in-process comparisons (deduplication,
keyed executor) count this process's CPU time, which time spent waiting for a core does not inflate;
the others count wall time, as they wait on the services.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import orjson
import psycopg
import redis

from client import Envelope, EventSerializer, InMemoryRegistry, Schema
from client.delivery import MemoryIdempotencyStore, event_key, idempotent
from client.delivery.ordering import KeyedExecutor
from client.delivery.outbox import Outbox, outbox_sql
from client.delivery.rabbitmq_sink import RabbitSink
from client.delivery.redis_store import RedisIdempotencyStore
from client.delivery.relay import OutboxRelay
from client.delivery.sql_store import SqlIdempotency

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
ROUNDS = 7

ORDER_CREATED = {
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "amountCents": {"type": "integer", "minimum": 0}},
    "required": ["orderId", "amountCents"],
}


def events(count: int, *, keys: int | None = None) -> list[Envelope]:
    return [
        Envelope.new(
            "OrderCreated",
            {"orderId": f"o-{index}", "amountCents": index},
            source="orders",
            partition_key=f"o-{index % keys if keys else index}",
        )
        for index in range(count)
    ]


def median_round(cases: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Each case's median over ROUNDS rounds, the cases interleaved within each round."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, case in cases.items():
            times[name].append(case())
    return {name: statistics.median(values) for name, values in times.items()}


def memory_dedup(count: int) -> None:
    batch = events(count)

    def handler(envelope: Envelope) -> None:
        return None

    def bare() -> float:
        started = time.process_time()
        for envelope in batch:
            handler(envelope)
        return time.process_time() - started

    def deduplicated() -> float:
        once = idempotent(MemoryIdempotencyStore(capacity=count * 2))(handler)
        started = time.process_time()
        for envelope in batch:
            once(envelope)
        return time.process_time() - started

    result = median_round({"bare": bare, "deduplicated": deduplicated})
    added = (result["deduplicated"] - result["bare"]) / count * 1e6
    print(
        f"in-memory dedup: bare {result['bare'] / count * 1e6:.3f} µs/event, "
        f"deduplicated {result['deduplicated'] / count * 1e6:.3f} µs/event, added {added:.3f} µs "
        f"(target ≤ 1 µs: {'met' if added <= 1 else 'NOT met'})"
    )


def redis_store(count: int) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"accord-bench:{uuid.uuid4().hex[:8]}:"
    store = RedisIdempotencyStore(client, prefix=prefix, ttl=60)

    def claim_and_complete() -> float:
        keys = [event_key(envelope) for envelope in events(count)]
        started = time.perf_counter()
        for start in range(0, count, 500):
            chunk = keys[start : start + 500]
            store.begin_many(chunk)
            store.complete_many(chunk)
        return time.perf_counter() - started

    result = median_round({"redis": claim_and_complete})["redis"]
    for key in client.scan_iter(match=f"{prefix}*", count=10_000):
        client.delete(key)
    rate = count / result
    print(
        f"redis store: {rate:,.0f} events/s claimed and completed in batches of 500 "
        f"(target ≥ 20,000: {'met' if rate >= 20_000 else 'NOT met'})"
    )


class CountingCursor(psycopg.Cursor[Any]):
    """A psycopg cursor that counts the statements it sends."""

    statements = 0

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        type(self).statements += 1
        return super().execute(query, params, **options)


def postgres_and_outbox(count: int, url: str) -> None:
    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", Schema(orjson.dumps(ORDER_CREATED).decode(), "JSON"))
    outbox = Outbox(EventSerializer(registry))
    marks = SqlIdempotency()
    with psycopg.connect(url) as connection:
        connection.execute(outbox_sql())
        connection.execute(marks.create_table_sql())
        connection.execute("CREATE TABLE effects (order_id TEXT NOT NULL)")
    per_round = max(count // 20, 200)

    def transactions(extra: Callable[[psycopg.Connection[Any], Envelope], Any] | None) -> float:
        batch = events(per_round)
        with psycopg.connect(url, cursor_factory=CountingCursor) as connection:
            started = time.perf_counter()
            for envelope in batch:
                with connection.transaction():
                    cursor = connection.cursor()
                    cursor.execute("INSERT INTO effects VALUES (%s)", (envelope.data["orderId"],))
                    if extra is not None:
                        extra(connection, envelope)
            return time.perf_counter() - started

    CountingCursor.statements = 0
    transactions(None)
    bare_statements = CountingCursor.statements / per_round
    CountingCursor.statements = 0
    transactions(marks.mark)
    marked_statements = CountingCursor.statements / per_round
    CountingCursor.statements = 0
    transactions(outbox.publish)
    outbox_statements = CountingCursor.statements / per_round
    result = median_round(
        {
            "bare": lambda: transactions(None),
            "marked": lambda: transactions(marks.mark),
            "outbox": lambda: transactions(outbox.publish),
        }
    )
    bare = result["bare"] / per_round * 1e6
    print(f"postgres transaction (one INSERT): {bare:.0f} µs, {bare_statements:.0f} statement(s)")
    print(
        f"  + SqlIdempotency mark: {result['marked'] / per_round * 1e6:.0f} µs "
        f"({result['marked'] / result['bare']:.2f}x), "
        f"{marked_statements - bare_statements:.0f} statement added"
    )
    print(
        f"  + Outbox.publish: {result['outbox'] / per_round * 1e6:.0f} µs "
        f"({result['outbox'] / result['bare']:.2f}x), "
        f"{outbox_statements - bare_statements:.0f} statement added"
    )

    with psycopg.connect(url) as connection:
        connection.execute("TRUNCATE accord_outbox")
        outbox.publish_batch(connection, events(count, keys=1000))
    rate = asyncio.run(relay_all(url, count))
    print(
        f"outbox relay to RabbitMQ with publisher confirms: {rate:,.0f} events/s over {count} events "
        f"(target ≥ 5,000: {'met' if rate >= 5_000 else 'NOT met'})"
    )


async def relay_all(url: str, count: int) -> float:
    name = f"accord-bench-{uuid.uuid4().hex[:8]}"
    connection = await aio_pika.connect_robust(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(f"{name}.all", durable=True)
        await queue.bind(exchange, routing_key="#")
        relay = OutboxRelay(url, RabbitSink(channel, exchange=name), batch_size=1000, lanes_per_round=16)
        started = time.perf_counter()
        relayed = await relay.drain()
        elapsed = time.perf_counter() - started
        arrived = (await queue.declare()).message_count
        await channel.queue_delete(f"{name}.all")
        await channel.exchange_delete(name)
    if relayed != count or arrived != count:
        raise SystemExit(f"relayed {relayed}, {arrived} arrived, expected {count}")
    return count / elapsed


def keyed_executor(count: int) -> None:
    batch = events(count, keys=1000)

    async def handler(envelope: Envelope) -> None:
        return None

    async def plain() -> float:
        started = time.process_time()
        for envelope in batch:
            await handler(envelope)
        return time.process_time() - started

    async def keyed() -> float:
        executor = KeyedExecutor(handler, max_in_flight=1000)
        started = time.process_time()
        for envelope in batch:
            await executor.submit(envelope)
        await executor.join()
        return time.process_time() - started

    result = median_round({"plain": lambda: asyncio.run(plain()), "keyed": lambda: asyncio.run(keyed())})
    added = (result["keyed"] - result["plain"]) / count * 1e6
    print(
        f"keyed executor: plain loop {result['plain'] / count * 1e6:.3f} µs/event, "
        f"KeyedExecutor {result['keyed'] / count * 1e6:.3f} µs/event, added {added:.3f} µs "
        f"(target ≤ 5 µs: {'met' if added <= 5 else 'NOT met'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    options = parser.parse_args()
    memory_dedup(options.events * 5)
    keyed_executor(options.events)
    redis_store(options.events)
    name = f"accord_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        postgres_and_outbox(options.events, f"postgresql://postgres@127.0.0.1:5432/{name}")
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
