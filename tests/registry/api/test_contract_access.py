"""The contract store under subject permissions, through every door that reads or writes contracts.

Each contract document concerns one subject: an expectation the subject it names, a sample its event
type's. A caller reads the documents of subjects it may read; publishes expectations of subjects it
may read and samples of subjects it may write; and records deployments and verification results of an
application version only when it may publish what that version published (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.support.credentials import CredentialsBuilder, basic, secured_client

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("orders-team", "orders-password", ("writer", ["Order*"]))
    .user("orders-reader", "reader-password", ("reader", ["Order*"]))
    .user("payments-team", "payments-password", ("writer", ["Payment*"]))
)
ROOT = basic("root", "root-password")
ORDERS = basic("orders-team", "orders-password")
ORDERS_READER = basic("orders-reader", "reader-password")
PAYMENTS = basic("payments-team", "payments-password")
SECRET = "4111-1111-1111-1111"  # personal data inside a hidden sample


def expectation(event_type: str) -> dict[str, object]:
    return {"eventType": event_type, "schemaType": "JSON", "schema": {"type": "object"}}


def sample(event_type: str, value: str) -> dict[str, object]:
    envelope = {"eventType": event_type, "eventVersion": 1, "data": {"value": value}}
    return {"scenario": f"{event_type} sample", "envelope": envelope}


@pytest.fixture
def secured(database_url: str) -> Iterator[TestClient]:
    """billing expects OrderCreated and PaymentMade; checkout produces both (published by root)."""
    with secured_client(database_url, CREDENTIALS) as client:
        published = [
            client.put(
                "/contracts/consumers/billing/versions/1/expectations",
                json={"expectations": [expectation("OrderCreated"), expectation("PaymentMade")]},
                headers=ROOT,
            ),
            client.put(
                "/contracts/producers/checkout/versions/1/samples",
                json={"samples": [sample("OrderCreated", "order"), sample("PaymentMade", SECRET)]},
                headers=ROOT,
            ),
        ]
        assert [response.status_code for response in published] == [200, 200]
        yield client


READS = [
    "/contracts/consumers/billing/versions/1/expectations",
    "/contracts/producers/checkout/versions/1/samples",
    "/contracts/expectations",
    "/contracts/samples",
    "/contracts/samples?eventType=PaymentMade",
    "/ui/contracts",
]


@pytest.mark.parametrize("path", READS)
def test_contract_reads_leave_out_documents_of_unreadable_subjects(secured: TestClient, path: str) -> None:
    shown = secured.get(path, headers=ORDERS_READER)
    assert shown.status_code == 200
    assert "PaymentMade" not in shown.text
    assert SECRET not in shown.text
    everything = secured.get(path, headers=ROOT).text
    assert "PaymentMade" in everything


def test_readable_documents_are_still_shown(secured: TestClient) -> None:
    samples = secured.get("/contracts/producers/checkout/versions/1/samples", headers=ORDERS_READER).json()
    assert [item["envelope"]["eventType"] for item in samples["samples"]] == ["OrderCreated"]
    relevant = secured.get("/contracts/expectations", headers=ORDERS_READER).json()
    assert [item["eventType"] for item in relevant[0]["expectations"]] == ["OrderCreated"]
    assert secured.get("/contracts/samples?eventType=PaymentMade", headers=ORDERS_READER).json() == []


def test_the_event_type_page_of_an_unreadable_subject_looks_absent(secured: TestClient) -> None:
    assert secured.get("/ui/contracts/event-types/PaymentMade", headers=ORDERS_READER).status_code == 404
    assert secured.get("/ui/contracts/event-types/PaymentMade", headers=ROOT).status_code == 200
    page = secured.get("/ui/contracts/event-types/OrderCreated", headers=ORDERS_READER)
    assert page.status_code == 200
    assert SECRET not in page.text


def test_samples_are_published_only_to_subjects_the_caller_writes(secured: TestClient) -> None:
    path = "/contracts/producers/checkout/versions/2/samples"
    foreign = secured.put(path, json={"samples": [sample("PaymentMade", "x")]}, headers=ORDERS)
    assert foreign.status_code == 404  # a subject it may not read looks absent
    assert foreign.json()["error_code"] == 40401
    read_only = secured.put(path, json={"samples": [sample("OrderCreated", "x")]}, headers=ORDERS_READER)
    assert read_only.status_code == 403
    allowed = secured.put(path, json={"samples": [sample("OrderCreated", "x")]}, headers=ORDERS)
    assert allowed.status_code == 200
    # nothing of the refused publications was stored
    assert secured.get(path, headers=ROOT).json()["samples"][0]["envelope"]["data"] == {"value": "x"}


def test_deployments_move_only_for_who_may_publish_the_versions_contracts(secured: TestClient) -> None:
    deploy = {"application": "checkout", "version": "1", "environment": "production"}
    refused = secured.post("/contracts/deployments", json=deploy, headers=ORDERS)  # checkout writes payments
    assert refused.status_code == 404
    assert secured.post("/contracts/deployments", json=deploy, headers=ROOT).status_code == 200
    # replacing the deployed version needs the rights to the one it replaces, too
    secured.put(
        "/contracts/producers/checkout/versions/2/samples",
        json={"samples": [sample("OrderCreated", "x")]},
        headers=ORDERS,
    )
    replace = {**deploy, "version": "2"}
    assert secured.post("/contracts/deployments", json=replace, headers=ORDERS).status_code == 404
    assert secured.get("/contracts/deployments", headers=ROOT).json()[0]["version"] == "1"
    assert secured.post("/contracts/deployments", json=replace, headers=ROOT).status_code == 200
    staging = {**replace, "environment": "staging"}
    assert secured.post("/contracts/deployments", json=staging, headers=ORDERS).status_code == 200


def test_results_are_recorded_by_either_side_of_the_pair_only(secured: TestClient) -> None:
    secured.put(
        "/contracts/consumers/shipping/versions/1/expectations",
        json={"expectations": [expectation("OrderCreated")]},
        headers=ORDERS,
    )
    result = {
        "producer": "checkout",
        "producerVersion": "1",
        "consumer": "shipping",
        "consumerVersion": "1",
        "success": True,
    }
    assert secured.post("/contracts/results", json=result, headers=ORDERS).status_code == 200  # shipping's
    assert secured.post("/contracts/results", json=result, headers=PAYMENTS).status_code == 404
    billing = {**result, "consumer": "billing"}  # neither checkout's nor billing's contracts are its own
    assert secured.post("/contracts/results", json=billing, headers=ORDERS).status_code == 404
    assert secured.post("/contracts/results", json=billing, headers=ROOT).status_code == 200
