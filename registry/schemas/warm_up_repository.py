"""The SQL of the cache warm-up (registry/schemas/warm_up.py): the registered schemas, a page at a
time, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, func
from sqlmodel import Session

from registry.models import SchemaRecord, SubjectVersion, core_table
from registry.schemas.repository import SCHEMA_ROWS

_SCHEMAS = core_table(SchemaRecord)
_VERSIONS_TABLE = core_table(SubjectVersion)
# The range is said on both sides: PostgreSQL would otherwise scan the versions' index from its start.
_REGISTERED_SCHEMAS_BETWEEN = SCHEMA_ROWS.where(
    _SCHEMAS.c.id.between(bindparam("lowest"), bindparam("highest")),
    sa.exists().where(
        _VERSIONS_TABLE.c.schema_id == _SCHEMAS.c.id,
        _VERSIONS_TABLE.c.schema_id.between(bindparam("lowest"), bindparam("highest")),
    ),
)


# The same rows as one JSON array in one row, for SQLite (see `registered_schemas_between`).
_PAGE = _REGISTERED_SCHEMAS_BETWEEN.subquery()
_REGISTERED_SCHEMAS_BETWEEN_AS_JSON = sa.select(func.json_group_array(func.json_array(*_PAGE.c))).select_from(
    _PAGE
)


def registered_schemas_between(session: Session, *, lowest: int, highest: int) -> Sequence[Any]:
    """`repository.get_schemas_with_references` of the registered schemas with ids from `lowest` to
    `highest`: a range rather than a list of ids, which the warm-up's pages of thousands would make slow
    to send and to plan.

    SQLite's driver gives up the interpreter for every row it steps to, and a thread that does so waits
    for it again as long as another thread keeps it (up to the switch interval, 5 ms): the warm-up,
    reading thousands of rows beside a busy event loop, took minutes per million rows that way. On
    SQLite the page is one row, a JSON array of the rows, which SQLite builds and orjson reads."""
    parameters = {"lowest": lowest, "highest": highest}
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        page = connection.execute(_REGISTERED_SCHEMAS_BETWEEN_AS_JSON, parameters).scalar_one()
        rows: list[list[Any]] = orjson.loads(page)
        return rows
    return connection.execute(_REGISTERED_SCHEMAS_BETWEEN, parameters).all()


_REGISTERED_IDS_UP_TO = (  # read off the versions' index of schema ids alone
    sa.select(_VERSIONS_TABLE.c.schema_id)
    .distinct()
    .where(_VERSIONS_TABLE.c.schema_id <= bindparam("at_most"))
    .order_by(_VERSIONS_TABLE.c.schema_id.desc())
    .limit(bindparam("rows"))
)


def registered_ids_up_to(session: Session, *, at_most: int, rows: int) -> list[int]:
    """The highest `rows` ids up to `at_most` of schemas some subject version uses, highest first."""
    parameters = {"at_most": at_most, "rows": rows}
    return list(session.connection().execute(_REGISTERED_IDS_UP_TO, parameters).scalars().all())
