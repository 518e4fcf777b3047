"""The catalog pages through create_app (no browser), on SQLite and PostgreSQL, over the seed's order
flow: the listing with its search, and the page of an event type with its description, schema and
history, producers, consumers with the fields each reads, deployments and an example event; linked
from subject and contract pages."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from registry.ui.catalog import SHOWN_ROWS
from tests.registry.ui.order_flow import harness_for, publish_order_flow
from tests.registry.ui.reading import page, visible_text

ORDER_CREATED = "/ui/catalog/event-types/OrderCreated"


@pytest.fixture
def order_flow(client: TestClient) -> TestClient:
    publish_order_flow(client, harness_for(client))
    return client


def test_the_catalog_lists_every_event_type_and_searches(order_flow: TestClient) -> None:
    text = visible_text(page(order_flow, "/ui/catalog"))
    assert "3 event types." in text
    assert "OrderCreated AVRO v1 order-service inventory-service, notification-service" in text
    assert "OrderShipped AVRO v1 order-service notification-service" in text
    found = page(order_flow, "/ui/catalog?q=paid")
    assert "1 event type match “paid”." in visible_text(found)
    assert 'href="/ui/catalog/event-types/OrderPaid"' in found
    assert "OrderCreated" not in visible_text(found).replace("“paid”", "")
    assert "No event type matches “refund”." in visible_text(page(order_flow, "/ui/catalog?q=refund"))


def test_the_page_of_an_event_type(order_flow: TestClient) -> None:
    html_page = page(order_flow, ORDER_CREATED)
    text = visible_text(html_page)
    assert "OrderCreated event type" in text
    assert "Current version v1 (schema id 1 )" in text
    assert 'href="/ui/subjects/OrderCreated/versions/1"' in html_page
    assert "order-service p1 p3 production" in text
    assert (
        "notification-service notif-1 production emails the order confirmation orderId customerEmail" in text
    )
    assert (
        "inventory-service inv-1 production reserves stock for each item items[].quantity items[].sku orderId"
        in (text)
    )
    assert "production Application Role Versions with contracts order-service produces p1, p3" in text
    assert "The sample “" in text
    assert "published by order-service." in text
    example = json.loads(visible_text(html_page.split('id="example-event">')[1].split("</code>")[0]))
    assert example["eventType"] == "OrderCreated"
    assert "orderId" in example["data"]
    assert 'Schema v1 Copy schema { "type" : "record" , "name" : "OrderCreated"' in text


def test_without_samples_the_example_is_generated_from_the_schema(client: TestClient) -> None:
    schema = {
        "type": "record",
        "name": "Refund",
        "doc": "A payment was refunded",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "cents", "type": "long"},
            {"name": "reason", "type": {"type": "enum", "name": "Reason", "symbols": ["LATE", "BROKEN"]}},
            {"name": "note", "type": ["null", "string"], "default": None},
        ],
    }
    client.post("/subjects/refunds/versions", json={"schema": json.dumps(schema)}).raise_for_status()
    html_page = page(client, "/ui/catalog/event-types/refunds")
    text = visible_text(html_page)
    assert "A payment was refunded" in text
    assert "Generated from version 1 of the schema: no producer has published a sample." in text
    example = json.loads(visible_text(html_page.split('id="example-event">')[1].split("</code>")[0]))
    assert example["data"] == {"id": "text", "cents": 1, "reason": "LATE", "note": None}
    assert "No producer has published samples of refunds." in text
    assert "A payment was refunded" in visible_text(page(client, "/ui/catalog?q=REFUNDED"))


def test_subject_and_contract_pages_link_to_the_catalog(order_flow: TestClient) -> None:
    assert f'href="{ORDER_CREATED}"' in page(order_flow, "/ui/subjects/OrderCreated")
    assert f'href="{ORDER_CREATED}"' in page(order_flow, "/ui/contracts/event-types/OrderCreated")
    assert 'href="/ui/catalog"' in page(order_flow, "/ui/subjects")


def test_an_unknown_event_type_is_a_404_page(client: TestClient) -> None:
    assert "Subject 'nothing' not found." in visible_text(
        page(client, "/ui/catalog/event-types/nothing", 404)
    )


def test_a_long_catalog_shows_its_first_rows_and_says_so(client: TestClient) -> None:
    schema = json.dumps({"type": "string"})
    for number in range(SHOWN_ROWS + 3):
        client.post(f"/subjects/event-{number:04d}/versions", json={"schema": schema}).raise_for_status()
    listing = page(client, "/ui/catalog")
    assert f"{SHOWN_ROWS + 3} event types. The first {SHOWN_ROWS} are shown: search to narrow them down." in (
        visible_text(listing)
    )
    assert listing.count('href="/ui/catalog/event-types/event-') == SHOWN_ROWS
    assert "1 event type match “event-0202”." in visible_text(page(client, "/ui/catalog?q=event-0202"))
