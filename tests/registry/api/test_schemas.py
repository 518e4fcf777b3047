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
    refused = client.get(f"/schemas/ids/{schema_id}?format=serialized")
    assert error_of(refused) == (422, 422)
    assert refused.json()["message"] == (
        "Format 'serialized' is not supported for AVRO schemas; the formats are 'default' and 'resolved'"
    )
    assert error_of(client.get(f"/schemas/ids/{schema_id}/schema?format=serialized")) == (422, 422)


def _record(name: str, fields: list[tuple[str, object]], namespace: str | None = None) -> dict[str, object]:
    record: dict[str, object] = {"type": "record", "name": name}
    if namespace is not None:
        record["namespace"] = namespace
    record["fields"] = [{"name": field, "type": type_} for field, type_ in fields]
    return record


def _register_chain(client: TestClient) -> tuple[int, list[dict[str, object]]]:
    """Country <- Address (references Country) <- Customer (references Address, uses it twice)."""
    register(client, "country", json.dumps(_record("Country", [("code", "string")], "geo")))
    address = _record("Address", [("street", "string"), ("country", "geo.Country")], "com.example")
    country_reference = [{"name": "geo.Country", "subject": "country", "version": 1}]
    register(client, "address", json.dumps(address), references=country_reference)
    customer = _record(
        "Customer",
        [("home", "Address"), ("work", ["null", "com.example.Address"]), ("born", "geo.Country")],
        "com.example",
    )
    references = [{"name": "com.example.Address", "subject": "address", "version": 1}]
    return register(client, "customer", json.dumps(customer), references=references), references


def test_resolved_format_inlines_referenced_types_once_at_first_use(client: TestClient) -> None:
    customer_id, references = _register_chain(client)

    body = client.get(f"/schemas/ids/{customer_id}?format=resolved").json()

    country = {"name": "geo.Country", "type": "record", "fields": [{"name": "code", "type": "string"}]}
    address = {
        "name": "com.example.Address",
        "type": "record",
        "fields": [{"name": "street", "type": "string"}, {"name": "country", "type": country}],
    }
    assert json.loads(body["schema"]) == {
        "name": "com.example.Customer",
        "type": "record",
        "fields": [
            {"name": "home", "type": address},
            {"name": "work", "type": ["null", "com.example.Address"]},
            {"name": "born", "type": "geo.Country"},
        ],
    }
    assert body["references"] == references  # as Confluent: the references stay listed
    text = client.get(f"/schemas/ids/{customer_id}/schema?format=resolved").text
    assert json.loads(text) == json.loads(body["schema"])


def test_resolved_format_of_a_schema_without_references_is_the_schema(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)

    resolved = client.get(f"/schemas/ids/{schema_id}?format=resolved&fetchMaxId=true").json()

    assert json.loads(resolved["schema"])["fields"] == json.loads(USER_V1)["fields"]
    assert resolved["maxId"] == schema_id
    # the cached default form is untouched by the resolved one
    assert json.loads(client.get(f"/schemas/ids/{schema_id}").json()["schema"]) == json.loads(USER_V1)


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
    assert client.get("/schemas/types").json() == ["AVRO", "JSON", "PROTOBUF"]


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
