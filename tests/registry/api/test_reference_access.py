"""References and subject permissions, through every door that creates or shows a reference.

The rule (docs/security.md): a caller may only create a reference to subjects it may read, at every
depth; a reader sees a schema without its references into subjects it may not read, and cannot have a
schema resolved when that would inline one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import record
from tests.support.credentials import CredentialsBuilder, basic, secured_client
from tests.support.databases import copy_sqlite

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("writer", "writer-password", ("writer", ["orders-*"]))
    .user("reader", "reader-password", ("reader", ["orders-*"]))
)
ROOT = basic("root", "root-password")
WRITER = basic("writer", "writer-password")
READER = basic("reader", "reader-password")

ADDRESS = record("Address", {"name": "street", "type": "string"})
CUSTOMER = record("Customer", {"name": "address", "type": "Address"})
ORDER = record("Order", {"name": "customer", "type": "Customer"})
HIDDEN = "payments-address"


def reference(name: str, subject: str) -> dict[str, object]:
    return {"name": name, "subject": subject, "version": 1}


@pytest.fixture
def secured(sqlite_template: str, tmp_path: Path) -> Iterator[TestClient]:
    """orders-customer references the hidden payments-address; orders-order references orders-customer."""
    with secured_client(copy_sqlite(sqlite_template, tmp_path), CREDENTIALS) as client:
        for subject, schema, references in (
            (HIDDEN, ADDRESS, []),
            ("orders-customer", CUSTOMER, [reference("Address", HIDDEN)]),
            ("orders-order", ORDER, [reference("Customer", "orders-customer")]),
        ):
            body = {"schema": schema, "references": references}
            response = client.post(f"/subjects/{subject}/versions", json=body, headers=ROOT)
            assert response.status_code == 200, response.text
        yield client


def schema_id(client: TestClient, subject: str) -> int:
    found: int = client.get(f"/subjects/{subject}/versions/1", headers=ROOT).json()["id"]
    return found


ORDER_THROUGH_CUSTOMER = {"schema": ORDER, "references": [reference("Customer", "orders-customer")]}
WRITE_DOORS = [
    ("POST", "/subjects/orders-copy/versions"),
    ("POST", "/subjects/orders-copy/versions?normalize=true"),
    ("POST", "/subjects/orders-order"),
    ("POST", "/compatibility/subjects/orders-order/versions"),
    ("POST", "/compatibility/subjects/orders-order/versions/latest"),
    ("POST", "/compatibility/subjects/orders-order/versions/1?verbose=true"),
]


@pytest.mark.parametrize(("method", "path"), WRITE_DOORS)
def test_a_reference_may_not_reach_an_unreadable_subject_through_a_readable_one(
    secured: TestClient, method: str, path: str
) -> None:
    response = secured.request(method, path, json=ORDER_THROUGH_CUSTOMER, headers=WRITER)
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["error_code"] == 40301
    assert "orders-customer" in body["message"]
    assert HIDDEN not in body["message"]  # the hidden subject is not named
    # the same request is answered for a caller who may read the whole chain
    assert secured.request(method, path, json=ORDER_THROUGH_CUSTOMER, headers=ROOT).status_code == 200


@pytest.mark.parametrize(("method", "path"), WRITE_DOORS)
def test_a_direct_reference_to_an_unreadable_subject_looks_absent(
    secured: TestClient, method: str, path: str
) -> None:
    body = {"schema": CUSTOMER, "references": [reference("Address", HIDDEN)]}
    response = secured.request(method, path, json=body, headers=WRITER)
    assert response.status_code == 404
    assert response.json() == {"error_code": 40401, "message": f"Subject '{HIDDEN}' not found."}


def test_nothing_is_stored_when_a_reference_is_refused(secured: TestClient) -> None:
    secured.post("/subjects/orders-copy/versions", json=ORDER_THROUGH_CUSTOMER, headers=WRITER)
    assert secured.get("/subjects/orders-copy/versions", headers=ROOT).status_code == 404


def test_a_chain_within_readable_subjects_is_accepted(secured: TestClient) -> None:
    local = record("Street", {"name": "name", "type": "string"})
    assert secured.post("/subjects/orders-street/versions", json={"schema": local}, headers=WRITER).is_success
    wrapper = record("Place", {"name": "street", "type": "Street"})
    body = {"schema": wrapper, "references": [reference("Street", "orders-street")]}
    assert secured.post("/subjects/orders-place/versions", json=body, headers=WRITER).status_code == 200


def test_reads_leave_out_references_into_unreadable_subjects(secured: TestClient) -> None:
    customer_id = schema_id(secured, "orders-customer")
    reads = [
        f"/schemas/ids/{customer_id}",
        f"/schemas/ids/{customer_id}",  # a second time: from the cache
        f"/schemas/ids/{customer_id}?fetchMaxId=true",
        "/schemas",
        "/schemas?latestOnly=true",
        "/subjects/orders-customer/versions/1",
        "/subjects/orders-customer/versions/latest",
        "/ui/subjects/orders-customer",
        "/ui/subjects/orders-customer/versions/1",
        f"/ui/schemas/{customer_id}",
    ]
    for path in reads:
        shown = secured.get(path, headers=READER)
        assert shown.status_code == 200, path
        assert HIDDEN not in shown.text, path
        assert HIDDEN in secured.get(path, headers=ROOT).text, path
    assert "references" not in secured.get("/subjects/orders-customer/versions/1", headers=READER).json()
    # a reference the reader may follow is still shown
    order = secured.get("/subjects/orders-order/versions/1", headers=READER).json()
    assert order["references"] == [reference("Customer", "orders-customer")]


@pytest.mark.parametrize("subject", ["orders-customer", "orders-order"])
def test_a_schema_is_not_resolved_for_a_reader_when_it_would_inline_an_unreadable_subject(
    secured: TestClient, subject: str
) -> None:
    found = schema_id(secured, subject)
    for path in (f"/schemas/ids/{found}?format=resolved", f"/schemas/ids/{found}/schema?format=resolved"):
        refused = secured.get(path, headers=READER)
        assert refused.status_code == 403, path
        assert refused.json()["error_code"] == 40301
        assert HIDDEN not in refused.text
        assert "street" not in refused.text  # nothing of the hidden schema
        resolved = secured.get(path, headers=ROOT)
        assert resolved.status_code == 200
        assert "street" in resolved.text


def test_a_schema_whose_references_are_all_readable_is_resolved_for_a_reader(secured: TestClient) -> None:
    local = record("Street", {"name": "name", "type": "string"})
    secured.post("/subjects/orders-street/versions", json={"schema": local}, headers=ROOT)
    body = {"schema": record("Place", {"name": "street", "type": "Street"})}
    body["references"] = [reference("Street", "orders-street")]
    place = secured.post("/subjects/orders-place/versions", json=body, headers=ROOT).json()["id"]
    resolved = secured.get(f"/schemas/ids/{place}?format=resolved", headers=READER)
    assert resolved.status_code == 200
    assert '"name":"name"' in resolved.json()["schema"].replace(" ", "")
