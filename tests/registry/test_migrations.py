"""Alembic creates, removes and recreates every table, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from registry import migrations
from tests.support.databases import postgres_database

REGISTRY_TABLES = {"schemas", "subject_versions", "schema_references", "configs", "modes", "registry_state"}
CONTRACT_TABLES = {
    "contract_versions",
    "contract_expectations",
    "contract_samples",
    "contract_results",
    "contract_deployments",
    "contract_enforcement",
}
ALL_TABLES = REGISTRY_TABLES | CONTRACT_TABLES | {"audit_events", "cache_changes"}


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def upgrade_downgrade_upgrade(url: str) -> None:
    migrations.upgrade(url)
    assert tables(url) == ALL_TABLES
    migrations.downgrade(url, "0003_ui")
    assert tables(url) == REGISTRY_TABLES | CONTRACT_TABLES
    migrations.downgrade(url, "0001")
    assert tables(url) == REGISTRY_TABLES
    migrations.downgrade(url)
    assert tables(url) == set()
    migrations.upgrade(url)
    assert tables(url) == ALL_TABLES


def test_sqlite_migrates_up_down_and_up(tmp_path: Path) -> None:
    upgrade_downgrade_upgrade(f"sqlite:///{tmp_path / 'registry.db'}")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_postgresql_migrates_up_down_and_up() -> None:
    with postgres_database("accord_migrations") as url:
        upgrade_downgrade_upgrade(url)
