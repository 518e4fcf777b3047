"""/compatibility: verdicts against one version or the whole subject, verbose messages, errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.registry.api.samples import USER_BREAKING, USER_V1, USER_V2, record
from tests.registry.api.test_subjects import error_of, register


def test_compatible_and_incompatible_against_latest(client: TestClient) -> None:
    register(client, "users", USER_V1)

    good = client.post("/compatibility/subjects/users/versions/latest", json={"schema": USER_V2})
    bad = client.post("/compatibility/subjects/users/versions/latest", json={"schema": USER_BREAKING})

    assert good.json() == {"is_compatible": True}
    assert bad.json() == {"is_compatible": False}


def test_verbose_explains_in_confluents_message_format(client: TestClient) -> None:
    register(client, "users", USER_V1)

    body = client.post(
        "/compatibility/subjects/users/versions/1?verbose=true", json={"schema": USER_BREAKING}
    ).json()

    assert body["is_compatible"] is False
    assert any("READER_FIELD_MISSING_DEFAULT_VALUE" in line for line in body["messages"])
    assert "{oldSchemaVersion: 1}" in body["messages"]
    assert client.post(
        "/compatibility/subjects/users/versions/1?verbose=true", json={"schema": USER_V2}
    ).json() == {"is_compatible": True, "messages": []}


def test_against_all_versions_follows_the_transitive_level(client: TestClient) -> None:
    v1 = record("User", {"name": "id", "type": "long"}, {"name": "a", "type": "int", "default": 0})
    v2 = record("User", {"name": "id", "type": "long"})
    v3 = record("User", {"name": "id", "type": "long"}, {"name": "a", "type": "string", "default": ""})
    register(client, "users", v1)
    register(client, "users", v2)

    assert client.post("/compatibility/subjects/users/versions", json={"schema": v3}).json()["is_compatible"]
    client.put("/config/users", json={"compatibility": "BACKWARD_TRANSITIVE"})
    verdict = client.post("/compatibility/subjects/users/versions?verbose=true", json={"schema": v3}).json()
    assert verdict["is_compatible"] is False
    assert "{compatibility: 'BACKWARD_TRANSITIVE'}" in verdict["messages"]


def test_an_empty_subject_accepts_anything(client: TestClient) -> None:
    assert client.post("/compatibility/subjects/new/versions", json={"schema": USER_V1}).json() == {
        "is_compatible": True
    }
    assert client.post("/compatibility/subjects/new/versions/latest", json={"schema": USER_V1}).json() == {
        "is_compatible": True
    }


def test_errors_missing_subject_version_and_invalid_schema(client: TestClient) -> None:
    register(client, "users", USER_V1)

    assert error_of(client.post("/compatibility/subjects/nobody/versions/1", json={"schema": USER_V1})) == (
        404,
        40401,
    )
    assert error_of(client.post("/compatibility/subjects/users/versions/4", json={"schema": USER_V1})) == (
        404,
        40402,
    )
    assert error_of(client.post("/compatibility/subjects/users/versions/x", json={"schema": USER_V1})) == (
        422,
        42202,
    )
    invalid = {"schema": '{"type": "nope"}'}
    assert error_of(client.post("/compatibility/subjects/users/versions/1", json=invalid)) == (422, 42201)
    verbose = client.post("/compatibility/subjects/users/versions/1?verbose=true", json=invalid).json()
    assert verbose["is_compatible"] is False
    assert len(verbose["messages"]) == 1
