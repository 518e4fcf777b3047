"""/config: global and subject compatibility settings, their resolution, and errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.api.samples import USER_BREAKING, USER_V1
from tests.registry.api.test_subjects import error_of, register


def test_global_config_defaults_to_backward_and_can_change(client: TestClient) -> None:
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}

    update = client.put("/config", json={"compatibility": "FULL"})

    assert update.json() == {"compatibility": "FULL"}
    assert client.get("/config").json() == {"compatibilityLevel": "FULL"}
    assert client.delete("/config").json() == {"compatibilityLevel": "FULL"}
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}


def test_subject_config_overrides_global_and_is_40408_until_set(client: TestClient) -> None:
    response = client.get("/config/users")
    assert error_of(response) == (404, 40408)
    assert (
        response.json()["message"] == "Subject 'users' does not have subject-level compatibility configured"
    )
    assert client.get("/config/users?defaultToGlobal=true").json() == {"compatibilityLevel": "BACKWARD"}

    client.put("/config/users", json={"compatibility": "none"})

    assert client.get("/config/users").json() == {"compatibilityLevel": "NONE"}
    register(client, "users", USER_V1)
    assert client.post("/subjects/users/versions", json={"schema": USER_BREAKING}).status_code == 200
    assert client.delete("/config/users").json() == {"compatibilityLevel": "NONE"}
    assert error_of(client.delete("/config/users")) == (404, 40401)


def test_policy_and_normalize_are_stored_and_merged(client: TestClient) -> None:
    client.put("/config/users", json={"compatibility": "FORWARD"})
    client.put("/config/users", json={"compatibilityPolicy": "lenient", "normalize": True})

    assert client.get("/config/users").json() == {
        "compatibilityLevel": "FORWARD",
        "compatibilityPolicy": "LENIENT",
        "normalize": True,
    }
    assert client.put("/config", json={"compatibilityLevel": "FULL_TRANSITIVE"}).status_code == 200
    assert client.get("/config").json() == {"compatibilityLevel": "FULL_TRANSITIVE"}


def test_invalid_levels_policies_and_subjects(client: TestClient) -> None:
    response = client.put("/config", json={"compatibility": "SIDEWAYS"})

    assert error_of(response) == (422, 42203)
    assert response.json()["message"].startswith("Invalid compatibility level.")
    assert error_of(client.put("/config", json={"compatibilityPolicy": "LOOSE"})) == (422, 42203)
    assert error_of(client.put("/config/__GLOBAL", json={"compatibility": "NONE"})) == (422, 42208)
    assert client.get("/config").json() == {"compatibilityLevel": "BACKWARD"}
