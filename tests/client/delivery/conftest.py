"""Fixtures for client.delivery against the real services: PostgreSQL on 127.0.0.1:5432 (a throwaway
database per test), Redis on 127.0.0.1:6379 (keys under a unique prefix) and RabbitMQ on 127.0.0.1:5672."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.support.databases import postgres_database

REDIS_URL = "redis://127.0.0.1:6379/0"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A psycopg (libpq) URL of a new, empty database, dropped afterwards."""
    with postgres_database("accord_delivery") as url:
        yield url.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix; every key under it is deleted afterwards."""
    prefix = f"accord-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def unique_name() -> str:
    """A name for exchanges and queues that no other test uses."""
    return f"accord-test-{uuid.uuid4().hex[:12]}"
