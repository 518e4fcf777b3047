"""/mode: READONLY refusals, IMPORT with explicit ids and versions, and their errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER, USER_V1, USER_V2
from tests.registry.api.test_subjects import error_of, register


def test_global_mode_defaults_to_readwrite(client: TestClient) -> None:
    assert client.get("/mode").json() == {"mode": "READWRITE"}
    assert error_of(client.get("/mode/users")) == (404, 40409)
    assert client.get("/mode/users?defaultToGlobal=true").json() == {"mode": "READWRITE"}


def test_readonly_subject_refuses_writes_with_42205(client: TestClient) -> None:
    register(client, "users", USER_V1)
    assert client.put("/mode/users", json={"mode": "READONLY"}).json() == {"mode": "READONLY"}

    refused = client.post("/subjects/users/versions", json={"schema": USER_V2})

    assert error_of(refused) == (422, 42205)
    assert refused.json()["message"] == "Subject users is in read-only mode"
    assert error_of(client.delete("/subjects/users/versions/1")) == (422, 42205)
    assert error_of(client.delete("/subjects/users")) == (422, 42205)
    assert error_of(client.put("/config/users", json={"compatibility": "NONE"})) == (422, 42205)
    # Like Confluent, re-registering an existing schema is answered even when read-only.
    assert client.post("/subjects/users/versions", json={"schema": USER_V1}).json() == {"id": 1}
    assert register(client, "orders", ORDER) > 0
    assert client.delete("/mode/users").json() == {"mode": "READONLY"}
    assert register(client, "users", USER_V2) > 0


def test_readonly_override_wins_over_subject_modes(client: TestClient) -> None:
    client.put("/mode/users", json={"mode": "READWRITE"})
    client.put("/mode", json={"mode": "READONLY_OVERRIDE"})

    assert client.get("/mode/users").json() == {"mode": "READONLY_OVERRIDE"}
    assert error_of(client.post("/subjects/users/versions", json={"schema": USER_V1})) == (422, 42205)
    assert client.delete("/mode").json() == {"mode": "READONLY_OVERRIDE"}
    assert client.get("/mode").json() == {"mode": "READWRITE"}


def test_import_keeps_ids_and_versions(client: TestClient) -> None:
    assert client.put("/mode", json={"mode": "IMPORT"}).status_code == 200

    imported = client.post("/subjects/users/versions", json={"schema": USER_V1, "id": 100, "version": 3})

    assert imported.json() == {"id": 100}
    assert client.get("/subjects/users/versions/3").json()["id"] == 100
    assert error_of(client.post("/subjects/users/versions", json={"schema": ORDER})) == (422, 42205)
    assert error_of(client.post("/subjects/orders/versions", json={"schema": ORDER, "id": 100})) == (
        422,
        42205,
    )
    assert error_of(client.post("/subjects/users/versions", json={"schema": USER_V1, "id": 7})) == (
        422,
        42207,
    )
    client.put("/mode", json={"mode": "READWRITE"})
    # New ids continue after the imported ones.
    assert register(client, "orders", ORDER) > 100


def test_import_needs_an_empty_registry_unless_forced(client: TestClient) -> None:
    register(client, "users", USER_V1)

    refused = client.put("/mode", json={"mode": "IMPORT"})

    assert error_of(refused) == (422, 42205)
    assert refused.json()["message"] == "Cannot import since found existing subjects"
    assert client.put("/mode?force=true", json={"mode": "IMPORT"}).status_code == 200
    assert client.get("/mode").json() == {"mode": "IMPORT"}


def test_explicit_ids_outside_import_mode_are_refused(client: TestClient) -> None:
    refused = client.post("/subjects/users/versions", json={"schema": USER_V1, "id": 5})

    assert error_of(refused) == (422, 42205)
    assert refused.json()["message"] == "Subject users is not in import mode"


def test_invalid_modes_are_42204(client: TestClient) -> None:
    assert error_of(client.put("/mode", json={"mode": "SOMETIMES"})) == (422, 42204)
    assert error_of(client.put("/mode/__EMPTY", json={"mode": "READONLY"})) == (422, 42208)
    assert error_of(client.delete("/mode/users")) == (404, 40401)
