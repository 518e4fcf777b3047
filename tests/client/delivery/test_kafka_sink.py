"""The Kafka sink when Kafka does not confirm: the relay keeps every row (no Kafka broker can be
installed on this machine, so what is tested here is the failure path, with the real librdkafka)."""

from __future__ import annotations

import psycopg
import pytest
from confluent_kafka import Producer

from client import EventSerializer
from client.delivery.kafka_sink import KafkaDeliveryError, KafkaSink
from client.delivery.outbox import Outbox
from client.delivery.relay import OutboxRelay
from tests.client.delivery.outbox_support import outbox_rows, prepare_outbox
from tests.client.delivery.support import order_event, order_registry, run


def test_events_kafka_did_not_confirm_stay_in_the_outbox(postgres_url):
    prepare_outbox(postgres_url)
    with psycopg.connect(postgres_url) as connection:
        Outbox(EventSerializer(order_registry())).publish_batch(
            connection, [order_event("a"), order_event("b")]
        )
    producer = Producer(
        {"bootstrap.servers": "127.0.0.1:1", "message.timeout.ms": 500, "enable.idempotence": True}
    )
    relay = OutboxRelay(postgres_url, KafkaSink(producer, topic="orders", timeout=10))

    async def scenario() -> None:
        with pytest.raises(KafkaDeliveryError, match="2 event"):
            await relay.drain()

    run(scenario)
    assert outbox_rows(postgres_url) == 2
    assert relay.relayed == 0
