"""JSON Schema through Confluent's API, on SQLite and PostgreSQL: register, read, look up, check
compatibility, normalize, reference other subjects by name, and refuse what does not parse, saying why."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.test_subjects import error_of
from tests.support.json_references import ADDRESS, CUSTOMER

ORDER_V1 = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "OrderCreated",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "total": {"type": "number"}},
    "required": ["orderId"],
}
ORDER_WITH_NOTE = {**ORDER_V1, "properties": {**ORDER_V1["properties"], "note": {"type": "string"}}}
ORDER_WITH_ANY_NOTE = {**ORDER_V1, "properties": {**ORDER_V1["properties"], "note": {}}}
ORDER_TOTAL_AS_STRING = {**ORDER_V1, "properties": {**ORDER_V1["properties"], "total": {"type": "string"}}}
ADDRESS_REFERENCE = {"name": "address.json", "subject": "address", "version": 1}


def text(schema: object) -> str:
    return json.dumps(schema)


def register(client: TestClient, subject: str, schema: object, *, query: str = "", **extra: object):  # type: ignore[no-untyped-def]
    return client.post(
        f"/subjects/{subject}/versions{query}", json={"schema": text(schema), "schemaType": "JSON", **extra}
    )


def check(client: TestClient, subject: str, schema: object, **extra: object) -> dict:
    response = client.post(
        f"/compatibility/subjects/{subject}/versions/latest?verbose=true",
        json={"schema": text(schema), "schemaType": "JSON", **extra},
    )
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


def test_a_json_schema_registers_and_reads_back_with_its_type(client: TestClient) -> None:
    registered = register(client, "orders", ORDER_V1)

    assert registered.status_code == 200, registered.text
    schema_id = registered.json()["id"]
    by_id = client.get(f"/schemas/ids/{schema_id}").json()
    assert by_id["schemaType"] == "JSON"
    assert json.loads(by_id["schema"]) == ORDER_V1
    assert json.loads(client.get(f"/schemas/ids/{schema_id}/schema").text) == ORDER_V1
    version = client.get("/subjects/orders/versions/latest").json()
    assert (version["subject"], version["version"], version["id"], version["schemaType"]) == (
        "orders",
        1,
        schema_id,
        "JSON",
    )
    assert json.loads(client.get("/subjects/orders/versions/1/schema").text) == ORDER_V1
    assert client.get("/schemas?subjectPrefix=ord").json()[0]["schemaType"] == "JSON"
    assert "JSON" in client.get("/schemas/types").json()
    # idempotent, whitespace-insensitive, and the same id under another subject
    assert register(client, "orders", json.loads(text(ORDER_V1))).json() == {"id": schema_id}
    spaced = json.dumps(ORDER_V1, indent=4)
    again = client.post("/subjects/orders/versions", json={"schema": spaced, "schemaType": "JSON"})
    assert again.json() == {"id": schema_id}
    assert register(client, "archive", ORDER_V1).json() == {"id": schema_id}
    assert client.get("/subjects/orders/versions").json() == [1]


def test_the_same_text_as_avro_and_as_json_are_two_schemas(client: TestClient) -> None:
    as_avro = client.post("/subjects/a/versions", json={"schema": '{"type": "string"}'}).json()["id"]
    as_json = register(client, "j", {"type": "string"}).json()["id"]

    assert as_avro != as_json
    assert "schemaType" not in client.get(f"/schemas/ids/{as_avro}").json()
    assert client.get(f"/schemas/ids/{as_json}").json()["schemaType"] == "JSON"


def test_lookup_finds_the_version_and_needs_the_type(client: TestClient) -> None:
    schema_id = register(client, "orders", ORDER_V1).json()["id"]
    register(client, "orders", ORDER_WITH_ANY_NOTE)

    found = client.post("/subjects/orders", json={"schema": text(ORDER_V1), "schemaType": "JSON"})

    assert found.status_code == 200
    assert (found.json()["version"], found.json()["id"], found.json()["schemaType"]) == (1, schema_id, "JSON")
    assert client.get("/subjects/orders/versions").json() == [1, 2]
    missing = client.post("/subjects/orders", json={"schema": text(ORDER_WITH_NOTE), "schemaType": "JSON"})
    assert error_of(missing) == (404, 40403)


def test_compatibility_explains_each_difference_in_confluents_verbose_format(client: TestClient) -> None:
    register(client, "orders", ORDER_V1)

    compatible = check(client, "orders", ORDER_WITH_ANY_NOTE)
    retyped = check(client, "orders", ORDER_TOTAL_AS_STRING)

    assert compatible == {"is_compatible": True, "messages": []}
    assert retyped["is_compatible"] is False
    reason, *context = retyped["messages"]
    assert reason.startswith(
        "{errorType:'TYPE_CHANGED', description:'A type at path '#/properties/total' is different between "
        "the new schema and the old schema"
    )
    assert "the old schema allows number but the new schema allows only string" in reason
    assert context[0] == "{oldSchemaVersion: 1}"
    assert json.loads(context[1].removeprefix("{oldSchema: '").removesuffix("'}")) == ORDER_V1
    assert context[2] == "{compatibility: 'BACKWARD'}"
    plain = client.post(
        "/compatibility/subjects/orders/versions/1",
        json={"schema": text(ORDER_TOTAL_AS_STRING), "schemaType": "JSON"},
    )
    assert plain.json() == {"is_compatible": False}


def test_an_incompatible_json_schema_is_refused_with_409_and_the_reasons(client: TestClient) -> None:
    register(client, "orders", ORDER_V1)

    refused = register(client, "orders", ORDER_TOTAL_AS_STRING)

    assert error_of(refused) == (409, 409)
    assert "TYPE_CHANGED" in refused.json()["message"]
    assert "#/properties/total" in refused.json()["message"]
    assert client.get("/subjects/orders/versions").json() == [1]


def test_transitive_levels_check_every_json_version(client: TestClient) -> None:
    client.put("/config/orders", json={"compatibility": "NONE"})
    assert register(client, "orders", {"properties": {"a": {"type": "string"}}}).status_code == 200
    assert register(client, "orders", {"properties": {"a": {"type": "integer"}}}).status_code == 200
    candidate = {"schema": text({"properties": {"a": {"type": "integer"}}}), "schemaType": "JSON"}

    client.put("/config/orders", json={"compatibility": "BACKWARD"})
    latest_only = client.post("/compatibility/subjects/orders/versions?verbose=true", json=candidate)
    client.put("/config/orders", json={"compatibility": "BACKWARD_TRANSITIVE"})
    every_version = client.post("/compatibility/subjects/orders/versions?verbose=true", json=candidate)

    assert latest_only.json() == {"is_compatible": True, "messages": []}
    assert every_version.json()["is_compatible"] is False
    assert "{oldSchemaVersion: 1}" in every_version.json()["messages"]
    assert "{compatibility: 'BACKWARD_TRANSITIVE'}" in every_version.json()["messages"]


def test_the_policy_decides_whether_a_typed_property_may_join_an_open_model(client: TestClient) -> None:
    register(client, "orders", ORDER_V1)

    strict = check(client, "orders", ORDER_WITH_NOTE)
    client.put("/config/orders", json={"compatibilityPolicy": "LENIENT"})
    lenient = check(client, "orders", ORDER_WITH_NOTE)

    assert strict["is_compatible"] is False
    [reason] = [line for line in strict["messages"] if "errorType" in line]
    assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in reason
    assert "#/properties/note" in reason
    assert "Declare the new property with the empty schema {}" in reason
    assert lenient == {"is_compatible": True, "messages": []}
    assert client.get("/config/orders").json()["compatibilityPolicy"] == "LENIENT"
    assert register(client, "orders", ORDER_WITH_NOTE).status_code == 200
    # the global policy applies to subjects without their own
    register(client, "payments", ORDER_V1)
    assert error_of(register(client, "payments", ORDER_WITH_NOTE)) == (409, 409)
    client.put("/config", json={"compatibilityPolicy": "LENIENT"})
    assert register(client, "payments", ORDER_WITH_NOTE).status_code == 200


def test_normalize_stores_one_form_for_schemas_that_mean_the_same(client: TestClient) -> None:
    reordered = {
        "required": ["orderId"],
        "properties": {"total": {"type": "number"}, "orderId": {"type": "string"}},
        "type": "object",
        "title": "OrderCreated",
        "$schema": "http://json-schema.org/draft-07/schema#",
    }

    first = register(client, "orders", ORDER_V1, query="?normalize=true").json()["id"]
    stored = client.get(f"/schemas/ids/{first}").json()["schema"]

    assert stored == json.dumps(ORDER_V1, sort_keys=True, separators=(",", ":"))
    assert register(client, "orders", reordered, query="?normalize=true").json() == {"id": first}
    looked_up = client.post(
        "/subjects/orders?normalize=true", json={"schema": text(reordered), "schemaType": "JSON"}
    )
    assert (looked_up.json()["version"], looked_up.json()["id"]) == (1, first)
    # without normalize a reordered schema is another text, hence another version
    assert (
        register(client, "plain", ORDER_V1).json()["id"] != register(client, "plain", reordered).json()["id"]
    )
    assert client.get("/subjects/plain/versions").json() == [1, 2]


def test_normalize_from_the_subject_config(client: TestClient) -> None:
    client.put("/config/orders", json={"normalize": True})
    first = register(client, "orders", {"type": "object", "required": ["b", "a"]}).json()["id"]

    again = register(client, "orders", {"required": ["a", "b"], "type": "object"}).json()["id"]

    assert again == first
    assert json.loads(client.get(f"/schemas/ids/{first}").json()["schema"]) == {
        "required": ["a", "b"],
        "type": "object",
    }


def test_references_by_name_and_into_the_referenced_schema(client: TestClient) -> None:
    address_id = register(client, "address", ADDRESS).json()["id"]

    registered = register(client, "customer", CUSTOMER, references=[ADDRESS_REFERENCE])

    assert registered.status_code == 200, registered.text
    customer_id = registered.json()["id"]
    assert client.get(f"/schemas/ids/{customer_id}").json()["references"] == [ADDRESS_REFERENCE]
    assert client.get("/subjects/customer/versions/1").json()["references"] == [ADDRESS_REFERENCE]
    assert client.get("/subjects/address/versions/1/referencedby").json() == [customer_id]
    assert client.get("/subjects/address/versions/latest/referencedby").json() == [customer_id]
    assert client.get(f"/schemas/ids/{address_id}").json().get("references") is None
    # the referenced schema is compared too: a narrower zip is a break through the reference
    narrower = {**CUSTOMER, "properties": {**CUSTOMER["properties"], "zip": {"type": "integer"}}}
    verdict = check(client, "customer", narrower, references=[ADDRESS_REFERENCE])
    assert verdict["is_compatible"] is False
    assert "#/properties/zip" in verdict["messages"][0]
    # a referenced version cannot go while another schema uses it
    assert error_of(client.delete("/subjects/address/versions/1")) == (422, 42206)
    assert error_of(client.delete("/subjects/address")) == (422, 42206)


def test_a_normalized_reference_spelling_still_resolves(client: TestClient) -> None:
    register(client, "address", ADDRESS)
    dotted = {"type": "object", "properties": {"home": {"$ref": "./address.json"}}}
    reference = {**ADDRESS_REFERENCE, "name": "./address.json"}

    registered = register(client, "customer", dotted, query="?normalize=true", references=[reference])

    assert registered.status_code == 200, registered.text
    stored = client.get("/subjects/customer/versions/1").json()
    assert json.loads(stored["schema"])["properties"]["home"] == {"$ref": "address.json"}
    assert stored["references"] == [reference]
    # the stored form parses again: later versions are compared with it
    assert check(client, "customer", dotted, references=[reference]) == {
        "is_compatible": True,
        "messages": [],
    }


@pytest.mark.parametrize(
    ("schema", "references", "reason"),
    [
        (
            {"type": "object", "required": "orderId"},
            [],
            "Invalid JSON Schema: it breaks the draft-07 metaschema: 'orderId' is not of type 'array' "
            "(metaschema keyword 'type') (at #/required)",
        ),
        (
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "properties": {"a": {"pattern": "(("}},
            },
            [],
            "'((' is not a 'regex' (metaschema keyword 'format') (at #/properties/a/pattern)",
        ),
        (
            {"properties": {"home": {"$ref": "#/definitions/address"}}},
            [],
            "$ref '#/definitions/address' points to nothing: no subschema at '/definitions/address' "
            "(at #/properties/home/$ref)",
        ),
        (
            {"properties": {"home": {"$ref": "https://schemas.example.com/address.json"}}},
            [],
            "$ref 'https://schemas.example.com/address.json' names no schema reference of this schema; "
            "remote and file schemas are never fetched, so register "
            "'https://schemas.example.com/address.json' as a schema and list it in `references` "
            "with that name (at #/properties/home/$ref)",
        ),
        (
            {"properties": {"zip": {"$ref": "address.json#/definitions/postcode"}}},
            [ADDRESS_REFERENCE],
            "$ref 'address.json#/definitions/postcode' points to nothing: no subschema at "
            "'/definitions/postcode' (at #/properties/zip/$ref)",
        ),
        (
            {"properties": {"home": {"$ref": "address.json"}}},
            [{"name": "address.json", "subject": "address", "version": 7}],
            "reference 'address.json' names version 7 of subject 'address', which is not registered",
        ),
        (
            {"$schema": "http://example.com/my-draft", "type": "object"},
            [],
            "Unknown `$schema` 'http://example.com/my-draft'",
        ),
        ("{not json", [], "Invalid JSON Schema: not JSON"),
        ([1, 2], [], "Invalid JSON Schema: a schema is a JSON object or a boolean, not list"),
    ],
)
def test_invalid_json_schemas_are_42201_with_the_parsers_reason(
    client: TestClient, schema: object, references: list, reason: str
) -> None:
    register(client, "address", ADDRESS)
    body = {
        "schema": schema if isinstance(schema, str) else text(schema),
        "schemaType": "JSON",
        "references": references,
    }

    response = client.post("/subjects/orders/versions", json=body)

    assert error_of(response) == (422, 42201)
    assert reason in response.json()["message"]
    assert error_of(client.get("/subjects/orders/versions")) == (404, 40401)
    lookup = client.post("/subjects/address", json=body)
    assert error_of(lookup) == (422, 42201)
    assert reason in lookup.json()["message"]


def test_a_json_schema_cannot_reference_an_avro_schema_nor_the_other_way_round(client: TestClient) -> None:
    client.post(
        "/subjects/money/versions", json={"schema": text({"type": "fixed", "name": "Money", "size": 8})}
    )
    register(client, "address", ADDRESS)

    json_to_avro = register(
        client, "a", {"$ref": "Money"}, references=[{"name": "Money", "subject": "money", "version": 1}]
    )
    avro_to_json = client.post(
        "/subjects/b/versions",
        json={
            "schema": text(
                {"type": "record", "name": "B", "fields": [{"name": "a", "type": "address.json"}]}
            ),
            "references": [ADDRESS_REFERENCE],
        },
    )

    assert error_of(json_to_avro) == (422, 42201)
    assert "a JSON Schema can only reference JSON schemas, not AVRO" in json_to_avro.json()["message"]
    assert error_of(avro_to_json) == (422, 42201)
    assert "an Avro schema can only refer to Avro schemas" in avro_to_json.json()["message"]


def test_a_json_schema_sent_without_its_type_is_told_to_say_json(client: TestClient) -> None:
    response = client.post("/subjects/orders/versions", json={"schema": text(ORDER_V1)})

    assert error_of(response) == (422, 42201)
    message = response.json()["message"]
    assert message.startswith("Invalid Avro schema:")
    assert message.endswith('it is a valid JSON Schema: send "schemaType": "JSON"')
    not_json_either = client.post("/subjects/orders/versions", json={"schema": '{"type": "recrod"}'})
    assert "schemaType" not in not_json_either.json()["message"]


def test_a_subject_keeps_its_schema_type(client: TestClient) -> None:
    register(client, "orders", ORDER_V1)

    avro = client.post("/subjects/orders/versions", json={"schema": '{"type": "string"}'})

    assert error_of(avro) == (409, 409)
    assert "SCHEMA_TYPE_CHANGED" in avro.json()["message"]
    assert "The new schema is AVRO but version 1 is JSON" in avro.json()["message"]


def test_the_format_parameter_serves_the_default_form_of_json_schemas_only(client: TestClient) -> None:
    schema_id = register(client, "orders", ORDER_V1).json()["id"]

    for query in ("", "?format=", "?format=default"):
        assert json.loads(client.get(f"/schemas/ids/{schema_id}{query}").json()["schema"]) == ORDER_V1
    refused = client.get(f"/schemas/ids/{schema_id}?format=resolved")
    assert error_of(refused) == (422, 422)
    assert refused.json()["message"] == (
        "Format 'resolved' is not supported for JSON schemas; the only format is 'default'"
    )
    assert error_of(client.get(f"/schemas/ids/{schema_id}/schema?format=serialized")) == (422, 422)
