"""Running the Alembic migrations against a database URL.

The migrations are alembic/ at the top of a source checkout; an installed distribution carries them
as the package `registry.migration_scripts` (see setup.py).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from alembic import command
from alembic.config import Config

from registry.db import normalize_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def script_location() -> str:
    """Where the migration scripts are: the source checkout's alembic/, else the installed package."""
    # Installed, PROJECT_ROOT is site-packages, whose alembic/ is the Alembic library itself.
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "alembic" / "env.py").is_file():
        return str(PROJECT_ROOT / "alembic")
    installed = find_spec("registry.migration_scripts")  # a namespace package: alembic/ has no __init__
    if installed is None or not installed.submodule_search_locations:
        raise FileNotFoundError("the registry's migrations are neither in a source checkout nor installed")
    return str(next(iter(installed.submodule_search_locations)))


def alembic_config(database_url: str) -> Config:
    """Alembic's config for `database_url`."""
    config = Config()
    config.set_main_option("script_location", script_location())
    config.set_main_option("sqlalchemy.url", normalize_database_url(database_url).replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
