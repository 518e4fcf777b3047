"""Two registry processes on one database: caches respect the other's deletes, configs are fresh."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.config import Settings
from tests.registry.api.samples import USER_V1, USER_V2


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
