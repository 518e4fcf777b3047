"""The outbox relay's RabbitMQ sink: each event to its topic exchange (routing key = eventType), as the
RabbitMQ adapter publishes it, pipelined, and confirmed by the broker before the relay deletes its row.
Needs the `rabbitmq` extra; the channel must have publisher confirms on (aio-pika's default)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange

from client.cloudevents import amqp_properties
from client.delivery.relay import OutboxRecord

__all__ = ["RabbitSink"]


class RabbitSink:
    """Publishes outbox records to `exchange` (or the record's own destination), with confirms.

    Messages are not `mandatory`: an event no queue is bound for is confirmed and dropped by RabbitMQ,
    as a direct publish would be, rather than holding up the outbox behind it.
    """

    def __init__(self, channel: AbstractChannel, *, exchange: str) -> None:
        self._channel = channel
        self._default = exchange
        self._exchanges: dict[str, AbstractExchange] = {}

    async def _exchange(self, name: str) -> AbstractExchange:
        exchange = self._exchanges.get(name)
        if exchange is None:
            exchange = await self._channel.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
            self._exchanges[name] = exchange
        return exchange

    async def send(self, records: Sequence[OutboxRecord]) -> None:
        """Publish every record in order on the one channel, then wait for all the confirms."""
        confirms = []
        for record in records:
            exchange = await self._exchange(record.destination or self._default)
            message = aio_pika.Message(
                record.payload,
                headers=dict(amqp_properties(record.headers)),
                content_type=record.headers.get("content-type"),
                message_id=record.event_id,
                correlation_id=record.correlation_id,
                type=record.event_type,
                app_id=record.source,
                timestamp=record.occurred_at,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            )
            confirms.append(
                asyncio.ensure_future(
                    exchange.publish(message, routing_key=record.event_type, mandatory=False)
                )
            )
        try:
            await asyncio.gather(*confirms)
        finally:
            for confirm in confirms:
                confirm.cancel()
