"""The packages of the distribution; everything else is in pyproject.toml.

The Alembic migrations live in alembic/ at the top of the repository and ship inside the wheel as
the package `registry.migration_scripts`, so an installed registry can create its tables. (pyproject's
own package discovery cannot map a folder to a package of another name.)
"""

from setuptools import find_packages, setup

MIGRATIONS = "registry.migration_scripts"

setup(
    packages=[
        *find_packages(include=["registry*", "client*", "contracts*"]),
        MIGRATIONS,
        f"{MIGRATIONS}.versions",
    ],
    package_dir={MIGRATIONS: "alembic"},
)
