"""The contract and audit pages with authentication on, on SQLite and on PostgreSQL: a browser is asked
for a password, contract pages are open to every caller as the contract API is, subjects the caller
may not read are left out, and the audit page shows what GET /audit shows to the same caller."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER, USER_V1
from tests.registry.ui.reading import visible_text
from tests.support.credentials import CredentialsBuilder, basic, bearer, secured_client

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("reader", "reader-password", ("reader", ["orders-*"]))
    .key("orders-admin", ("admin", ["orders-*"]))
)
ROOT = basic("root", "root-password")
READER = basic("reader", "reader-password")
ORDERS_ADMIN = bearer(CREDENTIALS.tokens["orders-admin"])
EXPECTATION = {"eventType": "OrderPlaced", "schemaType": "AVRO", "schema": {"type": "string"}}


@pytest.fixture
def secured(database_url: str) -> Iterator[TestClient]:
    with secured_client(database_url, CREDENTIALS) as client:
        client.post(
            "/subjects/orders-value/versions", json={"schema": ORDER}, headers=ROOT
        ).raise_for_status()
        client.post(
            "/subjects/payments-b/versions", json={"schema": USER_V1}, headers=ROOT
        ).raise_for_status()
        for consumer, subject in (("shop", "orders-value"), ("ledger", "payments-b")):
            body = {"expectations": [{**EXPECTATION, "subject": subject}]}
            path = f"/contracts/consumers/{consumer}/versions/1/expectations"
            client.put(path, json=body, headers=ROOT).raise_for_status()
        client.put("/config", json={"compatibility": "FULL"}, headers=ROOT).raise_for_status()
        yield client


@pytest.mark.parametrize(
    "path",
    ["/ui/contracts", "/ui/contracts/event-types/OrderPlaced", "/ui/contracts/can-i-deploy", "/ui/audit"],
)
def test_browsers_are_asked_for_a_password(secured: TestClient, path: str) -> None:
    challenge = secured.get(path)
    assert challenge.status_code == 401
    assert challenge.headers["www-authenticate"].startswith("Basic")
    assert "text/html" in challenge.headers["content-type"]
    assert secured.get(path, headers=basic("root", "wrong")).status_code == 401


def test_contract_pages_leave_out_subjects_the_caller_cannot_read(secured: TestClient) -> None:
    assert "OrderPlaced" in visible_text(page_as(secured, "/ui/contracts", READER))
    as_reader = page_as(secured, "/ui/contracts/event-types/OrderPlaced", READER)
    assert 'href="/ui/subjects/orders-value"' in as_reader
    assert "payments-b (not registered)" not in visible_text(as_reader)
    assert 'href="/ui/subjects/payments-b"' not in as_reader
    as_root = page_as(secured, "/ui/contracts/event-types/OrderPlaced", ROOT)
    assert 'href="/ui/subjects/payments-b"' in as_root
    assert "Subject OrderPlaced (not registered)" in visible_text(as_root)

    # the subject's own page links to its contracts, and is absent to whom may not read it
    assert 'href="/ui/contracts/event-types/OrderPlaced"' in page_as(
        secured, "/ui/subjects/orders-value", READER
    )
    assert secured.get("/ui/subjects/payments-b", headers=READER).status_code == 404


def test_audit_page_needs_the_admin_role_somewhere(secured: TestClient) -> None:
    refused = secured.get("/ui/audit", headers=READER)
    assert refused.status_code == 403
    assert "it needs the admin role on any subject" in visible_text(refused.text)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ROOT,
            [
                ("config.update", "—"),
                ("contracts.expectations.publish", "—"),
                ("contracts.expectations.publish", "—"),
                ("schema.register", "payments-b"),
                ("schema.register", "orders-value"),
            ],
        ),
        (ORDERS_ADMIN, [("schema.register", "orders-value")]),
    ],
)
def test_audit_page_shows_what_the_api_shows_to_the_same_caller(
    secured: TestClient, headers: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    api = secured.get("/audit", headers=headers).json()
    assert [(entry["action"], entry["subject"] or "—") for entry in api] == expected
    assert audit_rows(page_as(secured, "/ui/audit", headers)) == expected
    assert audit_rows(page_as(secured, "/ui/audit?subject=payments-b", headers)) == [
        row for row in expected if row[1] == "payments-b"
    ]


def page_as(client: TestClient, path: str, headers: dict[str, str]) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, visible_text(response.text)[:300]
    return response.text


def audit_rows(audit_page: str) -> list[tuple[str, str]]:
    """(action, subject) of each entry the page shows."""
    table = re.search(r'<table class="audit">.*?</table>', audit_page, re.DOTALL)
    if table is None:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.DOTALL)[1:]  # after the header row
    cells = [re.findall(r"<td>(.*?)</td>", row, re.DOTALL) for row in rows]
    return [(visible_text(row[1]), visible_text(row[2])) for row in cells]
