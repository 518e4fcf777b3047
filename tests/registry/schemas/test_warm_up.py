"""ACCORD_CACHE_WARM_UP: after startup the schema cache fills in the background with every registered
schema, newest first, within its budget; a schema no version uses any more is not among them, a process
whose warm-up fails still serves, and without the setting nothing is read ahead."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from registry.app import create_app
from registry.config import Settings
from registry.schemas import SchemaLookup, warm_up
from registry.schemas.cache import schema_size
from registry.schemas.store import WARM_UP_SHARE
from tests.registry.api.samples import record

SCHEMAS = 100  # more than two pages


def registered(database_url: str) -> list[int]:
    """SCHEMAS schemas registered, every seventh with references to the first two, every seventh
    another a JSON Schema with metadata, rules and characters JSON must escape; the last one's subject
    then deleted for good."""
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        ids = [
            client.post(f"/subjects/s{n}/versions", json=submission(n)).json()["id"] for n in range(SCHEMAS)
        ]
        last = f"s{SCHEMAS - 1}"
        client.delete(f"/subjects/{last}").raise_for_status()
        client.delete(f"/subjects/{last}?permanent=true").raise_for_status()
    return ids


def submission(n: int) -> dict[str, Any]:
    if n % 7 == 5:
        description = 'naïve \\"quoted\\" 𝄞 \u2028 \\u0001'
        text = f'{{\n\t"title": "R{n}",\t"description": "{description}",\n"type": "object"}}'
        return {
            "schemaType": "JSON",
            "schema": text,
            "metadata": {"properties": {"owner": "équipe"}},
            "ruleSet": {"domainRules": [{"name": "r", "kind": "CONDITION", "mode": "WRITE", "type": "CEL"}]},
        }
    if n % 7 != 3:
        return {"schema": record(f"R{n}")}
    fields = [{"name": "a", "type": "R0"}, {"name": "b", "type": "R1"}]
    references = [{"name": f"R{m}", "subject": f"s{m}", "version": 1} for m in (1, 0)]  # not by name
    return {"schema": record(f"R{n}", *fields), "references": references}


def name_of(schema_text: str) -> str:
    schema = json.loads(schema_text)
    return str(schema.get("name") or schema["title"])


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warm_up, "PAGE_ROWS", 40)


def warmed(database_url: str, **settings: Any) -> tuple[TestClient, Any]:
    app = create_app(Settings(database_url=database_url, cache_warm_up=True, **settings))
    client = TestClient(app)
    client.__enter__()
    assert app.state.warm_up.done.wait(60)
    return client, app


def count_queries(app: Any) -> list[str]:
    statements: list[str] = []
    database = app.state.database
    for engine in {database.engine, database.lookup_engine, database.inline_engine} - {None}:
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_: statements.append(sql))
    return statements


def test_every_registered_schema_is_cached_and_served_without_a_query(database_url: str) -> None:
    ids = registered(database_url)
    with TestClient(create_app(Settings(database_url=database_url))) as cold:
        read = {schema_id: cold.get(f"/schemas/ids/{schema_id}").content for schema_id in ids[:-1]}
    client, app = warmed(database_url)
    try:
        statements = count_queries(app)
        for n, schema_id in enumerate(ids[:-1]):
            response = client.get(f"/schemas/ids/{schema_id}")
            assert response.content == read[schema_id]  # byte for byte
            assert name_of(response.json()["schema"]) == f"R{n}"
            references = [reference["name"] for reference in response.json().get("references", [])]
            assert references == (["R1", "R0"] if n % 7 == 3 else [])
            assert ("metadata" in response.json()) == (n % 7 == 5)
        assert [sql for sql in statements if "schema_text" in sql] == []
        assert client.get(f"/schemas/ids/{ids[-1]}").json()["error_code"] == 40403  # deleted for good
    finally:
        client.__exit__(None, None, None)


def test_the_warm_up_stays_within_its_share_of_the_budget(database_url: str) -> None:
    ids = registered(database_url)
    budget = 30 * schema_size(_cached_schema(database_url, ids[0]))
    client, app = warmed(database_url, cache_schema_bytes=budget)
    try:
        cache = app.state.services.lookup.cached_schema
        cached = [schema_id for schema_id in ids if cache(schema_id) is not None]
        assert 0 < len(cached) < 30
        assert cached == ids[-len(cached) - 1 : -1]  # the newest first
    finally:
        client.__exit__(None, None, None)
    assert len(cached) * schema_size(_cached_schema(database_url, ids[0])) <= budget * WARM_UP_SHARE + 4096


def test_what_the_warm_up_cached_is_left_out_of_garbage_collections(database_url: str) -> None:
    # Frozen (gc.freeze), a cached schema is in no generation a collection walks.
    ids = registered(database_url)
    client, app = warmed(database_url)
    try:
        schema = app.state.services.lookup.cached_schema(ids[0])
        assert schema is not None
        assert all(tracked is not schema for tracked in gc.get_objects())
    finally:
        client.__exit__(None, None, None)


def test_a_failed_warm_up_leaves_a_registry_that_serves(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = registered(database_url)

    def fails(self: SchemaLookup, **_: Any) -> int | None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(SchemaLookup, "warm_up", fails)
    client, _ = warmed(database_url)
    try:
        assert client.get(f"/schemas/ids/{ids[0]}").status_code == 200
    finally:
        client.__exit__(None, None, None)


def test_without_the_setting_nothing_is_read_ahead(database_url: str) -> None:
    ids = registered(database_url)
    app = create_app(Settings(database_url=database_url))
    with TestClient(app) as client:
        assert app.state.warm_up is None
        statements = count_queries(app)
        client.get(f"/schemas/ids/{ids[0]}").raise_for_status()
        assert [sql for sql in statements if "schema_text" in sql] != []


def _cached_schema(database_url: str, schema_id: int) -> Any:
    app = create_app(Settings(database_url=database_url))
    with TestClient(app) as client:
        client.get(f"/schemas/ids/{schema_id}").raise_for_status()
        return app.state.services.lookup.cached_schema(schema_id)
