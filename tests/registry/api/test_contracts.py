"""The contract API on SQLite and PostgreSQL: publishing, the matrix, deployments, can-i-deploy, and
consumer-aware registration, with precise 4xx answers to bad input."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.registry.api.samples import record

ORDER_V1 = record(
    "OrderCreated",
    {"name": "orderId", "type": "string"},
    {"name": "customerEmail", "type": "string"},
    namespace="shop",
)
# Drops customerEmail: BACKWARD compatible (a new reader ignores it), but notification-service reads it.
ORDER_WITHOUT_EMAIL = record("OrderCreated", {"name": "orderId", "type": "string"}, namespace="shop")
ORDER_WITH_COUPON = record(
    "OrderCreated",
    {"name": "orderId", "type": "string"},
    {"name": "customerEmail", "type": "string"},
    {"name": "coupon", "type": ["null", "string"], "default": None},
    namespace="shop",
)
READS_EMAIL = {
    "type": "record",
    "name": "OrderCreated",
    "namespace": "shop",
    "fields": [{"name": "customerEmail", "type": "string"}],
}


def expectation(reader: dict | None = None, **overrides: object) -> dict:
    return {"eventType": "OrderCreated", "schemaType": "AVRO", "schema": reader or READS_EMAIL, **overrides}


def publish(client: TestClient, consumer: str, version: str, *expectations: dict) -> None:
    response = client.put(
        f"/contracts/consumers/{consumer}/versions/{version}/expectations",
        json={"expectations": list(expectations)},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"application": consumer, "version": version, "count": len(expectations)}


def register(client: TestClient, subject: str, schema: str):
    return client.post(f"/subjects/{subject}/versions", json={"schema": schema})


def test_published_expectations_read_back(client: TestClient) -> None:
    publish(client, "notification-service", "1", expectation(description="emails the customer"))
    body = client.get("/contracts/consumers/notification-service/versions/1/expectations").json()
    assert body == {
        "expectations": [
            {
                "eventType": "OrderCreated",
                "subject": None,
                "eventVersions": {"minimum": 1, "maximum": None},
                "schemaType": "AVRO",
                "schema": READS_EMAIL,
                "message": None,
                "imports": None,
                "envelope": None,
                "description": "emails the customer",
            }
        ]
    }
    relevant = client.get("/contracts/expectations", params={"eventType": "OrderCreated"}).json()
    assert [(item["consumer"], item["version"]) for item in relevant] == [("notification-service", "1")]
    assert client.get("/contracts/expectations", params={"eventType": "OrderPaid"}).json() == []


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (
            {"expectations": [expectation(), expectation({"type": "record", "name": "X"})]},
            422,
            42210,
            "expectations[1] (OrderCreated): the reader schema is invalid",
        ),
        (
            {"expectations": [expectation(eventVersions={"minimum": 3, "maximum": 2})]},
            422,
            42210,
            "eventVersions maximum 2 is below the minimum",
        ),
        (
            {"expectations": [expectation(envelope={"type": 12})]},
            422,
            42210,
            "the envelope schema is invalid at $.type",
        ),
        ({"expectations": [{"eventType": "OrderCreated"}]}, 422, 422, "body field 'expectations.0.schema'"),
        ({"expectations": [expectation(schemaType="XML")]}, 422, 422, "schemaType"),
        (
            {"expectations": [expectation(schemaType="PROTOBUF")]},
            422,
            42210,
            "a PROTOBUF reader schema is the text of a .proto file",
        ),
        # found by fuzzing, each once a 500: an Avro schema without "type", numbers beyond 64 bits
        ({"expectations": [expectation(schema={})]}, 422, 42210, 'needs a "type" attribute'),
        ({"expectations": [expectation(envelope={"maximum": 2**64})]}, 422, 42210, "cannot be stored"),
        (
            {"expectations": [expectation(eventVersions={"maximum": 2**63})]},
            422,
            422,
            "eventVersions.maximum",
        ),
    ],
)
def test_bad_expectations_are_refused_precisely_and_store_nothing(
    client: TestClient, body: dict, status: int, code: int, message: str
) -> None:
    response = client.put("/contracts/consumers/inventory/versions/1/expectations", json=body)
    assert response.status_code == status
    assert response.json()["error_code"] == code
    assert message in response.json()["message"]
    missing = client.get("/contracts/consumers/inventory/versions/1/expectations")
    assert missing.status_code == 404
    assert missing.json() == {
        "error_code": 40410,
        "message": "Application 'inventory' version '1' has published no contracts",
    }


def test_samples_publish_read_back_and_are_checked(client: TestClient) -> None:
    sample = {
        "scenario": "order placed",
        "envelope": {"eventType": "OrderCreated", "data": {"orderId": "o-1"}},
        "schemaType": "AVRO",
        "schema": ORDER_V1,
    }
    response = client.put(
        "/contracts/producers/order-service/versions/a1/samples", json={"samples": [sample]}
    )
    assert response.json()["count"] == 1
    body = client.get("/contracts/producers/order-service/versions/a1/samples").json()
    assert body["samples"] == [{**sample, "generated": False}]
    relevant = client.get("/contracts/samples", params={"eventType": "OrderCreated"}).json()
    assert relevant == [
        {"producer": "order-service", "version": "a1", "samples": [{**sample, "generated": False}]}
    ]
    assert client.get("/contracts/samples", params={"eventType": "OrderPaid"}).json() == []
    bad = client.put(
        "/contracts/producers/order-service/versions/a2/samples",
        json={"samples": [{"envelope": {"data": {}}}]},
    )
    assert bad.status_code == 422
    assert bad.json() == {"error_code": 42210, "message": "samples[0]: the envelope has no eventType"}
    half = client.put(
        "/contracts/producers/order-service/versions/a2/samples",
        json={"samples": [{**sample, "schemaType": None}]},
    )
    assert half.json()["message"] == "samples[0]: give schemaType and schema together, or neither"


def test_a_schema_that_breaks_a_published_expectation_is_refused(client: TestClient) -> None:
    assert register(client, "OrderCreated", ORDER_V1).status_code == 200
    publish(client, "notification-service", "abc123", expectation())
    assert client.get("/contracts/subjects/OrderCreated/enforcement").json() == {
        "subject": "OrderCreated",
        "enforce": True,
        "configured": False,
    }

    refused = register(client, "OrderCreated", ORDER_WITHOUT_EMAIL)
    assert refused.status_code == 409
    body = refused.json()
    assert body["error_code"] == 40910
    assert 'version 2 of subject "OrderCreated"' in body["message"]
    assert "notification-service version abc123 (OrderCreated)" in body["message"]
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in body["message"]
    assert '"name":"customerEmail"' in body["message"]
    assert client.get("/subjects/OrderCreated/versions").json() == [1]

    # a compatible change passes
    assert register(client, "OrderCreated", ORDER_WITH_COUPON).status_code == 200

    # enforcement off for the subject: the subject's compatibility level alone decides
    turned_off = client.put("/contracts/subjects/OrderCreated/enforcement", json={"enforce": False})
    assert turned_off.json() == {"subject": "OrderCreated", "enforce": False, "configured": True}
    assert register(client, "OrderCreated", ORDER_WITHOUT_EMAIL).status_code == 200


def test_only_expectations_that_count_can_refuse(client: TestClient) -> None:
    assert register(client, "OrderCreated", ORDER_V1).status_code == 200
    # the version range stops before the version being registered
    publish(client, "notification-service", "1", expectation(eventVersions={"minimum": 1, "maximum": 1}))
    assert register(client, "OrderCreated", ORDER_WITHOUT_EMAIL).status_code == 200
    # an older consumer version counts only while it is deployed
    publish(client, "billing", "old", expectation())
    publish(
        client,
        "billing",
        "new",
        expectation({**READS_EMAIL, "fields": [{"name": "orderId", "type": "string"}]}),
    )
    assert register(client, "OrderCreated", ORDER_V1).status_code == 200
    client.post(
        "/contracts/deployments", json={"application": "billing", "version": "old", "environment": "prod"}
    )
    refused = register(
        client, "OrderCreated", ORDER_WITH_COUPON.replace('{"name": "customerEmail", "type": "string"}, ', "")
    )
    assert refused.status_code == 409
    assert "billing version old" in refused.json()["message"]


READS_EMAIL_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "customerEmail": {"type": "string", "format": "email"}},
    "required": ["orderId", "customerEmail"],
}
ORDER_JSON = {
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "customerEmail": {"type": "string"}},
    "required": ["orderId", "customerEmail"],
}
ORDER_JSON_WITHOUT_EMAIL = {
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "customerEmail": {}},
    "required": ["orderId"],
}


def register_json(client: TestClient, subject: str, schema: dict):
    return client.post(
        f"/subjects/{subject}/versions", json={"schema": json.dumps(schema), "schemaType": "JSON"}
    )


def test_json_expectations_are_stored_and_read_back(client: TestClient) -> None:
    publish(client, "mailer", "1", expectation(READS_EMAIL_JSON, schemaType="JSON"))

    [stored] = client.get("/contracts/consumers/mailer/versions/1/expectations").json()["expectations"]

    assert (stored["schemaType"], stored["schema"]) == ("JSON", READS_EMAIL_JSON)
    invalid = client.put(
        "/contracts/consumers/mailer/versions/2/expectations",
        json={"expectations": [expectation({"type": "object", "required": "orderId"}, schemaType="JSON")]},
    )
    assert invalid.status_code == 422
    assert invalid.json()["error_code"] == 42210
    assert invalid.json()["message"] == (
        "expectations[0] (OrderCreated): the reader schema is invalid: Invalid JSON Schema: it breaks the "
        "draft-07 metaschema: 'orderId' is not of type 'array' (metaschema keyword 'type') (at #/required)"
    )


def test_a_json_schema_version_that_breaks_a_json_expectation_is_refused(client: TestClient) -> None:
    assert register_json(client, "OrderCreated", ORDER_JSON).status_code == 200
    publish(client, "mailer", "m1", expectation(READS_EMAIL_JSON, schemaType="JSON"))

    refused = register_json(client, "OrderCreated", ORDER_JSON_WITHOUT_EMAIL)

    assert refused.status_code == 409
    assert refused.json()["error_code"] == 40910
    message = refused.json()["message"]
    assert (
        "mailer version m1 (OrderCreated) reads $.data.customerEmail: REQUIRED_ATTRIBUTE_ADDED at path "
        '\'#/required/customerEmail\': expects "required"; the producer\'s schema has "optional"' in message
    )
    assert (
        "mailer version m1 (OrderCreated) reads $.data.customerEmail: TYPE_NARROWED at path "
        '\'#/properties/customerEmail\': expects {"format":"email","type":"string"}; the producer\'s '
        "schema has {}" in message
    )
    assert "FORMAT_" not in message  # a value rule the schema never promised does not refuse
    assert client.get("/subjects/OrderCreated/versions").json() == [1]
    # BACKWARD alone would allow it (a new reader may ignore the email): the expectation is what refuses
    client.put("/contracts/subjects/OrderCreated/enforcement", json={"enforce": False})
    assert register_json(client, "OrderCreated", ORDER_JSON_WITHOUT_EMAIL).status_code == 200


def test_a_json_expectation_guards_an_avro_subject_through_its_decoded_form(client: TestClient) -> None:
    assert register(client, "OrderCreated", ORDER_V1).status_code == 200
    publish(client, "mailer", "m1", expectation(READS_EMAIL_JSON, schemaType="JSON"))

    refused = register(client, "OrderCreated", ORDER_WITHOUT_EMAIL)
    allowed = register(client, "OrderCreated", ORDER_WITH_COUPON)

    assert refused.status_code == 409
    assert "mailer version m1 (OrderCreated) reads $.data.customerEmail: " in refused.json()["message"]
    assert allowed.status_code == 200


def test_an_avro_expectation_cannot_read_a_json_subject(client: TestClient) -> None:
    publish(client, "notification-service", "n1", expectation())

    refused = register_json(client, "OrderCreated", ORDER_JSON)

    assert refused.status_code == 409
    assert "SCHEMA_TYPE_MISMATCH: the expectation is an Avro reader schema" in refused.json()["message"]


def result(producer_version: str, consumer_version: str, success: bool) -> dict:
    findings = (
        []
        if success
        else [
            {
                "check": "schema-expectation",
                "severity": "error",
                "eventType": "OrderCreated",
                "path": "#/fields/1",
                "message": "READER_FIELD_MISSING_DEFAULT_VALUE",
                "consumer": f"notification-service@{consumer_version}",
            }
        ]
    )
    return {
        "producer": "order-service",
        "producerVersion": producer_version,
        "consumer": "notification-service",
        "consumerVersion": consumer_version,
        "success": success,
        "findings": findings,
    }


def test_the_matrix_deployments_and_can_i_deploy(client: TestClient) -> None:
    publish(client, "notification-service", "n1", expectation())
    sample = {"envelope": {"eventType": "OrderCreated", "data": {}}}
    for version in ("p1", "p2", "p3"):
        client.put(
            f"/contracts/producers/order-service/versions/{version}/samples", json={"samples": [sample]}
        )
    for body in (result("p1", "n1", True), result("p2", "n1", False)):
        assert client.post("/contracts/results", json=body).status_code == 200
    deployed = client.post(
        "/contracts/deployments",
        json={"application": "notification-service", "version": "n1", "environment": "production"},
    )
    assert deployed.status_code == 200
    assert deployed.json()["kind"] == "deployment"

    def ask(version: str, environment: str = "production") -> dict:
        response = client.get(
            "/contracts/can-i-deploy",
            params={"application": "order-service", "version": version, "environment": environment},
        )
        assert response.status_code == 200
        return response.json()

    yes, no, unknown = ask("p1"), ask("p2"), ask("p3")
    assert (yes["deployable"], no["deployable"], unknown["deployable"]) == (True, False, None)
    assert no["reason"] == "1 of 1 pairs failed verification"
    assert no["matrix"][0]["result"] == "failure"
    assert no["matrix"][0]["errors"] == 1
    assert unknown["reason"] == "1 of 1 pairs were never verified"
    assert ask("p2", "staging")["deployable"] is True  # nothing deployed there
    assert ask("never-published")["deployable"] is None

    matrix = client.get("/contracts/matrix", params={"application": "order-service"}).json()
    assert [(row["producerVersion"], row["success"]) for row in matrix] == [("p2", False), ("p1", True)]
    assert matrix[0]["findings"][0]["path"] == "#/fields/1"

    # a later deployment replaces the earlier one; a release stays alongside
    client.post(
        "/contracts/deployments",
        json={"application": "notification-service", "version": "n2", "environment": "production"},
    )
    client.post(
        "/contracts/deployments",
        json={
            "application": "notification-service",
            "version": "n1",
            "environment": "production",
            "kind": "release",
        },
    )
    deployments = client.get("/contracts/deployments", params={"environment": "production"}).json()
    assert [(row["version"], row["kind"]) for row in deployments] == [("n2", "deployment"), ("n1", "release")]


def test_bodies_keep_their_nulls_and_times_read_back_with_their_zone(client: TestClient) -> None:
    publish(client, "notification-service", "n1", expectation())
    published = client.get("/contracts/consumers/notification-service/versions/n1/expectations").content
    assert b'"subject":null,' in published
    assert b'"eventVersions":{"minimum":1,"maximum":null}' in published
    assert b'"envelope":null,' in published
    unknown = client.get(
        "/contracts/can-i-deploy", params={"application": "a", "version": "1", "environment": "production"}
    )
    assert b'"deployable":null,' in unknown.content

    deployment = {"application": "notification-service", "version": "n1", "environment": "production"}
    recorded = client.post("/contracts/deployments", json=deployment).json()
    verified = client.post("/contracts/results", json=result("p1", "n1", True)).json()

    # SQLite hands stored times back without their zone: they were written in UTC, and say so
    assert recorded["recordedAt"].endswith("Z")
    assert client.get("/contracts/deployments").json()[0]["recordedAt"] == recorded["recordedAt"]
    assert client.get("/contracts/matrix").json()[0]["verifiedAt"] == verified["verifiedAt"]
    asked = {"application": "order-service", "version": "p1", "environment": "production"}
    pair = client.get("/contracts/can-i-deploy", params=asked).json()["matrix"][0]
    assert pair["verifiedAt"] == verified["verifiedAt"]


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        (
            "post",
            "/contracts/deployments",
            {"application": "a", "version": "1", "environment": "p", "kind": "x"},
            "kind",
        ),
        ("post", "/contracts/results", {"producer": "a"}, "producerVersion"),
        ("get", "/contracts/can-i-deploy?application=a&version=1", None, "environment"),
        ("put", "/contracts/subjects/S/enforcement", {"enforce": "sometimes"}, "enforce"),
        ("get", "/contracts/matrix?limit=0", None, "limit"),
    ],
)
def test_malformed_contract_requests_are_422_naming_the_field(
    client: TestClient, method: str, path: str, body: dict | None, message: str
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 422
    assert response.json()["error_code"] == 422
    assert message in response.json()["message"]


def test_the_contract_api_is_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    contract_paths = {path for path in paths if path.startswith("/contracts")}
    assert contract_paths == {
        "/contracts/consumers/{consumer}/versions/{version}/expectations",
        "/contracts/expectations",
        "/contracts/samples",
        "/contracts/producers/{producer}/versions/{version}/samples",
        "/contracts/results",
        "/contracts/matrix",
        "/contracts/deployments",
        "/contracts/can-i-deploy",
        "/contracts/subjects/{subject}/enforcement",
    }
    register_responses = paths["/subjects/{subject}/versions"]["post"]["responses"]
    assert "40910" in register_responses["409"]["description"]
    publish_responses = paths["/contracts/consumers/{consumer}/versions/{version}/expectations"]["put"][
        "responses"
    ]
    assert "42210" in publish_responses["422"]["description"]
    assert (
        "40410"
        in paths["/contracts/producers/{producer}/versions/{version}/samples"]["get"]["responses"]["404"][
            "description"
        ]
    )
