"""The audit log: every change, in the change's own transaction, queryable at /audit and logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import ORDER, USER_BREAKING, USER_V1, USER_V2
from tests.support.credentials import CredentialsBuilder, basic, secured_client
from tests.support.databases import copy_sqlite


def actions(client: TestClient, query: str = "", **headers: str) -> list[tuple[str, str | None]]:
    response = client.get(f"/audit{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [(entry["action"], entry["subject"]) for entry in response.json()]


def test_every_change_is_recorded_once_and_refusals_are_not(client: TestClient) -> None:
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).status_code == 200  # no change
    assert client.post("/subjects/users/versions", json={"schema": USER_BREAKING}).status_code == 409
    assert client.post("/subjects/users/versions", json={"schema": USER_V2}).status_code == 200
    assert client.put("/config/users", json={"compatibility": "FULL"}).status_code == 200
    assert client.put("/mode/users", json={"mode": "READONLY"}).status_code == 200
    assert client.delete("/mode/users").status_code == 200
    assert client.delete("/subjects/users/versions/2").status_code == 200
    assert client.delete("/subjects/users").status_code == 200
    deployment = {"application": "shop", "version": "1.0", "environment": "production"}
    assert client.post("/contracts/deployments", json=deployment).status_code == 200

    assert actions(client) == [
        ("contracts.deployment.record", None),
        ("subject.delete", "users"),
        ("version.delete", "users"),
        ("mode.delete", "users"),
        ("mode.update", "users"),
        ("config.update", "users"),
        ("schema.register", "users"),
        ("schema.register", "users"),
    ]
    newest_register = client.get("/audit?action=schema.register&limit=1").json()[0]
    assert newest_register["details"] == {"version": 2, "schemaId": 2}
    assert newest_register["principal"] == "anonymous"
    assert newest_register["address"] == "testclient"
    assert newest_register["requestId"]
    assert client.get("/audit?subject=users&action=config.update").json()[0]["details"] == {
        "compatibility": "FULL"
    }


def test_pages_go_back_in_time(client: TestClient) -> None:
    for number in range(5):
        assert client.put(f"/config/s{number}", json={"compatibility": "NONE"}).status_code == 200
    first = client.get("/audit?limit=2").json()
    second = client.get(f"/audit?limit=2&before={first[-1]['id']}").json()
    third = client.get(f"/audit?limit=2&before={second[-1]['id']}").json()
    assert [entry["subject"] for entry in first + second + third] == ["s4", "s3", "s2", "s1", "s0"]
    assert client.get("/audit?limit=0").status_code == 422
    assert client.get("/audit?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z").json() == []


def test_an_entry_that_cannot_be_written_undoes_the_change(database_url: str, settings: Settings) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if database_url.startswith("sqlite"):
            connection.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON audit_events "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                )
            )
            connection.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON audit_events EXECUTE FUNCTION refuse()")
            )
    try:
        with TestClient(create_app(settings)) as client:
            response = client.post("/subjects/users/versions", json={"schema": USER_V1})
            assert response.status_code == 500
            assert response.json() == {"error_code": 50001, "message": "Error in the backend data store"}
            assert client.get("/subjects/users/versions").json()["error_code"] == 40401
    finally:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "DROP TRIGGER refuse" + ("" if database_url.startswith("sqlite") else " ON audit_events")
                )
            )
            if not database_url.startswith("sqlite"):
                connection.execute(text("DROP FUNCTION refuse()"))
        engine.dispose()


def test_changes_are_logged_as_structured_lines_without_payloads(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="registry.audit")
    assert client.post("/subjects/orders/versions", json={"schema": ORDER}).status_code == 200
    lines = [record for record in caplog.records if record.name == "registry.audit"]
    assert len(lines) == 1
    entry = lines[0].__dict__["audit"]
    assert entry["action"] == "schema.register"
    assert entry["subject"] == "orders"
    assert entry["details"] == {"version": 1, "schemaId": 1}
    assert "total" not in json.dumps(entry)  # the schema's field: payloads are never logged
    # the line carries the entry as GET /audit answers it; times in Python's ISO form, with their zone
    assert client.get("/audit").json() == [entry]
    assert entry["time"].endswith("+00:00")


CREDENTIALS = (
    CredentialsBuilder()
    .user("root", "root-password", ("admin", ["*"]))
    .user("orders-admin", "orders-password", ("admin", ["orders-*"]))
)


@pytest.fixture
def secured(sqlite_template: str, tmp_path: Path) -> Iterator[TestClient]:
    with secured_client(copy_sqlite(sqlite_template, tmp_path), CREDENTIALS) as client:
        yield client


def test_administrators_see_the_entries_of_what_they_administer(secured: TestClient) -> None:
    root = basic("root", "root-password")
    orders_admin = basic("orders-admin", "orders-password")
    for subject, headers in (("orders-a", orders_admin), ("payments-b", root)):
        response = secured.post(f"/subjects/{subject}/versions", json={"schema": ORDER}, headers=headers)
        assert response.status_code == 200
    assert secured.put("/config", json={"compatibility": "NONE"}, headers=root).status_code == 200
    assert actions(secured, **root) == [
        ("config.update", None),
        ("schema.register", "payments-b"),
        ("schema.register", "orders-a"),
    ]
    assert actions(secured, **orders_admin) == [("schema.register", "orders-a")]
    assert secured.get("/audit", headers=root).json()[-1]["principal"] == "orders-admin"
