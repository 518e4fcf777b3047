"""A JSON Schema that references another by name, as the suites register it: `customer` refers to
`address.json` as a whole and into its definitions."""

from __future__ import annotations

from typing import Any

ADDRESS: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "definitions": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
}
CUSTOMER: dict[str, Any] = {
    "title": "CustomerRegistered",
    "type": "object",
    "properties": {"home": {"$ref": "address.json"}, "zip": {"$ref": "address.json#/definitions/zip"}},
    "required": ["home"],
}
