"""Two registry processes on one database: caches respect the other's deletes (and evict no more than
they changed), configs are fresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import ORDER, USER_V1, USER_V2, record
from tests.support.servers import running_registry


@pytest.fixture
def peers(database_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    settings = Settings(database_url=database_url, cache_check_seconds=0.2)
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        yield first, second


def eventually(condition, timeout: float = 1.0) -> float:  # type: ignore[no-untyped-def]
    """Seconds until `condition()` held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "not seen within the time limit"
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_permanent_delete_by_a_peer_is_seen_within_the_check_interval(
    peers: tuple[TestClient, TestClient],
) -> None:
    first, second = peers
    schema_id = first.post("/subjects/users/versions", json={"schema": USER_V1}).json()["id"]
    assert first.get(f"/schemas/ids/{schema_id}").status_code == 200  # now cached in `first`
    assert first.get("/subjects/users/versions/1").status_code == 200

    second.delete("/subjects/users")
    second.delete("/subjects/users?permanent=true")

    eventually(lambda: first.get(f"/schemas/ids/{schema_id}").status_code == 404)
    assert first.get("/subjects/users/versions/1").json()["error_code"] == 40401


def test_a_soft_delete_by_a_peer_hides_the_version(peers: tuple[TestClient, TestClient]) -> None:
    first, second = peers
    first.post("/subjects/users/versions", json={"schema": USER_V1})
    first.post("/subjects/users/versions", json={"schema": USER_V2})
    assert first.get("/subjects/users/versions/1").status_code == 200

    second.delete("/subjects/users/versions/1")

    eventually(lambda: first.get("/subjects/users/versions/1").status_code == 404)
    assert first.get("/subjects/users/versions/1?deleted=true").json()["deleted"] is True


def test_config_and_mode_changes_are_seen_by_the_peer_at_once(peers: tuple[TestClient, TestClient]) -> None:
    first, second = peers
    first.put("/config", json={"compatibility": "FULL"})
    first.put("/mode/users", json={"mode": "READONLY"})

    assert second.get("/config").json() == {"compatibilityLevel": "FULL"}
    assert second.post("/subjects/users/versions", json={"schema": USER_V1}).json()["error_code"] == 42205


def cache_lookups(base_url: str, cache: str, result: str) -> float:
    """accord_cache_lookups_total for one cache and result, scraped from /metrics."""
    line = f'accord_cache_lookups_total{{cache="{cache}",result="{result}"}} '
    for text in httpx.get(f"{base_url}/metrics").text.splitlines():
        if text.startswith(line):
            return float(text.removeprefix(line))
    raise AssertionError(f"{line} is not in /metrics")


def test_a_delete_in_another_process_evicts_only_what_it_changed(database_url: str) -> None:
    env = {"ACCORD_CACHE_CHECK_SECONDS": "0.2"}
    with (
        running_registry(database_url, migrate=False, env=env) as first,
        running_registry(database_url, migrate=False, env=env) as second,
    ):
        ids = {
            subject: httpx.post(f"{first}/subjects/{subject}/versions", json={"schema": schema}).json()["id"]
            for subject, schema in (("kept", USER_V1), ("gone", ORDER), ("soft", record("Soft")))
        }
        for schema_id in ids.values():
            assert httpx.get(f"{first}/schemas/ids/{schema_id}").status_code == 200  # cached in `first`
        assert httpx.get(f"{first}/subjects/soft/versions/1").status_code == 200

        assert httpx.delete(f"{second}/subjects/gone").status_code == 200
        assert httpx.delete(f"{second}/subjects/gone?permanent=true").status_code == 200
        assert httpx.delete(f"{second}/subjects/soft").status_code == 200

        eventually(lambda: httpx.get(f"{first}/schemas/ids/{ids['gone']}").status_code == 404, timeout=5)
        eventually(lambda: httpx.get(f"{first}/subjects/soft/versions/1").status_code == 404, timeout=5)
        assert httpx.get(f"{first}/subjects/soft/versions/1?deleted=true").json()["deleted"] is True
        misses = cache_lookups(first, "schema", "miss")
        hits = cache_lookups(first, "schema", "hit")
        # What the deletes did not remove is still answered from memory: a soft delete evicts nothing
        # /schemas/ids/{id} serves, and a permanent one only the ids it removed.
        for subject in ("kept", "soft"):
            assert httpx.get(f"{first}/schemas/ids/{ids[subject]}").status_code == 200
        assert cache_lookups(first, "schema", "miss") == misses
        assert cache_lookups(first, "schema", "hit") == hits + 2
