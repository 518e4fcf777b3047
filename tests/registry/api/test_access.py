"""Authentication and authorization through the HTTP API: 401, 403 and 404-as-if-absent, filtered
listings, and one rule for every route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from registry.app import ROUTERS, create_app
from registry.auth.access import RULES
from registry.config import Settings
from registry.ui import ROUTERS as UI_ROUTERS
from tests.registry.api.samples import ORDER, USER_V1, record
from tests.support.credentials import CredentialsBuilder, basic, bearer, secured_client
from tests.support.databases import copy_sqlite

CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("writer", "writer-password", ("writer", ["orders-*"]))
    .user("reader", "reader-password", ("reader", ["orders-*"]))
    .key("orders-admin", ("admin", ["orders-*"]), ("reader", ["shared-*"]))
)
ROOT = basic("root", "root-password")
WRITER = basic("writer", "writer-password")
READER = basic("reader", "reader-password")
ORDERS_ADMIN = bearer(CREDENTIALS.tokens["orders-admin"])


@pytest.fixture
def secured(sqlite_template: str, tmp_path: Path) -> Iterator[TestClient]:
    with secured_client(copy_sqlite(sqlite_template, tmp_path), CREDENTIALS) as client:
        yield client


def register(client: TestClient, subject: str, schema: str, headers: dict[str, str], **extra: object) -> int:
    response = client.post(f"/subjects/{subject}/versions", json={"schema": schema, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    schema_id: int = response.json()["id"]
    return schema_id


def test_every_route_has_an_authorization_rule(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}"))  # not started: never connects
    routes = {
        (method, route.path)
        for router in [*ROUTERS, *UI_ROUTERS, app.router]  # the app's own: its documentation page
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert len(routes) > 50
    assert routes - RULES.keys() == set()
    assert RULES.keys() - routes == set()  # no rule left behind by a route that is gone


def test_no_credentials_or_wrong_ones_get_401_with_a_challenge(secured: TestClient) -> None:
    for headers in (
        {},
        basic("root", "wrong-password"),
        bearer("accord.0000000000.nope"),
        {"Authorization": "x"},
    ):
        response = secured.get("/subjects", headers=headers)
        assert response.status_code == 401, headers
        assert response.json()["error_code"] == 40101
        assert response.headers["www-authenticate"].startswith('Basic realm="accord"')
    assert secured.get("/subjects", headers=ROOT).status_code == 200
    assert secured.get("/subjects", headers=ORDERS_ADMIN).status_code == 200


def test_health_and_metrics_need_no_credentials(secured: TestClient) -> None:
    assert secured.get("/health/live").status_code == 200
    assert secured.get("/health/ready").status_code == 200


def test_a_subject_the_caller_cannot_read_looks_absent_whether_or_not_it_exists(secured: TestClient) -> None:
    register(secured, "payments-value", ORDER, ROOT)
    for subject in ("payments-value", "never-registered"):
        answers = [
            secured.get(f"/subjects/{subject}/versions", headers=READER),
            secured.get(f"/subjects/{subject}/versions/1", headers=READER),
            secured.post(f"/subjects/{subject}", json={"schema": ORDER}, headers=READER),
            secured.post(f"/subjects/{subject}/versions", json={"schema": ORDER}, headers=WRITER),
            secured.delete(f"/subjects/{subject}", headers=ORDERS_ADMIN),
            secured.get(f"/config/{subject}", headers=READER),
            secured.put(f"/mode/{subject}", json={"mode": "READONLY"}, headers=ORDERS_ADMIN),
            secured.post(
                f"/compatibility/subjects/{subject}/versions", json={"schema": ORDER}, headers=READER
            ),
        ]
        for response in answers:
            assert response.status_code == 404, response.request.url
            assert response.json() == {"error_code": 40401, "message": f"Subject '{subject}' not found."}


def test_read_without_the_role_is_403_and_changes_nothing(secured: TestClient) -> None:
    register(secured, "orders-value", USER_V1, WRITER)
    refused = [
        secured.post("/subjects/orders-value/versions", json={"schema": ORDER}, headers=READER),
        secured.delete("/subjects/orders-value", headers=WRITER),
        secured.delete("/subjects/orders-value/versions/1", headers=WRITER),
        secured.put("/config/orders-value", json={"compatibility": "NONE"}, headers=WRITER),
        secured.put("/config", json={"compatibility": "NONE"}, headers=ORDERS_ADMIN),
        secured.put("/mode", json={"mode": "READONLY"}, headers=ORDERS_ADMIN),
        secured.get("/audit", headers=WRITER),
    ]
    for response in refused:
        assert response.status_code == 403, response.request.url
        assert response.json()["error_code"] == 40301
    assert "writer role on subject 'orders-value'" in refused[0].json()["message"]
    assert secured.get("/subjects/orders-value/versions", headers=READER).json() == [1]
    assert secured.get("/config/orders-value", headers=ROOT).status_code == 404  # nothing configured
    # the subject's own administrator may do what the writer may not
    assert (
        secured.put("/config/orders-value", json={"compatibility": "NONE"}, headers=ORDERS_ADMIN).status_code
        == 200
    )
    assert secured.delete("/subjects/orders-value", headers=ORDERS_ADMIN).json() == [1]


def test_listings_show_readable_subjects_only(secured: TestClient) -> None:
    shared_id = register(secured, "orders-a", ORDER, ROOT)
    assert register(secured, "payments-b", ORDER, ROOT) == shared_id
    register(secured, "orders-c", USER_V1, ROOT)
    assert secured.get("/subjects", headers=READER).json() == ["orders-a", "orders-c"]
    assert secured.get("/subjects?offset=1&limit=1", headers=READER).json() == ["orders-c"]
    assert secured.get("/subjects", headers=ROOT).json() == ["orders-a", "orders-c", "payments-b"]
    listed = secured.get("/schemas", headers=READER).json()
    assert [entry["subject"] for entry in listed] == ["orders-a", "orders-c"]
    assert secured.get(f"/schemas/ids/{shared_id}/subjects", headers=READER).json() == ["orders-a"]
    versions = secured.get(f"/schemas/ids/{shared_id}/versions", headers=READER).json()
    assert versions == [{"subject": "orders-a", "version": 1}]


def test_a_schema_id_is_readable_through_a_readable_subject_only(secured: TestClient) -> None:
    hidden = register(secured, "payments-b", record("Payment", {"name": "amount", "type": "long"}), ROOT)
    for path in (
        f"/schemas/ids/{hidden}",
        f"/schemas/ids/{hidden}/schema",
        f"/schemas/ids/{hidden}/subjects",
    ):
        response = secured.get(path, headers=READER)
        assert response.status_code == 404, path
        assert response.json()["error_code"] == 40403
    assert secured.get(f"/schemas/ids/{hidden}", headers=ROOT).status_code == 200
    assert secured.get("/schemas/ids/9999", headers=READER).json()["error_code"] == 40403


def test_references_to_unreadable_subjects_look_absent(secured: TestClient) -> None:
    register(secured, "payments-b", ORDER, ROOT)
    referencing = record("Basket", {"name": "order", "type": "Order"})
    body = {"schema": referencing, "references": [{"name": "Order", "subject": "payments-b", "version": 1}]}
    response = secured.post("/subjects/orders-basket/versions", json=body, headers=WRITER)
    assert response.status_code == 404
    assert response.json()["message"] == "Subject 'payments-b' not found."
    assert secured.post("/subjects/orders-basket/versions", json=body, headers=ROOT).status_code == 200
    # referencedby leaves out the schemas of subjects the caller cannot read
    assert secured.get("/subjects/payments-b/versions/1/referencedby", headers=ROOT).json() != []
    assert secured.get("/subjects/orders-basket/versions/1", headers=READER).status_code == 200


def test_contracts_need_the_writer_role_and_read_access_to_the_expected_subjects(secured: TestClient) -> None:
    expectation = {
        "eventType": "PaymentMade",
        "subject": "payments-b",
        "schemaType": "AVRO",
        "schema": {"type": "string"},
    }
    path = "/contracts/consumers/shop/versions/1.0/expectations"
    assert secured.put(path, json={"expectations": [expectation]}, headers=READER).status_code == 403
    hidden = secured.put(path, json={"expectations": [expectation]}, headers=WRITER)
    assert hidden.status_code == 404
    assert hidden.json()["error_code"] == 40401
    allowed = {**expectation, "subject": "orders-value"}
    assert secured.put(path, json={"expectations": [allowed]}, headers=WRITER).status_code == 200
    assert secured.get(path, headers=READER).status_code == 200


def test_the_ui_asks_browsers_for_a_password_and_shows_readable_subjects_only(secured: TestClient) -> None:
    register(secured, "orders-a", ORDER, ROOT)
    hidden_id = register(secured, "payments-b", USER_V1, ROOT)
    challenge = secured.get("/ui/subjects")
    assert challenge.status_code == 401
    assert challenge.headers["www-authenticate"].startswith("Basic")
    assert "text/html" in challenge.headers["content-type"]
    listing = secured.get("/ui/subjects", headers=READER)
    assert listing.status_code == 200
    assert "orders-a" in listing.text
    assert "payments-b" not in listing.text
    assert secured.get("/ui/subjects/payments-b", headers=READER).status_code == 404
    assert secured.get(f"/ui/schemas/{hidden_id}", headers=READER).status_code == 404
    assert secured.get(f"/ui/schemas/{hidden_id}", headers=ROOT).status_code == 200
    assert secured.get("/ui/static/accord.css").status_code == 200  # assets need no credentials


def test_secrets_never_reach_the_logs(secured: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    register(secured, "orders-a", ORDER, ROOT)
    secured.get("/subjects", headers=basic("root", "guessed-password"))
    secured.get("/subjects", headers=ORDERS_ADMIN)
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "authentication failed" in logged
    for secret in (
        "root-password",
        "guessed-password",
        CREDENTIALS.tokens["orders-admin"],
        ROOT["Authorization"],
    ):
        assert secret not in logged
