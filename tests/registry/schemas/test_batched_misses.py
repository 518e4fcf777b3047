"""A cold process asked for many ids and versions at once, each by several connections, reads each of
them from the database once, in a few queries for all of them, and answers every request right."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from registry.app import create_app
from registry.config import Settings
from registry.schemas import SchemaLookup
from registry.web.batches import MAX_BATCH, BatchReader
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


def burst(database_url: str, paths: list[str]) -> tuple[list[httpx.Response], list[int]]:
    """Every path asked `ASKED_TIMES` times over `CONNECTIONS` concurrent connections of a cold process:
    the responses, and for each query that read schemas, how many it asked for."""
    app = create_app(Settings(database_url=database_url))
    reads: list[int] = []

    def count(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "schema_text" in statement:
            reads.append(len(parameters))

    with TestClient(app) as client:
        database = app.state.database
        for engine in {database.engine, database.lookup_engine, database.inline_engine} - {None}:
            event.listen(engine, "before_cursor_execute", count)

        async def ask_all() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app)
            slots = asyncio.Semaphore(CONNECTIONS)
            async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:

                async def ask(path: str) -> httpx.Response:
                    async with slots:
                        return await http.get(path)

                return await asyncio.gather(*(ask(path) for path in paths for _ in range(ASKED_TIMES)))

        responses = client.portal.call(ask_all)
    return responses, reads


def test_a_burst_of_ids_reads_each_once_in_few_queries(database_url: str) -> None:
    ids = seeded(database_url)
    responses, reads = burst(database_url, [f"/schemas/ids/{schema_id}" for schema_id in ids])
    assert [response.status_code for response in responses] == [200] * (SCHEMAS * ASKED_TIMES)
    asked = [schema_id for schema_id in ids for _ in range(ASKED_TIMES)]
    assert [json.loads(response.json()["schema"])["name"] for response in responses] == [
        f"R{ids.index(schema_id)}" for schema_id in asked
    ]
    assert sum(reads) == SCHEMAS  # every id read once
    assert len(reads) < SCHEMAS / 4  # in batches


@pytest.mark.parametrize("version", ["1", "latest"])
def test_a_burst_of_versions_reads_each_once_in_few_queries(database_url: str, version: str) -> None:
    ids = seeded(database_url)
    paths = [f"/subjects/s{n}/versions/{version}" for n in range(SCHEMAS)]
    responses, reads = burst(database_url, paths)
    assert [response.status_code for response in responses] == [200] * (SCHEMAS * ASKED_TIMES)
    assert [(response.json()["subject"], response.json()["id"]) for response in responses] == [
        (f"s{n}", ids[n]) for n in range(SCHEMAS) for _ in range(ASKED_TIMES)
    ]
    assert sum(reads) == SCHEMAS  # every schema read once
    assert len(reads) < SCHEMAS / 4


def test_each_request_reading_for_itself_reads_ids_more_than_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests above can fail: with each request reading by itself, the reads outnumber the ids."""

    async def each_for_itself(self: BatchReader[Any, Any], key: Any) -> Any:
        return (await self._read_many([key])).get(key)

    monkeypatch.setattr(BatchReader, "get", each_for_itself)
    empty_postgres(postgres_url)
    ids = seeded(postgres_url)
    responses, reads = burst(postgres_url, [f"/schemas/ids/{schema_id}" for schema_id in ids])
    assert [response.status_code for response in responses] == [200] * (SCHEMAS * ASKED_TIMES)
    assert sum(reads) > SCHEMAS
    assert len(reads) > SCHEMAS


def test_a_failed_batch_fails_each_of_its_requests_and_caches_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seeded(database_url)
    read_schemas = SchemaLookup.read_schemas
    failures = iter([True])

    def down_once(self: SchemaLookup, **arguments: Any) -> Any:
        if next(failures, False):
            raise OperationalError("SELECT", {}, ConnectionError("connection refused"))
        return read_schemas(self, **arguments)

    monkeypatch.setattr(SchemaLookup, "read_schemas", down_once)
    app = create_app(Settings(database_url=database_url))
    with TestClient(app) as client:

        async def ask_all() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://registry") as http:
                return await asyncio.gather(*(http.get(f"/schemas/ids/{schema_id}") for schema_id in ids))

        failed = client.portal.call(ask_all)
        assert {response.status_code for response in failed} == {500}
        assert {response.json()["error_code"] for response in failed} == {50001}
        assert app.state.services.lookup.cached_schema(ids[0]) is None
        again = client.portal.call(ask_all)
        assert [json.loads(response.json()["schema"])["name"] for response in again] == [
            f"R{n}" for n in range(SCHEMAS)
        ]


def test_a_batch_holds_at_most_max_batch_keys_and_a_cancelled_request_cancels_no_other() -> None:
    asyncio.run(_batches_of_many_keys())


async def _batches_of_many_keys() -> None:
    batches: list[list[int]] = []
    release = asyncio.Event()

    async def read_many(keys: list[int]) -> dict[int, str]:
        batches.append(keys)
        await release.wait()
        return {key: f"value {key}" for key in keys if key % 2 == 0}

    reader: BatchReader[int, str] = BatchReader(read_many)
    requests = [asyncio.ensure_future(reader.get(key)) for key in range(MAX_BATCH + 10)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    requests[0].cancel()
    release.set()
    answers = await asyncio.gather(*requests[1:])
    assert [len(batch) for batch in batches] == [MAX_BATCH, 10]
    assert answers == [f"value {key}" if key % 2 == 0 else None for key in range(1, MAX_BATCH + 10)]
