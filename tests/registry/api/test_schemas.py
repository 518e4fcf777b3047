"""/schemas: schemas by id (and its subjects and versions), listings and types."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER, USER_V1, USER_V2
from tests.registry.api.test_subjects import error_of, register


def test_schema_by_id_is_confluents_schema_string(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)

    response = client.get(f"/schemas/ids/{schema_id}")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.schemaregistry.v1+json"
    assert set(response.json()) == {"schema"}
    assert json.loads(response.json()["schema"]) == json.loads(USER_V1)
    assert json.loads(client.get(f"/schemas/ids/{schema_id}/schema").text) == json.loads(USER_V1)


def test_schema_by_id_with_subject_and_max_id(client: TestClient) -> None:
    first = register(client, "users", USER_V1)
    last = register(client, "orders", ORDER)

    body = client.get(f"/schemas/ids/{first}?subject=users&fetchMaxId=true").json()

    assert body["maxId"] == last
    assert json.loads(body["schema"]) == json.loads(USER_V1)


def test_unknown_ids_are_40403(client: TestClient) -> None:
    response = client.get("/schemas/ids/77")

    assert error_of(response) == (404, 40403)
    assert response.json()["message"] == "Schema 77 not found"
    assert error_of(client.get("/schemas/ids/77/schema")) == (404, 40403)
    assert error_of(client.get("/schemas/ids/77/subjects")) == (404, 40403)
    assert client.get("/schemas/ids/77/subjects").json()["message"] == "Schema not found"
    assert error_of(client.get("/schemas/ids/77/versions")) == (404, 40403)
    assert error_of(client.get("/schemas/ids/-1")) == (404, 40403)
    assert error_of(client.get("/schemas/ids/99999999999")) == (404, 404)


def test_unsupported_format_is_422(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)

    assert client.get(f"/schemas/ids/{schema_id}?format=default").status_code == 200
    assert error_of(client.get(f"/schemas/ids/{schema_id}?format=serialized")) == (422, 422)


def test_subjects_and_versions_of_an_id_follow_soft_deletes(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)
    register(client, "archive", USER_V1)
    client.delete("/subjects/archive")

    assert client.get(f"/schemas/ids/{schema_id}/subjects").json() == ["users"]
    assert client.get(f"/schemas/ids/{schema_id}/subjects?deleted=true").json() == ["archive", "users"]
    assert client.get(f"/schemas/ids/{schema_id}/versions").json() == [{"subject": "users", "version": 1}]
    assert client.get(f"/schemas/ids/{schema_id}/versions?deleted=true").json() == [
        {"subject": "archive", "version": 1},
        {"subject": "users", "version": 1},
    ]


def test_list_schemas_with_prefix_latest_only_and_paging(client: TestClient) -> None:
    register(client, "users", USER_V1)
    register(client, "users", USER_V2)
    register(client, "orders", ORDER)

    every = client.get("/schemas").json()
    assert [(entry["subject"], entry["version"]) for entry in every] == [
        ("orders", 1),
        ("users", 1),
        ("users", 2),
    ]
    latest = client.get("/schemas?latestOnly=true").json()
    assert [(entry["subject"], entry["version"]) for entry in latest] == [("orders", 1), ("users", 2)]
    assert [entry["version"] for entry in client.get("/schemas?subjectPrefix=us").json()] == [1, 2]
    page = client.get("/schemas?offset=1&limit=1").json()
    assert [(entry["subject"], entry["version"]) for entry in page] == [("users", 1)]
    client.delete("/subjects/users/versions/2")
    assert [entry["version"] for entry in client.get("/schemas?subjectPrefix=users").json()] == [1]
    assert [entry["version"] for entry in client.get("/schemas?subjectPrefix=users&deleted=true").json()] == [
        1,
        2,
    ]


def test_schema_types_list_the_supported_formats(client: TestClient) -> None:
    types = client.get("/schemas/types").json()

    assert "AVRO" in types
    assert "PROTOBUF" not in types


def test_by_id_parameters_are_checked_like_declared_ones(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)

    assert (
        client.get(f"/schemas/ids/{schema_id}?fetchMaxId=false").json()
        == client.get(f"/schemas/ids/{schema_id}").json()
    )
    assert client.get(f"/schemas/ids/{schema_id}?fetchMaxId=True").json()["maxId"] == schema_id
    assert error_of(client.get(f"/schemas/ids/{schema_id}?fetchMaxId=maybe")) == (422, 422)
    assert error_of(client.get("/schemas/ids/one")) == (404, 404)
    parameters = {
        entry["name"]
        for entry in client.get("/openapi.json").json()["paths"]["/schemas/ids/{id}"]["get"]["parameters"]
    }
    assert parameters == {"id", "subject", "format", "fetchMaxId"}
