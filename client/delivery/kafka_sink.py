"""The outbox relay's Kafka sink: each event to its topic with its partition key as the message key (so
one key stays in one partition, in order), its `ce_` headers, and the wire-format payload; the round
ends once librdkafka reports every delivery. Needs the `kafka` extra.

Give it a producer with `enable.idempotence` on, so that librdkafka's own retries cannot reorder or
repeat messages within a partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from confluent_kafka import KafkaError, Producer

from client.delivery.relay import OutboxRecord
from client.errors import AccordError

__all__ = ["KafkaDeliveryError", "KafkaSink"]


class KafkaDeliveryError(AccordError):
    """Kafka did not confirm some events of a round: the relay keeps their rows and tries again."""

    def __init__(self, failures: Sequence[str], pending: int) -> None:
        detail = "; ".join(failures[:3]) or "no answer"
        super().__init__(f"{len(failures) + pending} event(s) not confirmed by Kafka ({detail})")
        self.failures = list(failures)
        self.pending = pending


class KafkaSink:
    """Produces outbox records to `topic` (or the record's own destination) and waits for delivery."""

    def __init__(self, producer: Producer, *, topic: str, timeout: float = 30.0) -> None:
        self._producer = producer
        self._topic = topic
        self._timeout = timeout

    async def send(self, records: Sequence[OutboxRecord]) -> None:
        failures: list[str] = []

        def delivered(error: KafkaError | None, message: Any) -> None:
            if error is not None:
                failures.append(f"{message.topic()}: {error.str()}")

        for record in records:
            self._producer.produce(
                record.destination or self._topic,
                value=record.payload,
                key=record.partition_key.encode() if record.partition_key is not None else None,
                headers=[(name, value.encode()) for name, value in record.headers.items()],
                on_delivery=delivered,
            )
        pending = await asyncio.to_thread(self._producer.flush, self._timeout)
        if failures or pending:
            raise KafkaDeliveryError(failures, int(pending))
