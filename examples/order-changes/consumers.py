"""What billing and shipping read of OrderPlaced, written with the matcher DSL (flows 1, 3 and 4), as
Avro reader schemas (flow 2) and as reader `.proto` files (flow 5). `write_contracts(folder)` writes
each consumer's expectations file, as their own tests would with the pytest plugin."""

from __future__ import annotations

from pathlib import Path

from contracts import (
    ConsumerContract,
    decimal,
    each_like,
    expect,
    expect_avro,
    expect_proto,
    integer,
    optional,
    string,
    write_contract,
)

HERE = Path(__file__).resolve().parent

BILLING_READS = expect(
    "OrderPlaced",
    {"orderId": string(), "totalAmount": decimal(), "currency": string()},
    description="billing invoices the order's total",
)
SHIPPING_READS = expect(
    "OrderPlaced",
    {
        "orderId": string(),
        "items": each_like({"sku": string(), "quantity": integer()}),
        "shippingAddress": optional({"street": string(), "city": string()}),
    },
    description="shipping packs the items and sends them to the address when there is one",
)


def reader(consumer: str, suffix: str = ".avsc") -> str:
    return (HERE / "readers" / f"{consumer}.OrderPlaced{suffix}").read_text()


def write_contracts(folder: Path, *, readers: str | None = None) -> dict[str, Path]:
    """Each consumer's expectations file in `folder`: the DSL's, or the reader schemas' (`readers`:
    "avro" or "protobuf")."""
    if readers == "avro":
        reads = {
            "billing": expect_avro("OrderPlaced", reader("billing")),
            "shipping": expect_avro("OrderPlaced", reader("shipping")),
        }
    elif readers == "protobuf":
        reads = {
            "billing": expect_proto("OrderPlaced", reader("billing", ".proto")),
            "shipping": expect_proto("OrderPlaced", reader("shipping", ".proto")),
        }
    else:
        reads = {"billing": BILLING_READS, "shipping": SHIPPING_READS}
    return {
        consumer: write_contract(
            ConsumerContract(consumer, None, (expectation,)), folder / f"{consumer}.expectations.json"
        )
        for consumer, expectation in reads.items()
    }
