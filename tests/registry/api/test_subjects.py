"""/subjects: register, look up, read, list and delete, with Confluent's answers and error codes."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from tests.registry.api.samples import ORDER, USER_BREAKING, USER_V1, USER_V2, record

V1_JSON = "application/vnd.schemaregistry.v1+json"


def register(client: TestClient, subject: str, schema: str, **extra: object) -> int:
    response = client.post(f"/subjects/{subject}/versions", json={"schema": schema, **extra})
    assert response.status_code == 200, response.text
    schema_id: int = response.json()["id"]
    return schema_id


def error_of(response) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error_code", "message"}
    return response.status_code, body["error_code"]


def test_register_returns_an_id_and_is_idempotent(client: TestClient) -> None:
    first = client.post("/subjects/users/versions", json={"schema": USER_V1})
    again = client.post("/subjects/users/versions", json={"schema": USER_V1})

    assert first.status_code == 200
    assert first.headers["content-type"] == V1_JSON
    assert first.json() == {"id": 1}
    assert again.json() == {"id": 1}
    assert client.get("/subjects/users/versions").json() == [1]


def test_the_same_schema_gets_the_same_id_in_every_subject(client: TestClient) -> None:
    in_users = register(client, "users", USER_V1)
    in_archive = register(client, "archive", USER_V1)
    other = register(client, "orders", ORDER)

    assert in_users == in_archive
    assert other != in_users
    assert client.get(f"/schemas/ids/{in_users}/subjects").json() == ["archive", "users"]


def test_whitespace_does_not_make_a_new_schema(client: TestClient) -> None:
    spaced = json.dumps(json.loads(USER_V1), indent=4)

    assert register(client, "users", USER_V1) == register(client, "users", spaced)
    assert client.get("/subjects/users/versions").json() == [1]


def test_versions_count_up_per_subject(client: TestClient) -> None:
    register(client, "users", USER_V1)
    register(client, "users", USER_V2)
    register(client, "orders", ORDER)

    assert client.get("/subjects/users/versions").json() == [1, 2]
    assert client.get("/subjects/orders/versions").json() == [1]
    latest = client.get("/subjects/users/versions/latest").json()
    assert latest["version"] == 2
    assert json.loads(latest["schema"]) == json.loads(USER_V2)
    assert client.get("/subjects/users/versions/-1").json() == latest


def test_incompatible_schema_is_rejected_with_409_and_confluent_details(client: TestClient) -> None:
    register(client, "users", USER_V1)

    response = client.post("/subjects/users/versions", json={"schema": USER_BREAKING})

    assert error_of(response) == (409, 409)
    message = response.json()["message"]
    assert message.startswith(
        'Schema being registered is incompatible with an earlier schema for subject "users"'
    )
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in message
    assert "{oldSchemaVersion: 1}" in message
    assert "{compatibility: 'BACKWARD'}" in message
    assert client.get("/subjects/users/versions").json() == [1]


def test_get_version_returns_the_confluent_schema_entity(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)

    body = client.get("/subjects/users/versions/1").json()

    assert body == {
        "subject": "users",
        "version": 1,
        "id": schema_id,
        "schema": json.dumps(json.loads(USER_V1), separators=(",", ":")),
    }
    raw = client.get("/subjects/users/versions/1/schema")
    assert raw.status_code == 200
    assert json.loads(raw.text) == json.loads(USER_V1)


def test_missing_subject_and_version_get_40401_and_40402(client: TestClient) -> None:
    register(client, "users", USER_V1)

    assert error_of(client.get("/subjects/nobody/versions/1")) == (404, 40401)
    assert client.get("/subjects/nobody/versions/1").json()["message"] == "Subject 'nobody' not found."
    assert error_of(client.get("/subjects/users/versions/5")) == (404, 40402)
    assert client.get("/subjects/users/versions/5").json()["message"] == "Version 5 not found."
    assert error_of(client.get("/subjects/nobody/versions")) == (404, 40401)
    assert error_of(client.get("/subjects/nobody/versions/latest/schema")) == (404, 40401)


def test_invalid_versions_get_42202(client: TestClient) -> None:
    register(client, "users", USER_V1)

    for version in ("0", "-2", "abc", "2147483648", "1.5"):
        response = client.get(f"/subjects/users/versions/{version}")
        assert error_of(response) == (422, 42202), version
    assert client.get("/subjects/users/versions/0").json()["message"] == (
        "The specified version '0' is not a valid version id. "
        'Allowed values are between [1, 2^31-1] and the string "latest"'
    )
    assert error_of(client.delete("/subjects/users/versions/zero")) == (422, 42202)


def test_lookup_finds_the_version_of_a_registered_schema(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)
    register(client, "users", USER_V2)

    found = client.post("/subjects/users", json={"schema": USER_V1})

    assert found.status_code == 200
    assert found.json()["id"] == schema_id
    assert found.json()["version"] == 1
    assert found.json()["subject"] == "users"
    assert error_of(client.post("/subjects/users", json={"schema": ORDER})) == (404, 40403)
    assert client.post("/subjects/users", json={"schema": ORDER}).json()["message"] == "Schema not found"
    assert error_of(client.post("/subjects/nobody", json={"schema": USER_V1})) == (404, 40401)


def test_lookup_of_a_soft_deleted_version_needs_deleted_true(client: TestClient) -> None:
    register(client, "users", USER_V1)
    register(client, "users", USER_V2)
    assert client.delete("/subjects/users/versions/1").json() == 1

    assert error_of(client.post("/subjects/users", json={"schema": USER_V1})) == (404, 40403)
    found = client.post("/subjects/users?deleted=true", json={"schema": USER_V1})
    assert found.json()["version"] == 1


def test_list_subjects_with_prefix_and_deleted_filters(client: TestClient) -> None:
    register(client, "app.users", USER_V1)
    register(client, "app.orders", ORDER)
    register(client, "other", ORDER)
    assert client.delete("/subjects/app.orders").json() == [1]

    assert client.get("/subjects").json() == ["app.users", "other"]
    assert client.get("/subjects?subjectPrefix=app.").json() == ["app.users"]
    assert client.get("/subjects?deleted=true").json() == ["app.orders", "app.users", "other"]
    assert client.get("/subjects?deletedOnly=true").json() == ["app.orders"]
    assert client.get("/subjects?deleted=true&offset=1&limit=1").json() == ["app.users"]


def test_soft_then_permanent_delete_of_a_subject(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)
    register(client, "users", USER_V2)

    assert error_of(client.delete("/subjects/users?permanent=true")) == (404, 40405)
    assert client.delete("/subjects/users").json() == [1, 2]
    assert error_of(client.delete("/subjects/users")) == (404, 40404)
    assert error_of(client.get("/subjects/users/versions")) == (404, 40401)
    assert client.get("/subjects/users/versions?deleted=true").json() == [1, 2]
    # A soft-deleted schema still resolves by id.
    assert client.get(f"/schemas/ids/{schema_id}").status_code == 200

    assert client.delete("/subjects/users?permanent=true").json() == [1, 2]
    assert error_of(client.get(f"/schemas/ids/{schema_id}")) == (404, 40403)
    assert error_of(client.delete("/subjects/users")) == (404, 40401)


def test_soft_then_permanent_delete_of_a_version(client: TestClient) -> None:
    register(client, "users", USER_V1)
    register(client, "users", USER_V2)

    assert error_of(client.delete("/subjects/users/versions/1?permanent=true")) == (404, 40407)
    assert client.delete("/subjects/users/versions/1").json() == 1
    assert error_of(client.delete("/subjects/users/versions/1")) == (404, 40406)
    assert error_of(client.get("/subjects/users/versions/1")) == (404, 40402)
    assert client.get("/subjects/users/versions/1?deleted=true").json()["deleted"] is True
    assert client.get("/subjects/users/versions?deletedOnly=true").json() == [1]
    assert client.delete("/subjects/users/versions/1?permanent=true").json() == 1
    assert client.get("/subjects/users/versions?deleted=true").json() == [2]
    assert error_of(client.delete("/subjects/users/versions/9")) == (404, 40402)
    assert error_of(client.delete("/subjects/nobody/versions/1")) == (404, 40401)


def test_ids_are_never_reused_after_a_permanent_delete(client: TestClient) -> None:
    first = register(client, "users", USER_V1)
    client.delete("/subjects/users")
    client.delete("/subjects/users?permanent=true")

    second = register(client, "orders", ORDER)

    assert second > first
    # Registering the deleted schema again gives it back its own id, under a fresh version 1.
    assert register(client, "users", USER_V1) == first
    assert client.get("/subjects/users/versions").json() == [1]


def test_re_registering_a_soft_deleted_schema_makes_a_new_version(client: TestClient) -> None:
    schema_id = register(client, "users", USER_V1)
    register(client, "users", USER_V2)
    client.delete("/subjects/users/versions/1")

    assert register(client, "users", USER_V1) == schema_id
    assert client.get("/subjects/users/versions").json() == [2, 3]
    assert client.get("/subjects/users/versions?deleted=true").json() == [2, 3]


def test_references_resolve_named_types_from_other_subjects(client: TestClient) -> None:
    address = record("Address", {"name": "city", "type": "string"}, namespace="com.example")
    register(client, "address", address)
    customer = record("Customer", {"name": "home", "type": "com.example.Address"}, namespace="com.example")
    references = [{"name": "com.example.Address", "subject": "address", "version": 1}]

    customer_id = register(client, "customer", customer, references=references)

    body = client.get("/subjects/customer/versions/1").json()
    assert body["references"] == references
    assert client.get(f"/schemas/ids/{customer_id}").json()["references"] == references
    assert client.get("/subjects/address/versions/1/referencedby").json() == [customer_id]
    deletion = client.delete("/subjects/address/versions/1")
    assert error_of(deletion) == (422, 42206)
    assert error_of(client.delete("/subjects/address")) == (422, 42206)
    assert client.get("/subjects/address/versions").json() == [1]


def test_an_unknown_reference_is_an_invalid_schema(client: TestClient) -> None:
    customer = record("Customer", {"name": "home", "type": "com.example.Address"}, namespace="com.example")
    references = [{"name": "com.example.Address", "subject": "address", "version": 1}]

    response = client.post("/subjects/customer/versions", json={"schema": customer, "references": references})

    assert error_of(response) == (422, 42201)
    assert "address" in response.json()["message"]


def test_metadata_and_rule_set_are_stored_and_returned(client: TestClient) -> None:
    metadata = {"properties": {"owner": "team-a"}, "tags": {"email": ["PII"]}}
    rule_set = {"domainRules": [{"name": "checkEmail", "kind": "CONDITION", "type": "CEL", "expr": "true"}]}

    schema_id = register(client, "users", USER_V1, metadata=metadata, ruleSet=rule_set)

    body = client.get("/subjects/users/versions/1").json()
    assert body["metadata"] == metadata
    assert body["ruleSet"] == rule_set
    assert client.get(f"/schemas/ids/{schema_id}").json()["metadata"] == metadata


def test_unknown_schema_types_are_invalid(client: TestClient) -> None:
    unknown = client.post("/subjects/p/versions", json={"schema": "{}", "schemaType": "XML"})

    assert error_of(unknown) == (422, 42201)
    assert unknown.json()["message"] == "Invalid schema type 'XML'; the known types are AVRO, JSON, PROTOBUF"


def test_invalid_avro_is_42201_with_the_reason(client: TestClient) -> None:
    response = client.post("/subjects/users/versions", json={"schema": '{"type": "record", "name": "X"}'})

    assert error_of(response) == (422, 42201)
    assert "Avro" in response.json()["message"]
    assert error_of(client.post("/subjects/users/versions", json={"schema": ""})) == (422, 42201)


def test_reserved_and_control_character_subjects_are_42208(client: TestClient) -> None:
    assert error_of(client.post("/subjects/__GLOBAL/versions", json={"schema": USER_V1})) == (422, 42208)
    assert error_of(client.post("/subjects/bad%07name/versions", json={"schema": USER_V1})) == (422, 42208)


def test_normalize_comes_from_the_subject_config_else_the_global_one(client: TestClient) -> None:
    written = {"type": "record", "name": "Reading", "fields": [{"name": "value", "type": "double"}]}
    reordered = json.dumps({"fields": written["fields"], "name": "Reading", "type": "record"})
    client.put("/config", json={"normalize": True})
    first = client.post("/subjects/global/versions", json={"schema": json.dumps(written)}).json()

    # The global config normalizes, so the reordered text is the schema already registered.
    assert client.post("/subjects/global/versions", json={"schema": reordered}).json() == {"id": first["id"]}
    assert client.get("/subjects/global/versions").json() == [1]

    # A subject's own `normalize: false` wins over the global `true`: the reordered text is new.
    client.put("/config/own", json={"normalize": False})
    own_first = client.post("/subjects/own/versions", json={"schema": json.dumps(written)}).json()["id"]
    own_again = client.post("/subjects/own/versions", json={"schema": reordered}).json()["id"]
    assert own_again != own_first
    assert client.get("/subjects/own/versions").json() == [1, 2]


def test_normalize_stores_the_normalized_form(client: TestClient) -> None:
    first = client.post("/subjects/users/versions?normalize=true", json={"schema": USER_V1})

    assert first.status_code == 200
    assert (
        client.post("/subjects/users?normalize=true", json={"schema": USER_V1}).json()["id"]
        == first.json()["id"]
    )


def test_version_parameters_are_checked_like_declared_ones(client: TestClient) -> None:
    # GET /subjects/{s}/versions/{v} reads its parameters itself: as FastAPI would, and documented.
    register(client, "users", USER_V1)
    register(client, "users", USER_V2)
    client.delete("/subjects/users/versions/1")

    for flag in ("true", "True", "1", "yes", "on"):
        assert client.get(f"/subjects/users/versions/1?deleted={flag}").json()["deleted"] is True
    for flag in ("false", "0", "no", "off"):
        assert error_of(client.get(f"/subjects/users/versions/1?deleted={flag}")) == (404, 40402)
    refused = client.get("/subjects/users/versions/1?deleted=maybe")
    assert error_of(refused) == (422, 422)
    assert "'deleted'" in refused.json()["message"]
    assert error_of(client.get("/subjects/users/versions/one")) == (422, 42202)
    operation = client.get("/openapi.json").json()["paths"]["/subjects/{subject}/versions/{version}"]["get"]
    assert {(entry["name"], entry["in"]) for entry in operation["parameters"]} == {
        ("subject", "path"),
        ("version", "path"),
        ("deleted", "query"),
        ("format", "query"),
    }
