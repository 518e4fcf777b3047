"""Pact V4 message pacts import as expectations that keep Pact's meaning."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest

from contracts.errors import PactImportError
from contracts.pact import import_pact
from contracts.string_formats import format_checker

PACT = Path(__file__).resolve().parents[1] / "data" / "contracts" / "notification-pact-v4.json"


def accepts(schema, value) -> bool:
    return jsonschema.Draft7Validator(schema, format_checker=format_checker()).is_valid(value)


def test_every_message_interaction_becomes_an_expectation():
    imported = import_pact(PACT, version="abc123")
    contract = imported.contract
    assert imported.skipped == {"Synchronous/HTTP": 1}
    assert contract.consumer == "notification-service"
    assert contract.version == "abc123"
    assert [expectation.event_type for expectation in contract.expectations] == [
        "OrderCreated",
        "OrderShipped",
    ]


def test_matching_rules_keep_their_pact_meaning():
    created = import_pact(PACT).contract.expectations[0]
    schema = created.schema
    example = orjson.loads(PACT.read_bytes())["interactions"][0]["contents"]["content"]
    assert accepts(schema, example)
    assert accepts(
        schema, {**example, "customerEmail": "bob@example.com", "items": [{"sku": "X", "quantity": 9}]}
    )
    # no rule: the value must be the example's
    assert not accepts(schema, {**example, "currency": "USD"})
    # type rule with min 1, nested integer rule
    assert not accepts(schema, {**example, "items": []})
    assert not accepts(schema, {**example, "items": [{"sku": "X", "quantity": 1.5}]})
    # regex and datetime
    assert not accepts(schema, {**example, "orderId": "o-1"})
    assert not accepts(schema, {**example, "placedAt": "yesterday"})
    # OR of equality and regex
    assert accepts(schema, {**example, "channel": "app"})
    assert not accepts(schema, {**example, "channel": "fax"})
    assert schema["properties"]["items"]["minItems"] == 1


def test_a_whole_envelope_splits_into_data_and_envelope_expectations():
    shipped = import_pact(PACT).contract.expectations[1]
    assert shipped.schema["properties"]["orderId"] == {"type": "string"}
    assert shipped.schema["properties"]["carrier"] == {"const": "DHL"}
    assert shipped.envelope == {
        "type": "object",
        "properties": {"correlationId": {"type": "string"}},
        "required": ["correlationId"],
    }


@pytest.mark.parametrize(
    ("change", "where", "reason"),
    [
        (
            lambda pact: pact["interactions"][0]["metadata"].clear(),
            "$.interactions[0].metadata",
            "no event type",
        ),
        (
            lambda pact: pact["interactions"][0]["matchingRules"]["body"].update(
                {"$.orderId": {"matchers": [{"match": "arrayContains", "variants": []}]}}
            ),
            "$.interactions[0] body $.orderId",
            "'arrayContains' has no equivalent",
        ),
        (lambda pact: pact.pop("consumer"), "$.consumer.name", "names no consumer"),
        (
            lambda pact: pact["interactions"].pop(1) and pact["interactions"].pop(0),
            "$.interactions",
            "no message to import",
        ),
    ],
)
def test_what_cannot_be_imported_is_named_with_its_place(tmp_path, change, where, reason):
    pact = orjson.loads(PACT.read_bytes())
    change(pact)
    path = tmp_path / "pact.json"
    path.write_bytes(orjson.dumps(pact))
    with pytest.raises(PactImportError, match=reason) as raised:
        import_pact(path)
    assert raised.value.where == where
    assert raised.value.path == str(path)
