"""inventory-service: reserves stock when an order is created and releases it for shipping once paid."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from client import Envelope


@dataclass
class Stock:
    """Units reserved per order and SKU, and the orders whose stock may now be shipped."""

    reserved: dict[str, Counter[str]] = field(default_factory=dict)
    released: list[str] = field(default_factory=list)

    def on_order_created(self, event: Envelope) -> None:
        lines = self.reserved.setdefault(event.data["orderId"], Counter())
        for item in event.data["items"]:
            lines[item["sku"]] += item["quantity"]

    def on_order_paid(self, event: Envelope) -> None:
        self.released.append(event.data["orderId"])
