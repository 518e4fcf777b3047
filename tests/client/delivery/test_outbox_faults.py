"""The relay killed with SIGKILL in the middle of a batch: nothing is lost, and the only duplicates are
the events it had sent in the round it did not commit, as client.delivery.relay documents."""

from __future__ import annotations

import dataclasses
import signal
import subprocess
import sys
import textwrap

import psycopg

from client import EventSerializer
from client.delivery.outbox import Outbox
from client.delivery.rabbitmq_sink import RabbitSink
from client.delivery.relay import OutboxRelay
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.outbox_support import bound_queue, outbox_rows, prepare_outbox
from tests.client.delivery.support import order_event, order_registry, run

BATCH = 100
SENT_BEFORE_THE_KILL = 37

RELAY_KILLED_MID_BATCH = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    import aio_pika
    from client.delivery.rabbitmq_sink import RabbitSink
    from client.delivery.relay import OutboxRelay

    dsn, amqp, exchange, batch, sent_before_kill = sys.argv[1:6]

    class DiesInTheSecondBatch:
        def __init__(self, sink):
            self.sink, self.rounds = sink, 0

        async def send(self, records):
            self.rounds += 1
            if self.rounds == 2:
                await self.sink.send(records[: int(sent_before_kill)])  # confirmed by the broker
                os.kill(os.getpid(), signal.SIGKILL)
            await self.sink.send(records)

    async def main():
        connection = await aio_pika.connect(amqp)
        channel = await connection.channel()
        sink = DiesInTheSecondBatch(RabbitSink(channel, exchange=exchange))
        await OutboxRelay(dsn, sink, batch_size=int(batch), lanes_per_round=16).drain()

    asyncio.run(main())
    """
)


def test_a_relay_killed_mid_batch_loses_nothing_and_repeats_only_its_uncommitted_round(
    postgres_url, unique_name
):
    prepare_outbox(postgres_url)
    outbox = Outbox(EventSerializer(order_registry()))
    with psycopg.connect(postgres_url) as connection:
        for sequence in range(50):
            outbox.publish_batch(
                connection,
                [dataclasses.replace(order_event(f"k{key}"), sequence_number=sequence) for key in range(10)],
            )

    async def scenario() -> None:
        async with bound_queue(unique_name) as broker:
            child = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    RELAY_KILLED_MID_BATCH,
                    postgres_url,
                    AMQP_URL,
                    unique_name,
                    str(BATCH),
                    str(SENT_BEFORE_THE_KILL),
                ],
                capture_output=True,
                timeout=120,
                check=False,
            )
            assert child.returncode == -signal.SIGKILL, child.stderr.decode()
            assert outbox_rows(postgres_url) == 500 - BATCH  # the first round committed, the second not
            relay = OutboxRelay(postgres_url, RabbitSink(broker.channel, exchange=unique_name))
            assert await relay.drain() == 500 - BATCH
            events = await broker.received(500 + SENT_BEFORE_THE_KILL)
            assert await broker.nothing_more()
            ids = [event.event_id for event in events]
            assert len(set(ids)) == 500  # nothing lost
            first_seen: dict[str, list[int]] = {}
            seen: set[str] = set()
            for event in events:
                if event.event_id not in seen:
                    seen.add(event.event_id)
                    first_seen.setdefault(event.partition_key or "", []).append(event.sequence_number or 0)
            assert first_seen == {f"k{key}": list(range(50)) for key in range(10)}

    run(scenario)
    assert outbox_rows(postgres_url) == 0
