"""The benchmark event: the seed's OrderCreated grown to ~30 fields and ~1 KB, as Avro and JSON Schema."""

from __future__ import annotations

from typing import Any

ADDRESS_AVRO: dict[str, Any] = {
    "type": "record",
    "name": "Address",
    "fields": [
        {"name": "line1", "type": "string"},
        {"name": "line2", "type": ["null", "string"], "default": None},
        {"name": "city", "type": "string"},
        {"name": "postalCode", "type": "string"},
        {"name": "country", "type": "string"},
    ],
}

ORDER_CREATED_AVRO: dict[str, Any] = {
    "type": "record",
    "name": "OrderCreated",
    "namespace": "com.example.orders",
    "fields": [
        {"name": "orderId", "type": "string"},
        {"name": "customerId", "type": "string"},
        {"name": "customerEmail", "type": "string"},
        {"name": "customerName", "type": "string"},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
        {"name": "currency", "type": "string"},
        {"name": "subtotalCents", "type": "long"},
        {"name": "taxCents", "type": "long"},
        {"name": "shippingCents", "type": "long"},
        {"name": "totalCents", "type": "long"},
        {"name": "itemCount", "type": "int"},
        {"name": "placedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "channel", "type": "string"},
        {"name": "couponCode", "type": ["null", "string"], "default": None},
        {"name": "giftWrap", "type": "boolean"},
        {"name": "notes", "type": ["null", "string"], "default": None},
        {"name": "shippingAddress", "type": ADDRESS_AVRO},
        {"name": "billingAddress", "type": "Address"},
        {
            "name": "items",
            "type": {
                "type": "array",
                "items": {
                    "type": "record",
                    "name": "LineItem",
                    "fields": [
                        {"name": "sku", "type": "string"},
                        {"name": "name", "type": "string"},
                        {"name": "quantity", "type": "int"},
                        {"name": "unitPriceCents", "type": "long"},
                        {"name": "weightGrams", "type": "double"},
                    ],
                },
            },
        },
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "loyaltyPoints", "type": "int"},
        {"name": "salesRegion", "type": "string"},
    ],
}


def _address_json() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "line1": {"type": "string", "minLength": 1},
            "line2": {"type": ["string", "null"]},
            "city": {"type": "string"},
            "postalCode": {"type": "string", "maxLength": 16},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        },
        "required": ["line1", "city", "postalCode", "country"],
    }


ORDER_CREATED_JSON: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "OrderCreated",
    "type": "object",
    "properties": {
        "orderId": {"type": "string", "minLength": 1},
        "customerId": {"type": "string"},
        "customerEmail": {"type": "string"},
        "customerName": {"type": "string"},
        "status": {"enum": ["NEW", "PAID", "SHIPPED"]},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "subtotalCents": {"type": "integer", "minimum": 0},
        "taxCents": {"type": "integer", "minimum": 0},
        "shippingCents": {"type": "integer", "minimum": 0},
        "totalCents": {"type": "integer", "minimum": 0},
        "itemCount": {"type": "integer", "minimum": 1},
        "placedAt": {"type": "integer"},
        "channel": {"type": "string"},
        "couponCode": {"type": ["string", "null"]},
        "giftWrap": {"type": "boolean"},
        "notes": {"type": ["string", "null"]},
        "shippingAddress": _address_json(),
        "billingAddress": _address_json(),
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string"},
                    "name": {"type": "string"},
                    "quantity": {"type": "integer", "minimum": 1},
                    "unitPriceCents": {"type": "integer", "minimum": 0},
                    "weightGrams": {"type": "number"},
                },
                "required": ["sku", "name", "quantity", "unitPriceCents", "weightGrams"],
            },
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "loyaltyPoints": {"type": "integer"},
        "salesRegion": {"type": "string"},
    },
    "required": [
        "orderId",
        "customerId",
        "customerEmail",
        "status",
        "currency",
        "totalCents",
        "itemCount",
        "placedAt",
        "shippingAddress",
        "billingAddress",
        "items",
    ],
}

_ADDRESS = {
    "line1": "12 Harbour Street",
    "line2": None,
    "city": "Dublin",
    "postalCode": "D02 XY45",
    "country": "IE",
}

ORDER_CREATED_DATA: dict[str, Any] = {
    "orderId": "ord-7f3a9c21-5b7e-4d2a-9c11-0e6f2b8d4a10",
    "customerId": "cus-3c1d2e4f-8a9b-4c7d-b6e5-f4a3b2c1d0e9",
    "customerEmail": "ada.lovelace@example.com",
    "customerName": "Ada Lovelace",
    "status": "NEW",
    "currency": "EUR",
    "subtotalCents": 15980,
    "taxCents": 3675,
    "shippingCents": 495,
    "totalCents": 20150,
    "itemCount": 3,
    "placedAt": 1767225600000,
    "channel": "web",
    "couponCode": "WINTER10",
    "giftWrap": False,
    "notes": None,
    "shippingAddress": _ADDRESS,
    "billingAddress": dict(_ADDRESS, line2="Apartment 4"),
    "items": [
        {
            "sku": "BK-0001",
            "name": "Notes on the Analytical Engine",
            "quantity": 1,
            "unitPriceCents": 4990,
            "weightGrams": 420.0,
        },
        {
            "sku": "PN-0042",
            "name": "Fountain pen, medium nib",
            "quantity": 2,
            "unitPriceCents": 3495,
            "weightGrams": 35.5,
        },
        {
            "sku": "NB-0007",
            "name": "Squared notebook A5",
            "quantity": 1,
            "unitPriceCents": 4000,
            "weightGrams": 210.0,
        },
    ],
    "tags": ["first-order", "newsletter", "eu"],
    "loyaltyPoints": 201,
    "salesRegion": "emea-west",
}
