"""GET /catalog/asyncapi over the seed's order flow (published as the contract harness publishes it),
on SQLite and PostgreSQL: the document is AsyncAPI 3.0 that the official parser accepts without an
error, and says what the registry knows: schemas, producers, consumers and what they read,
deployments, samples as examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.registry.catalog.asyncapi_tools import parse_with_official_parser, specification_errors
from tests.registry.ui.order_flow import EVENT_TYPES, harness_for, publish_order_flow


@pytest.fixture
def order_flow(client: TestClient) -> TestClient:
    publish_order_flow(client, harness_for(client))
    return client


def export(client: TestClient, **params: str) -> dict[str, Any]:
    response = client.get("/catalog/asyncapi", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def test_the_order_flow_is_a_valid_asyncapi_3_document(order_flow: TestClient, tmp_path: Path) -> None:
    document = export(order_flow)
    assert document["asyncapi"] == "3.0.0"
    assert specification_errors(document) == []
    parsed = parse_with_official_parser(json.dumps(document), tmp_path)
    assert parsed["errors"] == []
    assert sorted(channel["id"] for channel in parsed["channels"]) == sorted(EVENT_TYPES)
    assert {message["schemaFormat"] for message in parsed["messages"]} == {
        "application/vnd.apache.avro+json;version=1.9.0"
    }
    operations = {operation["id"]: operation for operation in parsed["operations"]}
    assert operations["order-service.send.OrderCreated"]["action"] == "send"
    assert operations["notification-service.receive.OrderCreated"]["action"] == "receive"
    assert operations["inventory-service.receive.OrderPaid"]["channel"] == ["OrderPaid"]
