"""Events for the delivery tests."""

from __future__ import annotations

from typing import Any

from client import Envelope


def order_event(order_id: str = "o-1", *, source: str = "orders", **data: Any) -> Envelope:
    """An OrderCreated envelope with a fresh eventId and the aggregate id as its partition key."""
    return Envelope.new("OrderCreated", {"orderId": order_id, **data}, source=source, partition_key=order_id)
