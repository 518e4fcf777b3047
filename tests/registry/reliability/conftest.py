"""Fault and load tests against real `accord serve` processes, on SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import migrations
from tests.support.databases import migrated_sqlite, postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of its own for one test (the server processes share nothing else)."""
    if request.param == "sqlite":
        yield migrated_sqlite(tmp_path)
        return
    with postgres_database("accord_reliability") as url:
        migrations.upgrade(url)
        yield url
