from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from bench.order_created import ORDER_CREATED_AVRO, ORDER_CREATED_DATA, ORDER_CREATED_JSON
from client import InMemoryRegistry, Schema


def avro_schema(schema: Any) -> Schema:
    return Schema(orjson.dumps(schema).decode())


def json_schema(schema: Any) -> Schema:
    return Schema(orjson.dumps(schema).decode(), "JSON")


@pytest.fixture
def order() -> dict[str, Any]:
    """A fresh, valid ~1 KB OrderCreated payload that a test may change."""
    return copy.deepcopy(ORDER_CREATED_DATA)


@pytest.fixture
def registry() -> InMemoryRegistry:
    """OrderCreated as Avro (id 1) and OrderPlaced as JSON Schema (id 2)."""
    registry = InMemoryRegistry()
    registry.register_schema("OrderCreated", avro_schema(ORDER_CREATED_AVRO))
    registry.register_schema("OrderPlaced", json_schema(ORDER_CREATED_JSON))
    return registry
