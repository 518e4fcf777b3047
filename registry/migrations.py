"""Running the Alembic migrations (alembic/ at the project root) against a database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from registry.db import normalize_database_url


def alembic_config(database_url: str) -> Config:
    """Alembic's config for `database_url`, found next to the sources or in the working directory."""
    candidates = (Path(__file__).resolve().parent.parent / "alembic.ini", Path.cwd() / "alembic.ini")
    ini = next((path for path in candidates if path.is_file()), None)
    if ini is None:
        raise FileNotFoundError(
            "alembic.ini not found next to the registry package nor in the working directory"
        )
    config = Config(str(ini))
    config.set_main_option("sqlalchemy.url", normalize_database_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
