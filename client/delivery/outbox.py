"""The transactional outbox on PostgreSQL: `publish` inside the service's own transaction writes the
validated, serialized event to an outbox table, so the event exists if and only if the business change
committed. A relay (client.delivery.relay) then delivers it to the broker, at least once.

    outbox = Outbox(EventSerializer(registry))
    with psycopg.connect(dsn) as connection:        # or a SQLAlchemy Session: session.begin()
        connection.execute("INSERT INTO orders ...")
        outbox.publish(connection, Envelope.new("OrderCreated", data, source="orders",
                                                partition_key=order_id))

Publishing costs one INSERT in that transaction (a statement trigger sends the relays a NOTIFY at
commit). The table is the service's to create, in its own migrations: `outbox_sql()` is the plain SQL,
and `create_outbox(op)` runs it from an Alembic migration's `upgrade()`.

Each row has a lane, a hash of its partition key (or of its eventId when it has none): the relay
delivers a lane's rows in their order, one relay at a time, so the events of one key leave in the order
their rows were written; relays share the lanes with `FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from client.delivery.sql import SqlConnection, check_identifier, dbapi_connection, dialect_of
from client.envelope import Envelope
from client.serde import EventSerializer, Message

__all__ = ["DEFAULT_LANES", "DEFAULT_TABLE", "Outbox", "create_outbox", "drop_outbox", "outbox_sql"]

DEFAULT_TABLE = "accord_outbox"
DEFAULT_LANES = 16

_COLUMNS = (
    "event_id, event_type, source, correlation_id, partition_key, occurred_at, destination, payload, headers"
)


def outbox_sql(table: str = DEFAULT_TABLE, *, lanes: int = DEFAULT_LANES) -> str:
    """The outbox table, its lanes table, and the trigger that notifies relays: plain PostgreSQL."""
    table = check_identifier(table)
    if not 1 <= lanes <= 1024:
        raise ValueError("lanes must be between 1 and 1024")
    bare = table.rsplit(".", 1)[-1]
    return f"""
CREATE TABLE IF NOT EXISTS {table} (
    id BIGSERIAL PRIMARY KEY,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    source TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    partition_key TEXT,
    occurred_at TIMESTAMPTZ NOT NULL,
    destination TEXT,
    payload BYTEA NOT NULL,
    headers JSONB NOT NULL,
    lane INTEGER NOT NULL GENERATED ALWAYS AS
        ((hashtext(COALESCE(partition_key, event_id)) & 2147483647) % {lanes}) STORED
);
CREATE INDEX IF NOT EXISTS {bare}_lane_id ON {table} (lane, id);
CREATE TABLE IF NOT EXISTS {table}_lanes (lane INTEGER PRIMARY KEY);
INSERT INTO {table}_lanes SELECT generate_series(0, {lanes - 1}) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION {table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{bare}', '');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS {bare}_notify ON {table};
CREATE TRIGGER {bare}_notify AFTER INSERT ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {table}_notify();
"""


def drop_outbox_sql(table: str = DEFAULT_TABLE) -> str:
    """What `outbox_sql` created, dropped (an Alembic migration's `downgrade()`)."""
    table = check_identifier(table)
    return (
        f"DROP TABLE IF EXISTS {table};\n"
        f"DROP TABLE IF EXISTS {table}_lanes;\n"
        f"DROP FUNCTION IF EXISTS {table}_notify();\n"
    )


def create_outbox(op: Any, table: str = DEFAULT_TABLE, *, lanes: int = DEFAULT_LANES) -> None:
    """Create the outbox from an Alembic migration: `create_outbox(op)` in `upgrade()`."""
    op.execute(outbox_sql(table, lanes=lanes))


def drop_outbox(op: Any, table: str = DEFAULT_TABLE) -> None:
    """Drop the outbox from an Alembic migration: `drop_outbox(op)` in `downgrade()`."""
    op.execute(drop_outbox_sql(table))


class Outbox:
    """Writes events to the outbox table in the caller's open transaction."""

    def __init__(self, serializer: EventSerializer, *, table: str = DEFAULT_TABLE) -> None:
        self.serializer = serializer
        self.table = check_identifier(table)
        self._insert = f"INSERT INTO {self.table} ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"

    def publish(
        self, connection: SqlConnection, envelope: Envelope, *, destination: str | None = None
    ) -> None:
        """Validate and serialize `envelope` (EventValidationError writes nothing) and write it to the
        outbox in `connection`'s transaction (a psycopg 3 connection or a SQLAlchemy Session or
        Connection on psycopg). `destination` is the exchange or topic; None: the relay's default."""
        message = self.serializer.serialize(envelope, topic=destination)
        self._write(connection, [self._row(envelope, message, destination)])

    def publish_batch(
        self, connection: SqlConnection, envelopes: Iterable[Envelope], *, destination: str | None = None
    ) -> None:
        """Validate every event first (BatchValidationError names each failing one and writes none),
        then write them all, in order, in one round trip (psycopg's pipelined executemany)."""
        batch = list(envelopes)
        messages = self.serializer.serialize_batch(batch, topic=destination)
        self._write(
            connection,
            [
                self._row(envelope, message, destination)
                for envelope, message in zip(batch, messages, strict=True)
            ],
        )

    async def apublish(self, connection: Any, envelope: Envelope, *, destination: str | None = None) -> None:
        """`publish` for asyncio services: in the open transaction of a psycopg AsyncConnection."""
        message = self.serializer.serialize(envelope, topic=destination)
        await self._awrite(connection, [self._row(envelope, message, destination)])

    async def apublish_batch(
        self, connection: Any, envelopes: Iterable[Envelope], *, destination: str | None = None
    ) -> None:
        """`publish_batch` for asyncio services, on a psycopg AsyncConnection."""
        batch = list(envelopes)
        messages = self.serializer.serialize_batch(batch, topic=destination)
        rows = [
            self._row(envelope, message, destination)
            for envelope, message in zip(batch, messages, strict=True)
        ]
        await self._awrite(connection, rows)

    @staticmethod
    def _row(envelope: Envelope, message: Message, destination: str | None) -> tuple[Any, ...]:
        return (
            envelope.event_id,
            envelope.event_type,
            envelope.source,
            envelope.correlation_id,
            envelope.partition_key,
            envelope.timestamp,
            destination,
            message.value,
            orjson.dumps(dict(message.headers)).decode(),
        )

    def _write(self, connection: SqlConnection, rows: Sequence[tuple[Any, ...]]) -> None:
        raw = dbapi_connection(connection)
        if dialect_of(raw).name != "postgresql":
            raise TypeError("the outbox needs PostgreSQL (psycopg 3)")
        if type(raw).__name__.startswith("Async"):
            raise TypeError("an asyncio connection: use `await outbox.apublish(...)`")
        cursor = raw.cursor()
        try:
            if len(rows) == 1:
                cursor.execute(self._insert, rows[0])
            else:
                cursor.executemany(self._insert, rows)
        finally:
            cursor.close()

    async def _awrite(self, connection: Any, rows: Sequence[tuple[Any, ...]]) -> None:
        if dialect_of(connection).name != "postgresql" or not type(connection).__name__.startswith("Async"):
            raise TypeError("apublish needs a psycopg AsyncConnection (use publish for a blocking one)")
        async with connection.cursor() as cursor:
            if len(rows) == 1:
                await cursor.execute(self._insert, rows[0])
            else:
                await cursor.executemany(self._insert, rows)
