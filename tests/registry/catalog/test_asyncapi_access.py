"""GET /catalog/asyncapi shows each caller only what it may read: subjects, and the contracts
(samples, expectations) of those subjects, as the contract API does; callers without credentials
are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER, USER_V1
from tests.support.credentials import CredentialsBuilder, basic, secured_client

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("reader", "reader-password", ("reader", ["orders-*"]))
)
ROOT = basic("root", "root-password")
READER = basic("reader", "reader-password")


@pytest.fixture
def secured(database_url: str) -> Iterator[TestClient]:
    with secured_client(database_url, CREDENTIALS) as client:
        for subject, schema in (("orders-value", ORDER), ("payments-value", USER_V1)):
            client.post(
                f"/subjects/{subject}/versions", json={"schema": schema}, headers=ROOT
            ).raise_for_status()
            expectation = {"eventType": subject, "schemaType": "AVRO", "schema": {"type": "string"}}
            path = f"/contracts/consumers/{subject.split('-')[0]}-reader/versions/1/expectations"
            client.put(path, json={"expectations": [expectation]}, headers=ROOT).raise_for_status()
        yield client


def test_each_caller_sees_only_what_it_may_read(secured: TestClient) -> None:
    assert secured.get("/catalog/asyncapi").status_code == 401
    everything = secured.get("/catalog/asyncapi", headers=ROOT).json()
    assert sorted(everything["channels"]) == ["orders-value", "payments-value"]
    assert sorted(everything["operations"]) == [
        "orders-reader.receive.orders-value",
        "payments-reader.receive.payments-value",
    ]
    shown = secured.get("/catalog/asyncapi", headers=READER).json()
    assert sorted(shown["channels"]) == ["orders-value"]
    assert sorted(shown["components"]["messages"]) == ["orders-value"]
    assert sorted(shown["operations"]) == ["orders-reader.receive.orders-value"]
    # an application whose contracts concern only unreadable subjects is as if absent
    refused = secured.get("/catalog/asyncapi", params={"application": "payments-reader"}, headers=READER)
    assert refused.status_code == 404
    assert refused.json()["error_code"] == 40413


def test_catalog_pages_show_each_caller_only_what_it_may_read(secured: TestClient) -> None:
    assert secured.get("/ui/catalog").status_code == 401
    listing = secured.get("/ui/catalog", headers=READER).text
    assert 'href="/ui/catalog/event-types/orders-value"' in listing
    assert "payments-value" not in listing
    assert "payments-value" in secured.get("/ui/catalog", headers=ROOT).text
    page = secured.get("/ui/catalog/event-types/orders-value", headers=READER)
    assert page.status_code == 200
    assert "orders-reader" in page.text
    hidden = secured.get("/ui/catalog/event-types/payments-value", headers=READER)
    assert hidden.status_code == 404
    assert "payments-reader" not in hidden.text
