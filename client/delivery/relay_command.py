"""`accord-outbox-relay` (also `accord outbox relay`): run the outbox relay as a process of its own (run
several for more throughput and for failover; they share the outbox's lanes). It stops cleanly on SIGTERM
or SIGINT.

    accord-outbox-relay --database postgresql://orders@db/orders --amqp amqp://rabbit/ --exchange events
    accord-outbox-relay --database ... --kafka broker:9092 --topic orders      # needs the kafka extra

Exit codes: 0 stopped (or, with --once, the outbox drained), 1 the database or broker failed (--once),
2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence

import psycopg

from client.delivery.outbox import DEFAULT_TABLE
from client.delivery.relay import OutboxRelay, Sink
from client.errors import AccordError

__all__ = ["main"]


def _arguments(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Relay events from a PostgreSQL outbox to RabbitMQ or Kafka."
    )
    parser.add_argument("--database", required=True, help="PostgreSQL URL of the service's database")
    parser.add_argument("--table", default=DEFAULT_TABLE, help="the outbox table (default %(default)s)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--amqp", help="RabbitMQ URL (publisher confirms)")
    target.add_argument("--kafka", help="Kafka bootstrap servers (idempotent producer)")
    parser.add_argument("--exchange", help="RabbitMQ exchange for events without a destination of their own")
    parser.add_argument("--topic", help="Kafka topic for events without a destination of their own")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--lanes-per-round", type=int, default=4)
    parser.add_argument("--poll-interval", type=float, default=1.0)
    parser.add_argument("--once", action="store_true", help="drain the outbox once and exit")
    return parser


async def _relay(options: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop.set)
    closers = []
    sink: Sink
    if options.amqp is not None:
        import aio_pika

        from client.delivery.rabbitmq_sink import RabbitSink

        connection = await aio_pika.connect_robust(options.amqp)
        closers.append(connection.close)
        sink = RabbitSink(await connection.channel(), exchange=options.exchange)
    else:
        from confluent_kafka import Producer

        from client.delivery.kafka_sink import KafkaSink

        producer = Producer({"bootstrap.servers": options.kafka, "enable.idempotence": True})
        sink = KafkaSink(producer, topic=options.topic)
    relay = OutboxRelay(
        options.database,
        sink,
        table=options.table,
        batch_size=options.batch_size,
        lanes_per_round=options.lanes_per_round,
        poll_interval=options.poll_interval,
    )
    try:
        if options.once:
            print(f"relayed {await relay.drain()} event(s)")
        else:
            await relay.run(stop)
            print(f"stopped after relaying {relay.relayed} event(s)")
    finally:
        for close in closers:
            await close()
    return 0


def main(argv: Sequence[str] | None = None, *, prog: str = "accord-outbox-relay") -> int:
    parser = _arguments(prog)
    options = parser.parse_args(argv)
    if options.amqp is not None and not options.exchange:
        parser.error("--amqp needs --exchange")
    if options.kafka is not None and not options.topic:
        parser.error("--kafka needs --topic")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        return asyncio.run(_relay(options))
    except (OSError, psycopg.Error, AccordError) as error:
        print(f"{prog}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
