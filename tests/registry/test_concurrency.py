"""Concurrent writers against real `accord serve` processes: no duplicate ids or versions, no 5xx;
and two processes on one PostgreSQL database behaving as one registry."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.databases import postgres_database
from tests.support.servers import running_registry

CONCURRENCY = 64


def distinct_schema(index: int) -> str:
    return json.dumps({"type": "record", "name": f"Event{index}", "fields": [{"name": "n", "type": "long"}]})


@pytest.fixture(params=["sqlite", "postgresql"])
def registry_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A registry of two worker processes, so that writers really race."""
    if request.param == "sqlite":
        with running_registry(f"sqlite:///{tmp_path / 'registry.db'}", workers=2) as url:
            yield url
    else:
        with (
            postgres_database("accord_concurrency") as database_url,
            running_registry(database_url, workers=2) as url,
        ):
            yield url


async def register_all(base_url: str, requests: list[tuple[str, str]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        return await asyncio.gather(
            *(
                client.post(f"/subjects/{subject}/versions", json={"schema": schema})
                for subject, schema in requests
            )
        )


def test_64_concurrent_registrations_get_unique_ids_and_versions(registry_url: str) -> None:
    httpx.put(f"{registry_url}/config", json={"compatibility": "NONE"}).raise_for_status()
    same_schema = distinct_schema(10_000)
    requests = [("shared", distinct_schema(index)) for index in range(CONCURRENCY // 2)]
    requests += [("same", same_schema) for _ in range(CONCURRENCY // 4)]
    requests += [(f"own-{index}", distinct_schema(index)) for index in range(CONCURRENCY // 4)]

    responses = asyncio.run(register_all(registry_url, requests))

    assert [response.status_code for response in responses] == [200] * CONCURRENCY, [
        response.text for response in responses if response.status_code != 200
    ]
    ids = {
        subject_schema: response.json()["id"]
        for subject_schema, response in zip(requests, responses, strict=True)
    }
    shared_ids = [ids[("shared", distinct_schema(index))] for index in range(CONCURRENCY // 2)]
    assert len(set(shared_ids)) == CONCURRENCY // 2
    assert httpx.get(f"{registry_url}/subjects/shared/versions").json() == list(
        range(1, CONCURRENCY // 2 + 1)
    )
    versions = [
        httpx.get(f"{registry_url}/subjects/shared/versions/{version}").json()["id"]
        for version in range(1, CONCURRENCY // 2 + 1)
    ]
    assert sorted(versions) == sorted(shared_ids)
    assert httpx.get(f"{registry_url}/subjects/same/versions").json() == [1]
    # The same schema has one id in every subject it was registered under.
    for index in range(CONCURRENCY // 4):
        assert ids[(f"own-{index}", distinct_schema(index))] == ids[("shared", distinct_schema(index))]


def test_two_processes_on_one_postgresql_act_as_one_registry() -> None:
    with (
        postgres_database("accord_peers") as database_url,
        running_registry(database_url) as first,
        running_registry(database_url, migrate=False) as second,
    ):
        schema_id = httpx.post(
            f"{first}/subjects/users/versions", json={"schema": distinct_schema(1)}
        ).json()["id"]
        assert httpx.get(f"{second}/schemas/ids/{schema_id}").status_code == 200

        httpx.put(f"{first}/config/users", json={"compatibility": "FULL"}).raise_for_status()
        changed = time.monotonic()
        while httpx.get(f"{second}/config/users").json().get("compatibilityLevel") != "FULL":
            assert time.monotonic() - changed < 1.0, "config change not seen by the peer within 1 s"
            time.sleep(0.02)

        httpx.put(f"{first}/mode/users", json={"mode": "READONLY"}).raise_for_status()
        refused = httpx.post(f"{second}/subjects/users/versions", json={"schema": distinct_schema(2)})
        assert refused.json()["error_code"] == 42205

        httpx.delete(f"{first}/mode/users").raise_for_status()
        httpx.delete(f"{first}/subjects/users").raise_for_status()
        httpx.delete(f"{first}/subjects/users?permanent=true").raise_for_status()
        deleted = time.monotonic()
        while httpx.get(f"{second}/schemas/ids/{schema_id}").status_code != 404:
            assert time.monotonic() - deleted < 1.0, "permanent delete not seen by the peer within 1 s"
            time.sleep(0.02)
