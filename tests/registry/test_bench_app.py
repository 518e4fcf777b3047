"""The benchmark's app: its floor endpoint must answer like GET /schemas/ids/{id}, or the by-id
comparison in bench/registry.py measures nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bench.app import create_bench_app
from registry.auth.access import RULES
from tests.support.databases import migrated_sqlite

BARE = ("GET", "/bench/bare")


def test_the_bare_endpoint_returns_the_configured_bytes_under_the_by_id_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_DATABASE_URL", migrated_sqlite(tmp_path))
    monkeypatch.setenv("ACCORD_BENCH_BARE_BODY", '{"schema":"\\"string\\""}')
    # The bench app adds its route's rule to the registry's table; take it out again afterwards, since
    # test_access checks that table against the registry's own routes.
    monkeypatch.setitem(RULES, BARE, RULES[("GET", "/schemas/ids/{id}")])

    with TestClient(create_bench_app()) as client:
        registered = client.post("/subjects/bench/versions", json={"schema": '"string"'}).json()
        by_id = client.get(f"/schemas/ids/{registered['id']}")
        bare = client.get("/bench/bare")

    assert bare.status_code == by_id.status_code == 200
    assert bare.content == by_id.content
    assert bare.headers["content-type"] == by_id.headers["content-type"]
    assert RULES[BARE] == RULES[("GET", "/schemas/ids/{id}")]
