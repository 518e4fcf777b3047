"""The contract pages through create_app (no browser), on SQLite and on PostgreSQL, over the order flow
as the contract harness publishes it: event types, the matrix per check, deployments, what consumers
read, can-i-deploy (the API's answer, shown as the CLI shows it), a pair's findings, and the links
between subjects and their contracts."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from contracts.remote import ContractRegistry
from tests.registry.ui.order_flow import (
    BREAKING_ORDER_CREATED,
    harness_for,
    publish_order_flow,
    verify_order_service,
)
from tests.registry.ui.reading import page, visible_text

EVENT_PAGE = "/ui/contracts/event-types/OrderCreated"


@pytest.fixture
def remote(client: TestClient) -> ContractRegistry:
    return harness_for(client)


@pytest.fixture
def order_flow(client: TestClient, remote: ContractRegistry) -> TestClient:
    publish_order_flow(client, remote)
    return client


def matrix_cells(html_page: str) -> list[str]:
    return re.findall(r'<td class="cell cell-(\w+)">', html_page)


def row_headers(html_page: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="{table_class}".*?</table>', html_page, re.DOTALL)
    assert table is not None
    return [
        visible_text(cell) for cell in re.findall(r'<th scope="row">(.*?)</th>', table.group(0), re.DOTALL)
    ]


def test_contracts_index_lists_event_types_deployments_and_asks_can_i_deploy(order_flow: TestClient) -> None:
    index = page(order_flow, "/ui/contracts")
    text = visible_text(index)
    assert "OrderCreated order-service inventory-service, notification-service" in text
    assert "OrderPaid order-service inventory-service" in text
    assert "OrderShipped order-service notification-service" in text
    assert 'href="/ui/contracts/event-types/OrderCreated"' in index
    assert "production Application Version Kind Since inventory-service inv-1 deployment" in text
    assert "order-service p1 deployment" in text
    assert 'action="/ui/contracts/can-i-deploy"' in index
    options = re.findall(r'<option value="([^"]+)">', index)
    assert options == ["inventory-service", "notification-service", "order-service", "production"]
    assert 'aria-current="page">Contracts</a>' in index


def test_contracts_index_without_contracts_says_how_to_publish(client: TestClient) -> None:
    text = visible_text(page(client, "/ui/contracts"))
    assert "No contract has been published yet: accord contracts publish" in text
    assert "No deployment has been recorded" in text


def test_event_type_shows_producers_consumers_and_the_matrix_per_check(order_flow: TestClient) -> None:
    event = page(order_flow, EVENT_PAGE)
    text = visible_text(event)
    assert "Producers order-service p3 latest order-service p1 production" in text
    assert (
        "Consumers inventory-service inv-1 latest production notification-service notif-1 latest production"
        in text
    )
    # rows p3 (latest), p1 (production); columns inventory-service, notification-service
    assert row_headers(event, "matrix") == ["order-service p3 latest", "order-service p1 production"]
    assert matrix_cells(event) == ["success", "failure", "success", "success"]
    failed = event.split('<td class="cell cell-failure">')[1].split("</td>")[0]
    failed_text = visible_text(failed)
    assert failed_text.startswith(
        "✗ failed ✓ passed: sample-schema ✓ passed: sample-expectation "
        "✗ failed: schema-expectation (1) 1 finding"
    )
    assert "error $.data.customerEmail READER_FIELD_MISSING_DEFAULT_VALUE" in failed_text
    assert "Field 'customerEmail'" in failed_text
    assert "<details open>" in failed
    warned = visible_text(event.split('<td class="cell cell-success">')[1].split("</td>")[0])
    assert warned.startswith(
        "✓ passed ✓ passed: sample-schema ✓ passed: sample-expectation ! passed with warnings"
    )
    assert (
        'href="/ui/contracts/results?producer=order-service&amp;producer_version=p3'
        '&amp;consumer=notification-service&amp;consumer_version=notif-1"'
    ) in failed


def test_event_type_shows_what_is_deployed_and_what_each_consumer_reads(
    order_flow: TestClient, remote: ContractRegistry
) -> None:
    remote.record_deployment("order-service", "p0", "staging", kind="deployment")
    text = visible_text(page(order_flow, EVENT_PAGE))
    assert (
        "production Application Version With OrderCreated Kind Since "
        "inventory-service inv-1 consumes deployment"
    ) in text
    assert "order-service p1 produces deployment" in text
    assert (
        "staging Application Version With OrderCreated Kind Since "
        "order-service p0 this version has no contract for it"
    ) in text
    assert (
        "notification-service notif-1 latest production Copy schema Reads AVRO every version of OrderCreated"
        in text
    )
    assert "Why emails the order confirmation" in text
    assert '"name" : "customerEmail"' in text


def test_event_type_history_adds_older_versions(order_flow: TestClient, remote: ContractRegistry) -> None:
    verify_order_service(remote, "p4")  # p4 is the latest now; p3 neither latest nor deployed
    current = page(order_flow, EVENT_PAGE)
    assert row_headers(current, "matrix") == ["order-service p4 latest", "order-service p1 production"]
    assert "1 older version not shown." in visible_text(current)
    assert 'href="/ui/contracts/event-types/OrderCreated?history=on">Show older versions' in current

    history = page(order_flow, f"{EVENT_PAGE}?history=on")
    assert row_headers(history, "matrix") == [
        "order-service p4 latest",
        "order-service p3",
        "order-service p1 production",
    ]
    assert matrix_cells(history) == ["success", "success", "success", "failure", "success", "success"]
    assert "Show only the versions that count" in visible_text(history)


def test_a_pair_failing_on_another_event_type_says_so(order_flow: TestClient) -> None:
    # OrderShipped: p3 passed for notification-service, whose pair failed on OrderCreated
    shipped = page(order_flow, "/ui/contracts/event-types/OrderShipped")
    assert matrix_cells(shipped) == ["success", "success"]
    assert visible_text(shipped).count("The pair fails on another event type.") == 1


def test_pair_page_lists_every_finding_by_event_type_and_check(order_flow: TestClient) -> None:
    pair = page(
        order_flow,
        "/ui/contracts/results?producer=order-service&producer_version=p3"
        "&consumer=notification-service&consumer_version=notif-1",
    )
    text = visible_text(pair)
    assert "order-service p3 → notification-service notif-1" in text
    assert "Result ✗ failed" in text
    assert "Findings 1" in text
    assert "OrderCreated ✓ passed: sample-schema No finding. ✓ passed: sample-expectation No finding." in text
    assert "✗ failed: schema-expectation Severity Where Path Message Expected Found error" in text
    assert (
        f"OrderCreated ({BREAKING_ORDER_CREATED.name}) $.data.customerEmail "
        "READER_FIELD_MISSING_DEFAULT_VALUE"
    ) in text

    # inventory-service's matcher expectation adds value rules Avro cannot state: warnings, not errors
    warned = visible_text(
        page(
            order_flow,
            "/ui/contracts/results?producer=order-service&producer_version=p1"
            "&consumer=inventory-service&consumer_version=inv-1",
        )
    )
    assert "Result ✓ passed" in warned
    assert (
        "! passed with warnings: schema-expectation Severity Where Path Message Expected Found warning"
        in warned
    )
    assert "$.data.items MIN_ITEMS_ADDED" in warned

    clean = visible_text(
        page(
            order_flow,
            "/ui/contracts/results?producer=order-service&producer_version=p1"
            "&consumer=notification-service&consumer_version=notif-1",
        )
    )
    assert "Result ✓ passed" in clean
    assert "Findings 0" in clean
    assert "No findings: every check passed for every event type the two share." in clean


@pytest.mark.parametrize(
    ("version", "environment", "verdict"),
    [
        ("p3", "production", "no: 1 of 2 pairs failed verification"),
        ("p1", "production", "yes: all 2 pairs with versions in production passed verification"),
        ("p9", "production", "unknown: order-service p9 has published no contracts and was never verified"),
        ("p3", "staging", "yes: nothing deployed in staging interacts with order-service"),
    ],
)
def test_can_i_deploy_gives_the_apis_answer_as_the_cli_shows_it(
    order_flow: TestClient, version: str, environment: str, verdict: str
) -> None:
    query = f"application=order-service&version={version}&environment={environment}"
    answer = page(order_flow, f"/ui/contracts/can-i-deploy?{query}")
    expected = order_flow.get(f"/contracts/can-i-deploy?{query}").json()
    text = visible_text(answer)
    assert f"can order-service {version} be deployed to {environment}?" in text
    assert f"{verdict}" in text
    assert verdict.endswith(expected["reason"])
    rows = re.findall(r'<tr class="pair-\w+">(.*?)</tr>', answer, re.DOTALL)
    shown = [[visible_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)] for row in rows]
    words = {"success": "✓ passed", "failure": "✗ failed", "unknown": "? never verified"}
    assert shown == [
        [
            row["producer"],
            row["producerVersion"],
            row["consumer"],
            row["consumerVersion"],
            words[row["result"]],
            str(row["errors"]),
        ]
        for row in expected["matrix"]
    ]
    code = {"yes": 0, "no": 1, "unknown": 2}[verdict.split(":")[0]]
    assert f"accord contracts can-i-deploy order-service@{version} --to {environment} exits {code}." in text


def test_can_i_deploy_form_keeps_what_was_asked_and_names_what_is_missing(order_flow: TestClient) -> None:
    empty = page(order_flow, "/ui/contracts/can-i-deploy")
    assert "be deployed to" not in visible_text(empty)
    partial = page(order_flow, "/ui/contracts/can-i-deploy?application=order-service&version=+", status=422)
    assert "Fill in the version and the environment to ask." in visible_text(partial)
    assert 'name="application" list="known-applications" value="order-service"' in partial
    assert "be deployed to" not in visible_text(partial)


def test_subject_page_links_to_its_contracts_and_says_whether_they_guard_registration(
    order_flow: TestClient,
) -> None:
    subject = page(order_flow, "/ui/subjects/OrderCreated")
    assert 'href="/ui/contracts/event-types/OrderCreated"' in subject
    text = visible_text(subject)
    assert (
        "Contracts OrderCreated Consumer-aware registration on the default for a subject consumers expect"
        in text
    )

    order_flow.put("/contracts/subjects/OrderCreated/enforcement", json={"enforce": False}).raise_for_status()
    assert "Consumer-aware registration off set on this subject" in visible_text(
        page(order_flow, "/ui/subjects/OrderCreated")
    )
    event = visible_text(page(order_flow, EVENT_PAGE))
    assert "Subject OrderCreated Consumer-aware registration off set on this subject" in event


def test_a_subject_without_contracts_says_so(client: TestClient) -> None:
    schema = '{"type": "record", "name": "Plain", "fields": []}'
    client.post("/subjects/plain-value/versions", json={"schema": schema}).raise_for_status()
    text = visible_text(page(client, "/ui/subjects/plain-value"))
    assert "Contracts no producer or consumer has published contracts for this subject" in text
    assert "Consumer-aware registration off the default while no consumer expects this subject" in text


def test_expectations_naming_a_subject_link_both_ways(
    order_flow: TestClient, remote: ContractRegistry
) -> None:
    schema = {"type": "object", "properties": {"orderId": {"type": "string"}}, "required": ["orderId"]}
    body = {"expectations": [{"eventType": "OrderCreated", "subject": "shop.orders-value", "schema": schema}]}
    order_flow.put(
        "/contracts/consumers/audit-service/versions/a1/expectations", json=body
    ).raise_for_status()

    event = page(order_flow, EVENT_PAGE)
    text = visible_text(event)
    assert "Subject OrderCreated" in text
    assert "Subject shop.orders-value (not registered)" in text
    assert 'href="/ui/subjects/shop.orders-value"' not in event
    assert "Reads JSON every version of shop.orders-value" in text

    registration = {"schemaType": "JSON", "schema": json.dumps(schema)}  # what audit-service reads
    order_flow.post("/subjects/shop.orders-value/versions", json=registration).raise_for_status()
    assert 'href="/ui/subjects/shop.orders-value"' in page(order_flow, EVENT_PAGE)
    assert 'href="/ui/contracts/event-types/OrderCreated"' in page(
        order_flow, "/ui/subjects/shop.orders-value"
    )


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        (
            "/ui/contracts/event-types/OrderCancelled",
            404,
            "No producer or consumer has published contracts for event type 'OrderCancelled'",
        ),
        (
            "/ui/contracts/results?producer=order-service&producer_version=p9"
            "&consumer=inventory-service&consumer_version=inv-1",
            404,
            "order-service p9 was never verified against inventory-service inv-1",
        ),
        ("/ui/contracts/results?producer=order-service", 422, "producer_version: Field required"),
        (
            "/ui/contracts/results?producer=&producer_version=1&consumer=c&consumer_version=2",
            422,
            "producer:",
        ),
    ],
)
def test_contract_errors_are_pages_with_a_precise_message(
    order_flow: TestClient, path: str, status: int, message: str
) -> None:
    assert message in visible_text(page(order_flow, path, status=status))


def test_event_type_names_are_escaped_and_round_trip(client: TestClient) -> None:
    hostile = "<script>alert(1)</script>/Created"
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    body = {"expectations": [{"eventType": hostile, "subject": "plain", "schema": schema}]}
    client.put("/contracts/consumers/reader/versions/1/expectations", json=body).raise_for_status()

    index = page(client, "/ui/contracts")
    assert "<script>alert" not in index
    address = f"/ui/contracts/event-types/{quote(hostile, safe='')}"
    assert f'href="{address}"' in index
    event = page(client, address)
    assert "<script>alert" not in event
    assert f"{hostile} event type" in visible_text(event)
    assert "Nothing to verify yet" in visible_text(event)
