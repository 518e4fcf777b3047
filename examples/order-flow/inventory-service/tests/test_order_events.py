"""inventory-service's consumer tests: what it reads of order-service's events, written with the matcher
DSL. The handlers run on every event the expectation allows; the plugin writes the expectations to
contracts/inventory-service.expectations.json for `accord contracts publish`."""

from __future__ import annotations

from inventory import Stock

from contracts import each_like, expect, integer, string

ORDER_CREATED = expect(
    "OrderCreated",
    {"orderId": string(), "items": each_like({"sku": string(), "quantity": integer(minimum=1)}, min=1)},
    envelope={"correlationId": string()},
    description="reserves stock for each item",
)
ORDER_PAID = expect("OrderPaid", {"orderId": string()}, description="releases reserved stock for shipping")


def test_an_order_reserves_stock_for_each_item(contract_consumer):
    for event in contract_consumer.expect(ORDER_CREATED, source="order-service"):
        stock = Stock()
        stock.on_order_created(event)
        assert sum(stock.reserved[event.data["orderId"]].values()) >= 1


def test_a_paid_order_releases_its_stock(contract_consumer):
    for event in contract_consumer.expect(ORDER_PAID, source="order-service"):
        stock = Stock()
        stock.on_order_paid(event)
        assert stock.released == [event.data["orderId"]]
