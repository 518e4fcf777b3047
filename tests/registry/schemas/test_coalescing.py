"""A cold process asked for many ids at once, each by several connections, reads each id from the
database once and answers every request."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from registry.app import create_app
from registry.config import Settings
from registry.web.coalesce import Coalescer
from tests.registry.api.samples import record
from tests.support.databases import empty_postgres

SCHEMAS = 60
ASKED_TIMES = 8
CONNECTIONS = 64


def seeded(database_url: str) -> list[int]:
    with TestClient(create_app(Settings(database_url=database_url))) as seeder:
        return [
            seeder.post(f"/subjects/s{n}/versions", json={"schema": record(f"R{n}")}).json()["id"]
            for n in range(SCHEMAS)
        ]


def burst(database_url: str, ids: list[int]) -> tuple[list[int], list[str]]:
    """Every id asked `ASKED_TIMES` times over `CONNECTIONS` concurrent connections of a cold process:
    the statuses and the schema reads it made."""
    app = create_app(Settings(database_url=database_url))
    reads: list[str] = []
    with TestClient(app) as client:
        database = app.state.database
        for engine in {database.engine, database.lookup_engine, database.inline_engine} - {None}:
            event.listen(
                engine,
                "before_cursor_execute",
                lambda _c, _cur, statement, *_: (
                    reads.append(statement) if "schema_text" in statement else None
                ),
            )

        async def ask_all() -> list[int]:
            transport = httpx.ASGITransport(app=app)
            slots = asyncio.Semaphore(CONNECTIONS)
            async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:

                async def ask(schema_id: int) -> int:
                    async with slots:
                        return (await http.get(f"/schemas/ids/{schema_id}")).status_code

                return await asyncio.gather(*(ask(i) for i in ids for _ in range(ASKED_TIMES)))

        statuses = client.portal.call(ask_all)
    return statuses, reads


def test_concurrent_misses_of_one_id_read_it_once(database_url: str) -> None:
    ids = seeded(database_url)
    statuses, reads = burst(database_url, ids)
    assert statuses == [200] * (SCHEMAS * ASKED_TIMES)
    assert len(reads) == SCHEMAS


def test_without_coalescing_the_same_burst_reads_ids_more_than_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above can fail: with each request reading for itself, the reads outnumber the ids.
    (On PostgreSQL: on SQLite lookups run on the event loop one after the other, so none overlap.)"""

    async def each_for_itself(_self: Coalescer, _key: object, call):  # type: ignore[no-untyped-def]
        return await call()

    monkeypatch.setattr(Coalescer, "run", each_for_itself)
    empty_postgres(postgres_url)
    ids = seeded(postgres_url)
    statuses, reads = burst(postgres_url, ids)
    assert statuses == [200] * (SCHEMAS * ASKED_TIMES)
    assert len(reads) > SCHEMAS
