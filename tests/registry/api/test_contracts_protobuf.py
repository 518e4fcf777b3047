"""The contract API with Protobuf, on SQLite and PostgreSQL: reader `.proto` and JSON-mapping
expectations published and read back, refused precisely when they cannot be used, and consumer-aware
registration (the gate and the dry run) refusing a Protobuf version that breaks one (40910)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "order-changes"
ORDER = (EXAMPLE / "protobuf" / "OrderPlaced.proto").read_text()
RENAMED_TOTAL = (EXAMPLE / "protobuf" / "proposals" / "rename-total.proto").read_text()
NEW_ADDRESS = (EXAMPLE / "protobuf" / "proposals" / "require-address.proto").read_text()
SHIPPING_READER = (EXAMPLE / "readers" / "shipping.OrderPlaced.proto").read_text()
BILLING_READS = {  # what contracts.expect compiles {"orderId": string(), "totalAmount": decimal()} to
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"orderId": {"type": "string"}, "totalAmount": {"type": "number"}},
    "required": ["orderId", "totalAmount"],
}
TWO_MESSAGES = """
syntax = "proto3";
package shop;
message OrderPlaced { string order_id = 1; }
message OrderPaid { string order_id = 1; int64 paid_cents = 2; }
"""


def proto_expectation(schema: object, **overrides: object) -> dict:
    return {"eventType": "OrderPlaced", "schemaType": "PROTOBUF", "schema": schema, **overrides}


def publish(client: TestClient, consumer: str, version: str, *expectations: dict) -> None:
    response = client.put(
        f"/contracts/consumers/{consumer}/versions/{version}/expectations",
        json={"expectations": list(expectations)},
    )
    assert response.status_code == 200, response.text


def register(client: TestClient, subject: str, schema: str):
    return client.post(f"/subjects/{subject}/versions", json={"schema": schema, "schemaType": "PROTOBUF"})


def test_reader_protos_and_named_messages_read_back(client: TestClient) -> None:
    reader = proto_expectation(SHIPPING_READER, message="shop.OrderPlaced")
    json_reads = {"eventType": "OrderPlaced", "schemaType": "JSON", "schema": BILLING_READS}
    publish(client, "shipping", "s1", reader, json_reads)

    stored = client.get("/contracts/consumers/shipping/versions/s1/expectations").json()["expectations"]

    assert [(item["schemaType"], item["schema"], item["message"]) for item in stored] == [
        ("PROTOBUF", SHIPPING_READER, "shop.OrderPlaced"),
        ("JSON", BILLING_READS, None),
    ]
    page = client.get("/ui/contracts/event-types/OrderPlaced")  # the reader .proto, highlighted as such
    assert '<span class="tok-na">shipping_address</span>' in page.text


def test_unusable_reader_protos_are_refused_with_protocs_words(client: TestClient) -> None:
    def refused(*expectations: dict) -> str:
        response = client.put(
            "/contracts/consumers/shipping/versions/s1/expectations",
            json={"expectations": list(expectations)},
        )
        assert response.status_code == 422
        assert response.json()["error_code"] == 42210
        return str(response.json()["message"])

    broken = refused(proto_expectation('syntax = "proto3";\nmessage OrderPlaced { string id = 1 }'))
    missing = refused(proto_expectation(SHIPPING_READER, message="shop.Refund"))
    as_object = refused(proto_expectation({"syntax": "proto3"}))

    assert broken.startswith(
        "expectations[0] (OrderPlaced): the reader schema is invalid: Invalid Protobuf schema"
    )
    assert "line 2" in broken
    assert "has no message 'shop.Refund' (its messages: shop.OrderPlaced, " in missing
    assert as_object == "expectations[0] (OrderPlaced): a PROTOBUF reader schema is the text of a .proto file"
    assert client.get("/contracts/consumers/shipping/versions/s1/expectations").status_code == 404


def test_a_protobuf_version_that_breaks_an_expectation_is_refused_and_the_dry_run_says_so(
    client: TestClient,
) -> None:
    assert client.put("/config/OrderPlaced", json={"compatibility": "NONE"}).status_code == 200
    assert register(client, "OrderPlaced", ORDER).status_code == 200
    publish(
        client, "billing", "b1", {"eventType": "OrderPlaced", "schemaType": "JSON", "schema": BILLING_READS}
    )
    publish(client, "shipping", "s1", proto_expectation(SHIPPING_READER))

    dry = client.post(
        "/compatibility/subjects/OrderPlaced/versions",
        params={"verbose": "true"},
        json={"schema": NEW_ADDRESS, "schemaType": "PROTOBUF"},
    ).json()
    renamed = register(client, "OrderPlaced", RENAMED_TOTAL)  # breaks billing, which reads names
    new_address = register(client, "OrderPlaced", NEW_ADDRESS)  # breaks shipping, which reads numbers

    assert dry["is_compatible"] is False
    assert dry["accord"]["refusedBy"] == "consumer-expectations"
    [shipping_broken] = dry["accord"]["brokenExpectations"]
    assert shipping_broken.startswith(
        "shipping version s1 (OrderPlaced) reads $.data.shippingAddress.city: FIELD_SCALAR_KIND_CHANGED: "
        "Field 'city' (number 2) of message shop.OrderPlaced.Address"
    )
    assert (renamed.status_code, renamed.json()["error_code"]) == (409, 40910)
    assert (
        "billing version b1 (OrderPlaced) reads $.data.totalAmount: "
        "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" in renamed.json()["message"]
    )
    assert "shipping version" not in renamed.json()["message"]
    assert (new_address.status_code, new_address.json()["error_code"]) == (409, 40910)
    assert "shipping version s1 (OrderPlaced)" in new_address.json()["message"]
    assert (
        "is int32 in the published schema but string in the expected schema" in new_address.json()["message"]
    )
    assert client.get("/subjects/OrderPlaced/versions").json() == [1]


def test_an_expectation_of_a_named_message_is_guarded_for_that_message_only(client: TestClient) -> None:
    assert client.put("/config/payments", json={"compatibility": "NONE"}).status_code == 200
    assert register(client, "payments", TWO_MESSAGES).status_code == 200
    reads_paid = {
        "eventType": "OrderPaid",
        "subject": "payments",
        "schemaType": "JSON",
        "message": "shop.OrderPaid",
        "schema": {
            "type": "object",
            "properties": {"paidCents": {"type": "string"}},
            "required": ["paidCents"],
        },
    }
    publish(client, "ledger", "l1", reads_paid)

    placed_changed = register(client, "payments", TWO_MESSAGES.replace("order_id = 1; }", "id = 1; }", 1))
    paid_dropped = register(client, "payments", TWO_MESSAGES.replace(" int64 paid_cents = 2;", ""))
    paid_gone = register(client, "payments", TWO_MESSAGES.replace("message OrderPaid", "message Refund"))

    assert placed_changed.status_code == 200, placed_changed.text
    assert paid_dropped.status_code == 409
    assert "ledger version l1 (OrderPaid) reads $.data.paidCents" in paid_dropped.json()["message"]
    assert paid_gone.status_code == 409
    assert (
        "MESSAGE_NOT_PUBLISHED: the Protobuf schema has no message 'shop.OrderPaid'"
        in paid_gone.json()["message"]
    )


def test_protobuf_samples_are_stored_with_their_schema(client: TestClient) -> None:
    sample = {
        "scenario": "placed",
        "envelope": {"eventType": "OrderPlaced", "data": {"orderId": "o-1", "totalAmount": 12.5}},
        "schemaType": "PROTOBUF",
        "schema": ORDER,
    }
    stored = client.put("/contracts/producers/order-service/versions/p1/samples", json={"samples": [sample]})
    assert stored.status_code == 200, stored.text
    [read_back] = client.get("/contracts/producers/order-service/versions/p1/samples").json()["samples"]
    assert (read_back["schemaType"], read_back["schema"]) == ("PROTOBUF", ORDER)


ADDRESS = (
    'syntax = "proto3";\npackage acme.common;\nmessage Address { string street = 1; string city = 2; }\n'
)
SHIPPED = """
syntax = "proto3";
package acme.shipping;
import "acme/common/address.proto";
message OrderShipped { string order_id = 1; acme.common.Address to = 2; }
"""


def test_a_message_from_an_imported_subject_is_read_through_its_reference(client: TestClient) -> None:
    assert client.put("/config/OrderShipped", json={"compatibility": "NONE"}).status_code == 200
    assert register(client, "acme%2Fcommon%2Faddress.proto", ADDRESS).status_code == 200
    reference = {"name": "acme/common/address.proto", "subject": "acme/common/address.proto", "version": 1}

    def register_shipped(text: str, address_version: int = 1):
        references = [{**reference, "version": address_version}]
        body = {"schema": text, "schemaType": "PROTOBUF", "references": references}
        return client.post("/subjects/OrderShipped/versions", json=body)

    assert register_shipped(SHIPPED).status_code == 200
    reads_street = {
        "eventType": "OrderShipped",
        "schemaType": "JSON",
        "schema": {
            "type": "object",
            "properties": {
                "to": {"type": "object", "properties": {"street": {"type": "string"}}, "required": ["street"]}
            },
            "required": ["orderId"],
        },
    }
    publish(client, "courier", "k1", reads_street)
    assert (
        register(client, "acme%2Fcommon%2Faddress.proto", ADDRESS.replace("street", "line1")).status_code
        == 200
    )
    moved = register_shipped(SHIPPED.replace("acme.common.Address to = 2;", "string to = 2;"))
    without_street = register_shipped(SHIPPED, address_version=2)  # the imported Address lost street

    assert without_street.status_code == 409
    assert "courier version k1 (OrderShipped) reads $.data.to.street: " in without_street.json()["message"]
    assert moved.status_code == 409
    assert "courier version k1 (OrderShipped) reads $.data.to: TYPE_CHANGED" in moved.json()["message"]


def test_a_reader_protos_imports_are_stored_and_guard_the_imported_messages(client: TestClient) -> None:
    for subject in ("OrderShipped", "acme%2Fcommon%2Faddress.proto"):
        assert client.put(f"/config/{subject}", json={"compatibility": "NONE"}).status_code == 200
    assert register(client, "acme%2Fcommon%2Faddress.proto", ADDRESS).status_code == 200
    assert (
        register(
            client, "acme%2Fcommon%2Faddress.proto", ADDRESS.replace("string city", "int32 city")
        ).status_code
        == 200
    )
    imports = {"acme/common/address.proto": ADDRESS}
    publish(
        client, "courier", "k1", {**proto_expectation(SHIPPED, imports=imports), "eventType": "OrderShipped"}
    )
    [stored] = client.get("/contracts/consumers/courier/versions/k1/expectations").json()["expectations"]
    without = client.put(
        "/contracts/consumers/courier/versions/k2/expectations",
        json={"expectations": [{**proto_expectation(SHIPPED), "eventType": "OrderShipped"}]},
    )

    def register_shipped(address_version: int):
        reference = {
            "name": "acme/common/address.proto",
            "subject": "acme/common/address.proto",
            "version": address_version,
        }
        body = {"schema": SHIPPED, "schemaType": "PROTOBUF", "references": [reference]}
        return client.post("/subjects/OrderShipped/versions", json=body)

    assert stored["imports"] == imports
    assert without.status_code == 422
    assert 'Import "acme/common/address.proto" was not found' in without.json()["message"]
    assert register_shipped(1).status_code == 200
    numbered_city = register_shipped(2)
    assert numbered_city.status_code == 409
    assert "courier version k1 (OrderShipped) reads" in numbered_city.json()["message"]
    assert (
        "FIELD_SCALAR_KIND_CHANGED: Field 'city' (number 2) of message acme.common.Address"
        in (numbered_city.json()["message"])
    )
