"""Real message pacts, as pact-jvm, pact-js and pact-python write them, import; every Pact matching
rule is translated with its meaning or refused by name; --event-type names the event type of messages
whose metadata names none; a non-JSON body is refused with one line naming the message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from typer.testing import CliRunner

from contracts.errors import ContractError, PactImportError
from contracts.pact import EventTypes, import_pact
from contracts.string_formats import format_checker
from registry.cli import app

PACTS = Path(__file__).resolve().parents[1] / "data" / "contracts" / "pacts"

# file: (consumer, descriptions of the imported messages, skipped interactions)
REAL = {
    "pact-jvm-v4-message-pact.json": ("test_consumer", ["Test Message"], {}),
    "pact-jvm-v4-combined-pact.json": ("test_consumer", ["Test Message"], {"Synchronous/HTTP": 1}),
    "pact-jvm-v4-sync-messages-pact.json": ("test_consumer", ["A1"], {}),
    "pact-jvm-v3-message-pact.json": ("consumer", ["a hello message"], {}),
    "pact-jvm-message-pact-broker.json": ("AWSSummiteerWeb", ["a stream of tweets"], {}),
    "pact-python-v3-message.json": (
        "message-consumer-2",
        ["Book (id fb5a885f-f7e8-4a50-950f-c1a64a94d500) created message"],
        {},
    ),
    "pact-js-myjsmessageconsumer-myjsmessageprovider.json": ("render", ["a request for rendering"], {}),
}


def accepts(schema: dict[str, Any], value: Any) -> bool:
    return jsonschema.Draft7Validator(schema, format_checker=format_checker()).is_valid(value)


@pytest.mark.parametrize("name", REAL)
def test_a_real_message_pact_imports_with_an_event_type_given(name):
    consumer, descriptions, skipped = REAL[name]
    imported = import_pact(PACTS / name, version="v1", event_types=EventTypes.parse(["BookCreated"]))
    assert imported.contract.consumer == consumer
    assert imported.contract.version == "v1"
    assert [e.description for e in imported.contract.expectations] == descriptions
    assert {e.event_type for e in imported.contract.expectations} == {"BookCreated"}
    assert imported.skipped == skipped
    for expectation in imported.contract.expectations:  # each example satisfies its own expectation
        for example in expectation.examples():
            assert accepts(expectation.schema, example)


def test_real_pacts_keep_their_rules():
    python = import_pact(PACTS / "pact-python-v3-message.json", event_types=EventTypes("BookCreated"))
    [book] = python.contract.expectations
    assert accepts(book.schema, {"uuid": "0a5a885f-f7e8-4a50-950f-c1a64a94d500"})
    assert not accepts(book.schema, {"uuid": "not-a-uuid"})

    jvm = import_pact(PACTS / "pact-jvm-v4-message-pact.json", event_types=EventTypes("Test"))
    [message] = jvm.contract.expectations
    assert accepts(message.schema, {"a": "99-1"})
    assert not accepts(message.schema, {"a": "x99-1y"})  # a Pact regex matches the whole value

    broker = import_pact(PACTS / "pact-jvm-message-pact-broker.json", event_types=EventTypes("Tweet"))
    [tweets] = broker.contract.expectations
    assert accepts(tweets.schema, {"id": 7, "text": "another"})
    assert not accepts(tweets.schema, {"id": "7", "text": "another"})


def test_a_message_without_an_event_type_names_the_option_that_gives_one():
    with pytest.raises(PactImportError) as raised:
        import_pact(PACTS / "pact-python-v3-message.json")
    assert raised.value.where == "$.messages[0].metadata"
    assert "--event-type TYPE" in raised.value.reason
    assert "Book (id fb5a885f-f7e8-4a50-950f-c1a64a94d500) created message=TYPE" in raised.value.reason


def _pact(*messages: dict[str, Any], spec: str = "4.0") -> dict[str, Any]:
    return {
        "consumer": {"name": "billing"},
        "provider": {"name": "orders"},
        "interactions": list(messages),
        "metadata": {"pactSpecification": {"version": spec}},
    }


def _message(description: str, content: Any, rules: dict[str, Any] | None = None, **extra: Any) -> dict:
    return {
        "type": "Asynchronous/Messages",
        "description": description,
        "contents": {"contentType": "application/json", "encoded": False, "content": content},
        "matchingRules": {"content": rules or {}},
        **extra,
    }


def _import(tmp_path: Path, pact: dict[str, Any], *event_types: str):
    path = tmp_path / "pact.json"
    path.write_bytes(orjson.dumps(pact))
    return import_pact(path, event_types=EventTypes.parse(list(event_types)))


def test_event_types_by_description_and_metadata_wins(tmp_path):
    pact = _pact(
        _message("an order was placed", {"orderId": "o-1"}),
        _message("an order was paid", {"orderId": "o-1"}),
        _message("named in metadata", {"orderId": "o-1"}, metadata={"eventType": "OrderShipped"}),
    )
    imported = _import(tmp_path, pact, "an order was placed=OrderPlaced", "OrderPaid")
    assert [e.event_type for e in imported.contract.expectations] == [
        "OrderPlaced",
        "OrderPaid",
        "OrderShipped",
    ]
    with pytest.raises(ContractError, match="one TYPE for every message"):
        EventTypes.parse(["A", "B"])


def _rule(*matchers: dict[str, Any], combine: str = "AND") -> dict[str, Any]:
    return {"combine": combine, "matchers": list(matchers)}


EXAMPLE = {
    "orderId": "ORD-12",
    "quantity": 3,
    "total": 12.5,
    "ratio": 2,
    "placedOn": "2024-05-01",
    "placedAt": "2024-05-01T12:30:00Z",
    "at": "12:30:00",
    "note": "free shipping today",
    "currency": "EUR",
    "channel": "web",
    "version": "1.2.3",
    "gift": True,
    "coupon": None,
    "tags": ["a", "b"],
    "lines": [{"sku": "S-1", "qty": 1}],
    "prices": {"EUR": 10, "USD": 11},
    "stock": {"S-1": {"count": 1}},
    "labels": {"en": "Book"},
    "codes": ["x1", "x2"],
    "events": [{"kind": "created"}, {"kind": "paid", "at": "2024-05-01"}],
    "nickname": "Ada",
    "shippedOn": "01/05/2024",
    "billedOn": "2024-05-01",
}
EVERY_RULE = {
    "$.orderId": _rule({"match": "regex", "regex": "ORD-\\d+"}),
    "$.quantity": _rule({"match": "integer"}),
    "$.total": _rule({"match": "decimal"}),
    "$.ratio": _rule({"match": "number"}),
    "$.placedOn": _rule({"match": "date", "format": "yyyy-MM-dd"}),
    "$.placedAt": _rule({"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ssX"}),
    "$.at": _rule({"match": "time", "format": "HH:mm:ss"}),
    "$.note": _rule({"match": "include", "value": "free"}),
    "$.currency": _rule({"match": "equality"}),
    "$.channel": _rule({"match": "equality"}, {"match": "regex", "regex": "app|web"}, combine="OR"),
    "$.version": _rule({"match": "semver"}),
    "$.gift": _rule({"match": "boolean"}),
    "$.coupon": _rule({"match": "null"}),
    "$.tags": _rule({"match": "type", "min": 1, "max": 3}),
    "$.lines": _rule({"match": "type", "min": 1}),
    "$.prices": _rule({"match": "values"}),
    "$.stock": _rule({"match": "eachValue", "rules": [{"match": "type"}], "value": {}}),
    "$.labels": _rule(
        {"match": "eachKey", "rules": [{"match": "regex", "regex": "^[a-z]{2}$"}], "value": {}}
    ),
    "$.codes": _rule({"match": "notEmpty"}),
    "$.events": _rule(
        {
            "match": "arrayContains",
            "variants": [
                {"index": 0, "rules": {"$.kind": _rule({"match": "equality"})}},
                {"index": 1, "rules": {"$.at": _rule({"match": "date", "format": "yyyy-MM-dd"})}},
            ],
        }
    ),
    "$.nickname": _rule({"match": "type"}),
    "$.shippedOn": _rule({"match": "date", "format": "dd/MM/yyyy"}),
    "$.billedOn": _rule({"match": "date", "date": "yyyy-MM-dd"}),  # V3 names the pattern by the rule
}
# (a change of the example, whether the expectation still accepts it)
CHANGES = [
    ({"orderId": "ORD-99"}, True),
    ({"orderId": "X-ORD-99"}, False),
    ({"quantity": 4}, True),
    ({"quantity": 4.5}, False),
    ({"total": 99.75}, True),
    ({"total": "12.5"}, False),
    ({"ratio": 0.5}, True),
    ({"placedOn": "2025-01-31"}, True),
    ({"placedOn": "yesterday"}, False),
    ({"placedAt": "not a time"}, False),
    ({"at": "25:99"}, False),
    ({"note": "always free"}, True),
    ({"note": "paid shipping"}, False),
    ({"currency": "USD"}, False),
    ({"channel": "app"}, True),
    ({"channel": "fax"}, False),
    ({"version": "2.0.0-rc.1"}, True),
    ({"version": "2.0"}, False),
    ({"gift": False}, True),
    ({"gift": "yes"}, False),
    ({"coupon": "C-1"}, False),
    ({"tags": ["z"]}, True),
    ({"tags": []}, False),
    ({"tags": ["a", "b", "c", "d"]}, False),
    ({"lines": [{"sku": "S-9", "qty": 7}, {"sku": "S-8", "qty": 2}]}, True),
    ({"lines": [{"sku": "S-9", "qty": "7"}]}, False),
    ({"prices": {"GBP": 3}}, True),
    ({"prices": {"GBP": "3"}}, False),
    ({"stock": {"S-2": {"count": 5}}}, True),
    ({"stock": {"S-2": {"count": "5"}}}, False),
    ({"labels": {"de": "Buch"}}, True),
    ({"labels": {"german": "Buch"}}, False),
    ({"codes": ["y"]}, True),
    ({"codes": []}, False),
    ({"events": [{"kind": "paid", "at": "2025-02-02"}, {"kind": "created"}, {"kind": "other"}]}, True),
    ({"events": [{"kind": "paid", "at": "2025-02-02"}]}, False),
    ({"nickname": "Grace"}, True),
    ({"nickname": 7}, False),
    ({"shippedOn": "31/12/2025"}, True),
    ({"shippedOn": "2025-12-31"}, False),
    ({"billedOn": "2025-12-31"}, True),
    ({"billedOn": "31/12/2025"}, False),
    ({"placedAt": "2025-01-31T08:00:00+01:00"}, True),
]


@pytest.mark.parametrize(("change", "accepted"), CHANGES, ids=[str(change) for change, _ in CHANGES])
def test_every_matching_rule_keeps_its_pact_meaning(tmp_path, change, accepted):
    imported = _import(tmp_path, _pact(_message("every rule", EXAMPLE, EVERY_RULE)), "OrderPlaced")
    [expectation] = imported.contract.expectations
    assert accepts(expectation.schema, EXAMPLE)
    assert accepts(expectation.schema, {**EXAMPLE, **change}) is accepted


def test_v2_body_paths_and_wildcards(tmp_path):
    pact = {
        "consumer": {"name": "billing"},
        "messages": [
            {
                "description": "v2 rules",
                "contents": {"items": [{"sku": "S-1"}], "meta": {"a": 1, "b": 2}, "id": "7"},
                "matchingRules": {
                    "$.body.items": {"min": 1, "match": "type"},
                    "$.body.meta.*": {"match": "integer"},
                    "$.body.id": {"regex": "\\d+"},
                },
                "metaData": {"eventType": "Legacy"},
            }
        ],
    }
    [expectation] = _import(tmp_path, pact).contract.expectations
    schema = expectation.schema
    assert accepts(schema, {"items": [{"sku": "S-2"}, {"sku": "S-3"}], "meta": {"a": 5, "b": 6}, "id": "123"})
    assert not accepts(schema, {"items": [], "meta": {"a": 5, "b": 6}, "id": "123"})
    assert not accepts(schema, {"items": [{"sku": "S-2"}], "meta": {"a": 5.5, "b": 6}, "id": "123"})
    assert not accepts(schema, {"items": [{"sku": "S-2"}], "meta": {"a": 5, "b": 6}, "id": "x"})


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ({"match": "contentType", "value": "image/png"}, "'contentType'"),
        ({"match": "statusCode", "status": "success"}, "'statusCode'"),
        ({"match": "somethingNew"}, "'somethingNew'"),
        ({"match": "regex", "regex": "\\d+"}, "'regex' applies to strings"),
        ({"match": "date", "format": "QQQ yyyy"}, "date pattern letter 'Q'"),
    ],
)
def test_a_rule_without_an_equivalent_is_refused_by_name(tmp_path, rule, named):
    pact = _pact(_message("odd", {"count": 3}, {"$.count": _rule(rule)}))
    with pytest.raises(PactImportError, match=named) as raised:
        _import(tmp_path, pact, "Counted")
    assert raised.value.where == "$.interactions[0] body $.count"


PROTOBUF = _pact(
    {
        "type": "Asynchronous/Messages",
        "description": "a product event",
        "contents": {
            "content": "CgQAAEBBEgoyMDAwLTAxLTAx",
            "contentType": "application/protobuf;message=ProductEvent",
            "contentTypeHint": "BINARY",
            "encoded": "base64",
        },
        "pluginConfiguration": {"protobuf": {"descriptorKey": "d4147b5793ad1996e476382bd79499a5"}},
    }
)


def test_a_non_json_body_is_refused_naming_the_message_and_its_content_type(tmp_path):
    with pytest.raises(PactImportError) as raised:
        _import(tmp_path, PROTOBUF, "ProductEvent")
    assert raised.value.where == "$.interactions[0]"
    assert "'a product event' has a application/protobuf;message=ProductEvent body" in raised.value.reason


def test_publish_refuses_a_non_json_pact_with_one_line_and_exit_2(tmp_path):
    path = tmp_path / "protobuf-pact.json"
    path.write_bytes(orjson.dumps(PROTOBUF))
    arguments = ["contracts", "publish", "--pact", str(path), "--event-type", "ProductEvent"]
    result = CliRunner().invoke(app, [*arguments, "--registry", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "'a product event' has a application/protobuf;message=ProductEvent body" in result.stderr
