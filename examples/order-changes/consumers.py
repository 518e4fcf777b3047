"""What billing and shipping read of OrderPlaced, written with the matcher DSL (flows 1 and 3) and as
Avro reader schemas (flow 2). `write_contracts(folder)` writes each consumer's expectations file, as
their own tests would with the pytest plugin."""

from __future__ import annotations

from pathlib import Path

from contracts import (
    ConsumerContract,
    decimal,
    each_like,
    expect,
    expect_avro,
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


def reader(consumer: str) -> str:
    return (HERE / "readers" / f"{consumer}.OrderPlaced.avsc").read_text()


def write_contracts(folder: Path, *, avro_readers: bool = False) -> dict[str, Path]:
    """Each consumer's expectations file in `folder`: the DSL's, or the Avro reader schemas'."""
    if avro_readers:
        reads = {
            "billing": expect_avro("OrderPlaced", reader("billing")),
            "shipping": expect_avro("OrderPlaced", reader("shipping")),
        }
    else:
        reads = {"billing": BILLING_READS, "shipping": SHIPPING_READS}
    return {
        consumer: write_contract(
            ConsumerContract(consumer, None, (expectation,)), folder / f"{consumer}.expectations.json"
        )
        for consumer, expectation in reads.items()
    }
