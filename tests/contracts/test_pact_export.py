"""`accord contracts export --pact`: a consumer's expectations as a Pact V4 message pact that imports
back into expectations reading the same events; what Pact cannot say is listed, never silently
dropped."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
from typer.testing import CliRunner

from contracts import (
    datetime,
    decimal,
    each_like,
    enum_of,
    expect,
    expect_avro,
    integer,
    optional,
    string,
    uuid,
    write_contract,
)
from contracts.expectations import ConsumerContract
from contracts.pact import import_pact
from contracts.pact_export import export_pact
from contracts.string_formats import format_checker
from registry.cli import app

SHIPPING = expect(
    "OrderPlaced",
    {
        "orderId": uuid(),
        "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1),
        "shippingAddress": optional({"street": string(), "city": string()}),
        "status": enum_of("NEW", "PAID"),
        "placedAt": datetime(),
        "totalAmount": decimal(),
    },
    description="shipping reads the items and where to send them",
)
BILLING = expect_avro(
    "OrderPaid",
    {
        "type": "record",
        "name": "OrderPaid",
        "fields": [
            {"name": "orderId", "type": "string"},
            {"name": "amount", "type": "double"},
            {"name": "currency", "type": "string", "default": "EUR"},
        ],
    },
)
CONTRACT = ConsumerContract("shipping-service", "s1", (SHIPPING, BILLING))


def accepts(schema, value) -> bool:
    return jsonschema.Draft7Validator(schema, format_checker=format_checker()).is_valid(value)


def test_the_pact_is_a_v4_message_pact_that_imports_back(tmp_path):
    pact = export_pact(CONTRACT, provider="order-service")
    path = tmp_path / "pact.json"
    path.write_bytes(orjson.dumps(pact))

    assert pact["metadata"]["pactSpecification"] == {"version": "4.0"}
    assert [i["type"] for i in pact["interactions"]] == ["Asynchronous/Messages"] * 2
    assert [i["metadata"]["eventType"] for i in pact["interactions"]] == ["OrderPlaced", "OrderPaid"]
    back = import_pact(path)
    assert back.contract.consumer == "shipping-service"
    shipped, paid = back.contract.expectations
    example = SHIPPING.examples()[0]
    assert accepts(shipped.schema, example)
    assert accepts(shipped.schema, {**example, "items": [{"sku": "other", "quantity": 7}], "status": "PAID"})
    assert not accepts(shipped.schema, {**example, "items": []})
    assert not accepts(shipped.schema, {**example, "items": [{"sku": "x", "quantity": "7"}]})
    assert not accepts(shipped.schema, {**example, "orderId": "o-1"})
    assert not accepts(shipped.schema, {**example, "status": "LOST"})
    assert not accepts(shipped.schema, {**example, "placedAt": "yesterday"})
    assert accepts(paid.schema, {"orderId": "o-2", "amount": 3, "currency": "USD"})
    assert not accepts(paid.schema, {"orderId": "o-2", "amount": "3", "currency": "USD"})


def test_what_pact_cannot_say_is_listed():
    listed = export_pact(CONTRACT, provider="order-service")["metadata"]["accord"]["notExported"]
    assert "OrderPlaced $.shippingAddress: optional (Pact expects it present)" in listed
    assert "OrderPlaced $.items[*].quantity: minimum 1" in listed


def test_the_command_writes_the_pact_from_a_contract_file(tmp_path):
    contract = write_contract(CONTRACT, tmp_path / "shipping-service.expectations.json")
    out = tmp_path / "pacts" / "shipping-service.json"
    arguments = ["contracts", "export", "--pact", str(out), "--expectations", str(contract)]
    result = CliRunner().invoke(app, [*arguments, "--provider", "order-service"])
    assert result.exit_code == 0, result.output
    assert f"wrote 2 messages of shipping-service to {out}" in result.stdout
    assert "minimum 1" in result.stdout
    pact = orjson.loads(out.read_bytes())
    assert pact["provider"] == {"name": "order-service"}
    assert import_pact(Path(out)).contract.expectations[0].event_type == "OrderPlaced"
