"""A schema's regular expressions cannot hang the registry: registering and checking a JSON Schema whose
patternProperties backtracks catastrophically on one of its own property names answers at once (against
a real server, so a hang fails the request's timeout instead of stalling the suite)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.support.databases import copy_sqlite
from tests.support.servers import running_registry

EVIL = "^(a+)+$"  # exponential in a backtracking engine on "aaaa…!"
NAME = "a" * 48 + "!"
BEFORE = {"type": "object", "properties": {NAME: {"type": "string"}}}
AFTER = {
    "type": "object",
    "properties": {NAME: {"type": "string"}},
    "patternProperties": {EVIL: {"type": "integer"}},
}


def body(schema: dict[str, object]) -> dict[str, str]:
    return {"schema": json.dumps(schema), "schemaType": "JSON"}


def test_a_redos_pattern_is_compared_without_hanging(sqlite_template: str, tmp_path: Path) -> None:
    with (
        running_registry(copy_sqlite(sqlite_template, tmp_path)) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        assert client.post("/subjects/redos/versions", json=body(BEFORE)).status_code == 200
        check = client.post("/compatibility/subjects/redos/versions/latest?verbose=true", json=body(AFTER))
        assert check.status_code == 200
        assert check.json()["is_compatible"] is False
        assert "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" in check.json()["messages"][0]
        registered = client.post("/subjects/redos/versions", json=body(AFTER))
        assert registered.status_code == 409
        assert client.put("/config/redos", json={"compatibility": "NONE"}).status_code == 200
        assert client.post("/subjects/redos/versions", json=body(AFTER)).status_code == 200
        assert client.get("/health/live").status_code == 200


def test_patterns_are_ecma_262(sqlite_template: str, tmp_path: Path) -> None:
    with (
        running_registry(copy_sqlite(sqlite_template, tmp_path)) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        python_only = {"type": "string", "pattern": "(?P<name>a)"}
        response = client.post("/subjects/patterns/versions", json=body(python_only))
        assert response.status_code == 422
        assert response.json()["error_code"] == 42201
        assert (
            "'(?P<name>a)' is not a regular expression (JSON Schema's patterns are ECMA-262)"
            in response.json()["message"]
        )
        ecma = {"type": "string", "pattern": "^\\d{4}-\\d{2}$"}
        assert client.post("/subjects/patterns/versions", json=body(ecma)).status_code == 200
