"""Idempotency marks in the handler's own transaction: PostgreSQL (psycopg and SQLAlchemy) and SQLite."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aio_pika
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from client import Envelope
from client.delivery.sql_store import SqlIdempotency
from tests.client.delivery.conftest import AMQP_URL
from tests.client.delivery.support import order_event

handled = SqlIdempotency()


def prepare_postgres(url: str) -> None:
    with psycopg.connect(url) as connection:
        connection.execute(handled.create_table_sql("postgresql"))
        connection.execute("CREATE TABLE payments (order_id TEXT NOT NULL)")


def payments(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        return [row[0] for row in connection.execute("SELECT order_id FROM payments ORDER BY 1")]


def test_the_mark_commits_with_the_handlers_writes_on_postgres(postgres_url):
    prepare_postgres(postgres_url)

    @handled.transactional(lambda: psycopg.connect(postgres_url))
    def charge(event, connection) -> str:
        connection.execute("INSERT INTO payments VALUES (%s)", (event.data["orderId"],))
        return "charged"

    event = order_event("o-1")
    assert charge(event) == "charged"
    assert charge(event) is None
    assert payments(postgres_url) == ["o-1"]


def test_a_handler_that_raises_rolls_back_its_mark_with_its_writes(postgres_url):
    prepare_postgres(postgres_url)
    failures = [RuntimeError("card declined")]

    @handled.transactional(lambda: psycopg.connect(postgres_url))
    def charge(event, connection) -> None:
        connection.execute("INSERT INTO payments VALUES (%s)", (event.data["orderId"],))
        if failures:
            raise failures.pop()

    event = order_event("o-1")
    with pytest.raises(RuntimeError, match="card declined"):
        charge(event)
    assert payments(postgres_url) == []
    charge(event)  # the redelivery is handled: nothing of the failed attempt remains
    assert payments(postgres_url) == ["o-1"]


def test_a_sqlalchemy_session_carries_the_mark_in_its_transaction(postgres_url):
    prepare_postgres(postgres_url)
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    session_factory = sessionmaker(engine)

    @handled.transactional(session_factory.begin)
    def charge(event, session) -> None:
        session.execute(text("INSERT INTO payments VALUES (:order)"), {"order": event.data["orderId"]})

    event = order_event("o-7")
    charge(event)
    charge(event)
    engine.dispose()
    assert payments(postgres_url) == ["o-7"]


def test_concurrent_deliveries_of_one_event_apply_it_once_on_postgres(postgres_url):
    prepare_postgres(postgres_url)
    entered = threading.Barrier(2)

    @handled.transactional(lambda: psycopg.connect(postgres_url))
    def charge(event, connection) -> None:
        connection.execute("INSERT INTO payments VALUES (%s)", (event.data["orderId"],))

    event = order_event("o-1")

    def deliver() -> None:
        entered.wait()
        charge(event)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert payments(postgres_url) == ["o-1"]


def test_sqlite_marks_in_the_same_transaction(tmp_path: Path):
    path = tmp_path / "billing.db"
    with sqlite3.connect(path) as connection:
        connection.execute(handled.create_table_sql("sqlite"))
        connection.execute("CREATE TABLE payments (order_id TEXT NOT NULL)")
    connection.close()
    database = sqlite3.connect(path)

    @handled.transactional(lambda: database)
    def charge(event, connection) -> None:
        connection.execute("INSERT INTO payments VALUES (?)", (event.data["orderId"],))

    event = order_event("o-3")
    charge(event)
    charge(event)
    assert database.execute("SELECT order_id FROM payments").fetchall() == [("o-3",)]
    with database:
        assert handled.purge(database, older_than=timedelta(0)) == 1
    assert database.execute(f"SELECT count(*) FROM {handled.table}").fetchone() == (0,)


def test_old_marks_are_purged_on_postgres(postgres_url):
    prepare_postgres(postgres_url)
    with psycopg.connect(postgres_url) as connection:
        assert handled.mark(connection, order_event())
        assert handled.purge(connection, older_than=timedelta(hours=1)) == 0
        assert handled.purge(connection, older_than=timedelta(0)) == 1


def test_unsupported_connections_and_table_names_are_refused():
    with pytest.raises(TypeError, match="psycopg 3 or sqlite3"):
        handled.mark(object(), order_event())
    with pytest.raises(ValueError, match="not a plain SQL table name"):
        SqlIdempotency(table="marks; DROP TABLE payments")


CONSUMER_KILLED_AFTER_COMMIT = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from datetime import UTC, datetime
    import aio_pika, orjson, psycopg
    from client import Envelope
    from client.delivery.sql_store import SqlIdempotency

    url, queue_name = sys.argv[1], sys.argv[2]
    handled = SqlIdempotency()

    @handled.transactional(lambda: psycopg.connect(url))
    def charge(event, connection):
        connection.execute("INSERT INTO payments VALUES (%s)", (event.data["orderId"],))

    async def main():
        connection = await aio_pika.connect(sys.argv[3])
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        message = await queue.get(no_ack=False, timeout=5)
        charge(Envelope(event_id=message.message_id, source=message.app_id, event_type=message.type,
                        timestamp=datetime.now(UTC), correlation_id=message.message_id,
                        data=orjson.loads(message.body)))
        os.kill(os.getpid(), signal.SIGKILL)  # committed, never acknowledged

    asyncio.run(main())
    """
)


def test_a_consumer_killed_after_its_commit_does_not_apply_the_redelivery(postgres_url, unique_name):
    prepare_postgres(postgres_url)

    async def publish() -> None:
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel()
        await channel.declare_queue(unique_name, durable=False, auto_delete=False)
        await channel.default_exchange.publish(
            aio_pika.Message(b'{"orderId": "o-9"}', message_id="e-9", app_id="orders", type="OrderCreated"),
            routing_key=unique_name,
        )
        await connection.close()

    async def redeliver() -> bool:
        connection = await aio_pika.connect(AMQP_URL)
        channel = await connection.channel()
        queue = await channel.get_queue(unique_name)
        message = await queue.get(no_ack=False, timeout=5)
        event = Envelope(
            event_id=message.message_id or "",
            source=message.app_id or "",
            event_type="OrderCreated",
            timestamp=datetime.now(UTC),
            correlation_id="c",
            data={"orderId": "o-9"},
        )

        @handled.transactional(lambda: psycopg.connect(postgres_url))
        def charge(envelope, database) -> None:
            database.execute("INSERT INTO payments VALUES (%s)", (envelope.data["orderId"],))

        assert charge(event) is None  # the mark committed with the effect: a duplicate
        await message.ack()
        redelivered = bool(message.redelivered)
        await channel.queue_delete(unique_name)
        await connection.close()
        return redelivered

    asyncio.run(publish())
    child = subprocess.run(
        [sys.executable, "-c", CONSUMER_KILLED_AFTER_COMMIT, postgres_url, unique_name, AMQP_URL],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    assert payments(postgres_url) == ["o-9"]
    assert asyncio.run(redeliver()) is True
    assert payments(postgres_url) == ["o-9"]


def test_async_handlers_mark_in_their_async_transaction(postgres_url):
    prepare_postgres(postgres_url)

    @asynccontextmanager
    async def transaction():
        async with await psycopg.AsyncConnection.connect(postgres_url) as connection:
            yield connection  # the connection's block commits, or rolls back on an exception

    failures = [RuntimeError("ledger busy")]

    @handled.transactional(transaction)
    async def charge(event, connection) -> str:
        await connection.execute("INSERT INTO payments VALUES (%s)", (event.data["orderId"],))
        if failures:
            raise failures.pop()
        return "charged"

    event = order_event("o-async")

    async def scenario() -> list[str | None]:
        with pytest.raises(RuntimeError, match="ledger busy"):
            await charge(event)
        return [await charge(event), await charge(event)]

    assert asyncio.run(scenario()) == ["charged", None]
    assert payments(postgres_url) == ["o-async"]
