"""Throwaway databases: a migrated SQLite file, or a PostgreSQL database on 127.0.0.1:5432 (user
postgres, trust auth) with a unique name, dropped afterwards."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text

from registry import migrations

POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
TABLES = (
    "cache_changes",
    "schema_references",
    "subject_versions",
    "schemas",
    "configs",
    "modes",
    "contract_expectations",
    "contract_samples",
    "contract_versions",
    "contract_results",
    "contract_deployments",
    "contract_enforcement",
    "audit_events",
)


@contextmanager
def postgres_database(prefix: str = "accord_test") -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its SQLAlchemy URL and drops it on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated_sqlite(directory: Path) -> str:
    """A SQLite file in `directory` at the latest revision; returns its URL."""
    url = f"sqlite:///{directory / 'registry.db'}"
    migrations.upgrade(url)
    return url


def copy_sqlite(template_url: str, directory: Path) -> str:
    """A copy of a (closed) SQLite database file, so each test starts from the migrated state."""
    source = Path(template_url.removeprefix("sqlite:///"))
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "registry.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def empty_postgres(url: str) -> None:
    """Remove every row a test may have written, and restart the id sequences."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    """How many rows each registry table holds (to prove a rejected request stored nothing)."""
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES
        }
    engine.dispose()
    return counts
