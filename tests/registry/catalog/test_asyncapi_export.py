"""GET /catalog/asyncapi over the seed's order flow (published as the contract harness publishes it),
on SQLite and PostgreSQL: the document is AsyncAPI 3.0 that the official parser accepts without an
error, and says what the registry knows: schemas, producers, consumers and what they read,
deployments, samples as examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER
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


def test_yaml_by_accept_or_format_and_406_for_neither(order_flow: TestClient) -> None:
    as_yaml = order_flow.get(
        "/catalog/asyncapi", headers={"Accept": "application/yaml, application/json;q=0.5"}
    )
    assert as_yaml.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert as_yaml.text.startswith("asyncapi: 3.0.0\n")
    assert yaml.safe_load(as_yaml.text) == export(order_flow)
    by_format = order_flow.get("/catalog/asyncapi", params={"format": "yaml"}, headers={"Accept": "*/*"})
    assert by_format.headers["content-type"].startswith("application/yaml")
    assert order_flow.get("/catalog/asyncapi", headers={"Accept": "*/*"}).headers["content-type"] == (
        "application/json"
    )
    refused = order_flow.get("/catalog/asyncapi", headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert refused.json()["error_code"] == 406


def test_the_document_says_what_the_registry_knows(order_flow: TestClient) -> None:
    document = export(order_flow)
    created = document["components"]["messages"]["OrderCreated"]
    registered = order_flow.get("/subjects/OrderCreated/versions/latest").json()
    assert created["payload"]["schema"] == json.loads(registered["schema"])
    assert created["x-accord-schema-id"] == registered["id"]
    assert created["x-accord-schema-url"] == f"http://testserver/schemas/ids/{registered['id']}"
    assert created["headers"]["properties"]["ce_type"]["type"] == "string"
    assert created["correlationId"] == {"location": "$message.header#/ce_correlationid"}
    example = created["examples"][0]  # a published sample: envelope fields as headers, data as payload
    assert example["headers"]["ce_type"] == "OrderCreated"
    assert example["headers"]["ce_source"] == "order-service"
    assert "orderId" in example["payload"]
    receive = document["operations"]["notification-service.receive.OrderCreated"]
    assert receive["x-accord-versions"] == ["notif-1"]
    assert receive["x-accord-environments"] == ["production"]
    assert receive["x-accord-reads"]["schemaType"] in ("JSON", "AVRO")
    assert receive["x-accord-reads"]["schema"]
    send = document["operations"]["order-service.send.OrderCreated"]
    assert (send["x-accord-versions"], send["x-accord-environments"]) == (["p1", "p3"], ["production"])


def test_unknown_application_is_40413(order_flow: TestClient) -> None:
    answer = order_flow.get("/catalog/asyncapi", params={"application": "nobody"})
    assert answer.status_code == 404
    assert answer.json() == {
        "error_code": 40413,
        "message": "Application 'nobody' has no published contracts",
    }


def test_json_schema_subjects_and_names_that_are_not_keys(client: TestClient, tmp_path: Path) -> None:
    schema = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    for subject in ("payments.v1:refunded-value", "payments.v1 refunded-value"):
        body = {"schema": json.dumps(schema), "schemaType": "JSON"}
        client.post(f"/subjects/{quote(subject, safe='')}/versions", json=body).raise_for_status()
    document = export(client)
    assert specification_errors(document) == []
    assert parse_with_official_parser(json.dumps(document), tmp_path)["errors"] == []
    assert sorted(document["channels"]) == ["payments.v1_refunded-value", "payments.v1_refunded-value_2"]
    channel = document["channels"]["payments.v1_refunded-value"]
    assert channel["address"] == "payments.v1 refunded"  # subjects sort by name: ' ' before ':'
    assert channel["x-accord-subject"] == "payments.v1 refunded-value"
    message = document["components"]["messages"]["payments.v1_refunded-value"]
    assert message["payload"] == {
        "schemaFormat": "application/schema+json;version=draft-07",
        "schema": schema,
    }
    assert document["operations"] == {}


def test_avro_references_are_resolved_into_one_payload(client: TestClient, tmp_path: Path) -> None:
    money = {
        "type": "record",
        "name": "Money",
        "namespace": "shop",
        "fields": [{"name": "cents", "type": "long"}],
    }
    client.post("/subjects/money/versions", json={"schema": json.dumps(money)}).raise_for_status()
    order = {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [{"name": "total", "type": "shop.Money"}],
    }
    body = {
        "schema": json.dumps(order),
        "references": [{"name": "shop.Money", "subject": "money", "version": 1}],
    }
    client.post("/subjects/orders-value/versions", json=body).raise_for_status()
    document = export(client)
    payload = document["components"]["messages"]["orders-value"]["payload"]["schema"]
    # full names become a name and a namespace, as AsyncAPI's Avro schema wants them
    assert payload["name"] == "Order"
    assert payload["namespace"] == "shop"
    assert payload["fields"][0]["type"] == {
        "name": "Money",
        "namespace": "shop",
        "type": "record",
        "fields": [{"name": "cents", "type": "long"}],
    }
    assert document["channels"]["orders-value"]["address"] == "orders"
    assert parse_with_official_parser(json.dumps(document), tmp_path)["errors"] == []


def test_an_application_document_leaves_out_events_not_registered(client: TestClient, tmp_path: Path) -> None:
    client.post("/subjects/orders-value/versions", json={"schema": ORDER}).raise_for_status()
    expectations = [
        {"eventType": name, "schemaType": "AVRO", "schema": {"type": "string"}}
        for name in ("orders-value", "not-registered-value")
    ]
    path = "/contracts/consumers/shop/versions/1/expectations"
    client.put(path, json={"expectations": expectations}).raise_for_status()
    document = export(client, application="shop")
    assert sorted(document["channels"]) == ["orders-value"]
    assert sorted(document["operations"]) == ["shop.receive.orders-value"]
    assert parse_with_official_parser(json.dumps(document), tmp_path)["errors"] == []
