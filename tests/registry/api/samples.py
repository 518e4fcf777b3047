"""Avro schemas the API tests register: a record and compatible or incompatible successors."""

from __future__ import annotations

import json


def record(name: str = "User", *fields: dict[str, object], namespace: str | None = None) -> str:
    document: dict[str, object] = {"type": "record", "name": name, "fields": list(fields)}
    if namespace:
        document["namespace"] = namespace
    return json.dumps(document)


USER_V1 = record("User", {"name": "id", "type": "long"})
# Adds a field with a default: BACKWARD compatible with v1.
USER_V2 = record("User", {"name": "id", "type": "long"}, {"name": "email", "type": "string", "default": ""})
# Adds a field without a default: a new reader cannot read v1 data.
USER_BREAKING = record("User", {"name": "id", "type": "long"}, {"name": "age", "type": "int"})
ORDER = record("Order", {"name": "total", "type": "double"})
