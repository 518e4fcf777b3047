"""Generated Protobuf classes for the tests and the benchmark, compiled at run time.

The .proto files live under tests/data/protobuf; grpcio-tools runs protoc in process and writes the
_pb2 modules into a temporary directory. They are not committed: generated code is tied to the
protobuf runtime that imports it (protobuf checks the gencode version), so modules generated here and
now always match the installed runtime. buf/validate/validate.proto is not copied into the repository
either: its descriptor comes from the installed protovalidate package, handed to protoc as a
descriptor set.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

PROTO_ROOT = Path(__file__).resolve().parents[1] / "data" / "protobuf"
VALIDATE_PROTO = "buf/validate/validate.proto"
_compiled: Path | None = None


def _validate_descriptor_set(directory: Path) -> Path:
    """buf/validate/validate.proto as a FileDescriptorSet, from the descriptor protovalidate ships."""
    from protovalidate._gen.buf.validate import validate_pb

    file = descriptor_pb2.FileDescriptorProto.FromString(validate_pb._DESC.proto.to_binary())
    path = directory / "validate.pb"
    path.write_bytes(descriptor_pb2.FileDescriptorSet(file=[file]).SerializeToString())
    return path


def compiled_directory() -> Path:
    """Where the _pb2 modules of every .proto under tests/data/protobuf are (compiled once per process),
    already on sys.path."""
    global _compiled
    if _compiled is None:
        output = Path(tempfile.mkdtemp(prefix="accord-protobuf-"))
        well_known = Path(protoc.__file__).parent / "_proto"
        sources = sorted(str(path.relative_to(PROTO_ROOT)) for path in PROTO_ROOT.rglob("*.proto"))
        arguments = [
            "protoc",
            f"--descriptor_set_in={_validate_descriptor_set(output)}",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--python_out={output}",
            *sources,
            VALIDATE_PROTO,
        ]
        if protoc.main(arguments) != 0:
            raise RuntimeError(f"protoc failed on {sources}")
        sys.path.insert(0, str(output))
        _compiled = output
    return _compiled


def generated(module: str) -> ModuleType:
    """A generated module by its dotted name, e.g. "acme.orders.v1.orders_pb2"."""
    compiled_directory()
    return importlib.import_module(module)


def orders() -> ModuleType:
    """acme/orders/v1/orders.proto: OrderCreated [0] (13 fields), OrderShipped [1] and its Parcel [1, 0]."""
    return generated("acme.orders.v1.orders_pb2")


def payments() -> ModuleType:
    """acme/payments/v1/payments.proto: PaymentCaptured, with buf.validate rules."""
    return generated("acme.payments.v1.payments_pb2")


def order_created(items: int = 5) -> Any:
    """The benchmark event: an OrderCreated of about 300 bytes with `items` line items."""
    from google.protobuf import timestamp_pb2

    module = orders()
    return module.OrderCreated(
        order_id="ord-7f3a9c21-5b7e-4d2a-9c11",
        customer_id="cus-3c1d2e4f-8a9b-4c7d",
        customer_email="ada.lovelace@example.com",
        status=module.OrderCreated.STATUS_NEW,
        currency="EUR",
        subtotal_cents=15980,
        tax_cents=3675,
        total_cents=20150,
        item_count=items,
        placed_at=timestamp_pb2.Timestamp(seconds=1767225600, nanos=250000000),
        channel="web",
        gift_wrap=True,
        items=[
            module.OrderCreated.LineItem(
                sku=f"BK-000{index}",
                name=f"Squared notebook A{index}",
                quantity=index + 1,
                unit_price_cents=995,
            )
            for index in range(items)
        ],
    )


def valid_payment() -> Any:
    module = payments()
    return module.PaymentCaptured(
        payment_id="pay-1",
        currency="EUR",
        amount_cents=1000,
        refunded_cents=0,
        payer_email="ada@example.com",
        splits=[module.PaymentCaptured.Split(account="acct-7", cents=1000)],
        fees={"card": 25},
    )
