"""The service's own database connection, whatever it is: a psycopg 3 connection, an sqlite3 connection,
or a SQLAlchemy Session or Connection (reached by duck typing: the client never imports SQLAlchemy).

Statements run on the DB-API connection underneath, so they join the transaction the service has open.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

__all__ = ["Dialect", "SqlConnection", "check_identifier", "dialect_of", "execute"]

SqlConnection = Any  # psycopg.Connection | sqlite3.Connection | sqlalchemy Session or Connection

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$")


class Dialect:
    """What differs between the databases: the parameter marker."""

    def __init__(self, name: str, marker: str) -> None:
        self.name = name
        self.marker = marker

    def statement(self, sql: str) -> str:
        """`sql` written with %s markers, in this database's marker style."""
        return sql if self.marker == "%s" else sql.replace("%s", self.marker)


POSTGRES = Dialect("postgresql", "%s")
SQLITE = Dialect("sqlite", "?")


def check_identifier(name: str) -> str:
    """`name` if it is a plain (optionally schema-qualified) SQL identifier; ValueError otherwise."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain SQL table name (letters, digits, _; schema.table)")
    return name


def dbapi_connection(connection: SqlConnection) -> Any:
    """The DB-API connection under a SQLAlchemy Session or Connection, or `connection` itself."""
    if hasattr(connection, "get_bind"):  # a SQLAlchemy Session: its connection in this transaction
        connection = connection.connection()
    if hasattr(connection, "exec_driver_sql"):  # a SQLAlchemy Connection
        return connection.connection.dbapi_connection
    return connection


def dialect_of(connection: SqlConnection) -> Dialect:
    """PostgreSQL (psycopg 3) or SQLite (sqlite3); TypeError for anything else."""
    raw = dbapi_connection(connection)
    module = type(raw).__module__
    if module.startswith("psycopg"):
        return POSTGRES
    if module.startswith("sqlite3"):
        return SQLITE
    raise TypeError(f"unsupported database connection {type(raw).__qualname__} (psycopg 3 or sqlite3)")


def execute(connection: SqlConnection, sql: str, params: Sequence[Any] = ()) -> int:
    """Run one statement (%s markers) in the connection's open transaction; the rows it changed."""
    raw = dbapi_connection(connection)
    dialect = dialect_of(raw)
    cursor = raw.cursor()
    try:
        cursor.execute(dialect.statement(sql), tuple(params))
        return int(cursor.rowcount)
    finally:
        cursor.close()
