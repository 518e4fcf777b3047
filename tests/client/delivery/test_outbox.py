"""The transactional outbox on the real PostgreSQL, relayed to the real RabbitMQ."""

from __future__ import annotations

import asyncio
import dataclasses

import aio_pika
import psycopg
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from client import BatchValidationError, EventSerializer, EventValidationError
from client.delivery.outbox import Outbox, create_outbox, drop_outbox
from client.delivery.rabbitmq_sink import RabbitSink
from client.delivery.relay import OutboxRelay
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.outbox_support import ORDERS_TABLE, bound_queue, outbox_rows, prepare_outbox
from tests.client.delivery.support import order_event, order_registry, run


def place_order(outbox: Outbox, connection, order_id: str, amount_cents: int = 1250):
    """The order service's write: the order row and its OrderCreated, one transaction."""
    connection.execute("INSERT INTO orders VALUES (%s, %s)", (order_id, amount_cents))
    event = order_event(order_id, amount_cents=amount_cents)
    outbox.publish(connection, event)
    return event


def test_an_event_is_in_the_outbox_exactly_when_the_business_write_commits(postgres_url):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection, connection.transaction(force_rollback=True):
        place_order(outbox, connection, "o-rolled-back")
    assert outbox_rows(postgres_url) == 0
    with psycopg.connect(postgres_url) as connection:
        place_order(outbox, connection, "o-1")
    assert outbox_rows(postgres_url) == 1


def test_relayed_events_arrive_in_rabbitmq_as_published_and_leave_the_outbox(postgres_url, unique_name):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection:
        event = place_order(outbox, connection, "o-1")

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            relay = OutboxRelay(postgres_url, RabbitSink(broker.channel, exchange=unique_name))
            assert await relay.drain() == 1
            (received,) = await broker.received(1)
            assert received.event_id == event.event_id
            assert received.data == {"orderId": "o-1", "amountCents": 1250}
            assert received.partition_key == "o-1"
            assert received.correlation_id == event.correlation_id
            assert received.event_version == 1

    run(scenario)
    assert outbox_rows(postgres_url) == 0


def test_invalid_events_write_nothing_and_a_batch_names_every_failing_event(postgres_url):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection:
        with pytest.raises(EventValidationError, match="amountCents"):
            outbox.publish(connection, order_event(amount_cents=-1))
        batch = [order_event("a"), order_event("b", amount_cents=-5), order_event("c", amount_cents=-7)]
        with pytest.raises(BatchValidationError) as raised:
            outbox.publish_batch(connection, batch)
        assert sorted(raised.value.failures) == [1, 2]
        outbox.publish_batch(connection, [order_event("a"), order_event("b")])
    assert outbox_rows(postgres_url) == 2

    async def blocking_publish_on_an_async_connection() -> None:
        async with await psycopg.AsyncConnection.connect(postgres_url) as connection:
            with pytest.raises(TypeError, match="apublish"):
                outbox.publish(connection, order_event())

    run(blocking_publish_on_an_async_connection)


def test_a_sqlalchemy_session_publishes_in_its_own_transaction(postgres_url):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with Session(engine) as session, session.begin():
        session.execute(text("INSERT INTO orders VALUES ('o-5', 500)"))
        outbox.publish(session, order_event("o-5", amount_cents=500))
    with Session(engine) as session:
        session.begin()
        outbox.publish(session, order_event("o-6"))
        session.rollback()
    engine.dispose()
    assert outbox_rows(postgres_url) == 1


def test_the_alembic_helper_creates_and_drops_the_outbox(postgres_url):
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        create_outbox(Operations(MigrationContext.configure(connection)))
        connection.execute(text(ORDERS_TABLE))
    with psycopg.connect(postgres_url) as connection:
        Outbox(EventSerializer(order_registry())).publish(connection, order_event())
    assert outbox_rows(postgres_url) == 1
    with engine.begin() as connection:
        drop_outbox(Operations(MigrationContext.configure(connection)))
        tables = connection.execute(
            text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'accord_outbox%'")
        )
        assert tables.scalar_one() == 0
    engine.dispose()


def test_two_relays_share_the_work_and_keep_each_keys_order(postgres_url, unique_name):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection:
        for sequence in range(30):
            outbox.publish_batch(
                connection,
                [dataclasses.replace(order_event(f"k{key}"), sequence_number=sequence) for key in range(20)],
            )

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            connection = await aio_pika.connect_robust(AMQP_URL)
            other_channel = await connection.channel()
            first = OutboxRelay(
                postgres_url,
                RabbitSink(broker.channel, exchange=unique_name),
                batch_size=10,
                lanes_per_round=2,
            )
            second = OutboxRelay(
                postgres_url,
                RabbitSink(other_channel, exchange=unique_name),
                batch_size=10,
                lanes_per_round=2,
            )
            counts = await asyncio.gather(first.drain(), second.drain())
            leftover = await first.drain()
            assert sum(counts) + leftover == 600
            assert min(counts) > 0  # both relays took lanes
            events = await broker.received(600)
            assert await broker.nothing_more()
            await connection.close()
            by_key: dict[str, list[int]] = {}
            for event in events:
                by_key.setdefault(event.partition_key or "", []).append(event.sequence_number or 0)
            assert by_key == {f"k{key}": list(range(30)) for key in range(20)}

    run(scenario)
    assert outbox_rows(postgres_url) == 0


def test_a_running_relay_wakes_on_notify_rather_than_its_poll_interval(postgres_url, unique_name):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            relay = OutboxRelay(
                postgres_url, RabbitSink(broker.channel, exchange=unique_name), poll_interval=60
            )
            stop = asyncio.Event()
            running = asyncio.create_task(relay.run(stop))
            await asyncio.sleep(0.5)  # idle, listening
            loop = asyncio.get_running_loop()
            started = loop.time()
            async with await psycopg.AsyncConnection.connect(postgres_url) as connection:
                await connection.execute("INSERT INTO orders VALUES ('o-1', 1)")
                await outbox.apublish(connection, order_event("o-1"))
                await connection.commit()
            await broker.received(1, timeout=10)
            assert loop.time() - started < 10  # woken by the NOTIFY, not after 60 s
            stop.set()
            await asyncio.wait_for(running, timeout=5)

    run(scenario)


def test_a_running_relay_outlives_a_failing_broker_and_loses_nothing(postgres_url, unique_name):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection:
        outbox.publish_batch(connection, [order_event("o-1"), order_event("o-2")])

    class BrokerDownOnce:
        def __init__(self, sink: RabbitSink) -> None:
            self.sink, self.calls = sink, 0

        async def send(self, records) -> None:
            self.calls += 1
            if self.calls == 1:
                raise aio_pika.exceptions.AMQPConnectionError("broker restarting")
            await self.sink.send(records)

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            relay = OutboxRelay(
                postgres_url,
                BrokerDownOnce(RabbitSink(broker.channel, exchange=unique_name)),
                poll_interval=0.1,
            )
            stop = asyncio.Event()
            running = asyncio.create_task(relay.run(stop))
            received = await broker.received(2)
            stop.set()
            await asyncio.wait_for(running, timeout=5)
            assert relay.failures == 1
            assert [event.partition_key for event in received] == ["o-1", "o-2"]

    run(scenario)
    assert outbox_rows(postgres_url) == 0
