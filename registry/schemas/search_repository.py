"""The SQL of the web UI's subject search: keyset pages of subjects, each with its newest version,
filtered by name prefix, schema type, compatibility level and state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Subquery, and_, case, func, or_
from sqlmodel import Session

from registry.models import SubjectVersion


@dataclass(frozen=True, slots=True)
class SubjectRow:
    """A subject as the UI lists it: its newest version (the newest live one while any is live)."""

    subject: str
    latest_version: int
    schema_id: int
    schema_type: str
    live_versions: int
    deleted_versions: int
    compatibility_level: str | None  # the subject's own level; None when it follows the global one


@dataclass(frozen=True, slots=True)
class SubjectSearch:
    """Which subjects a listing shows: every condition given must hold."""

    prefix: str = ""
    schema_type: str | None = None
    own_levels: tuple[str, ...] = ()  # the subject's own level is one of these...
    unconfigured_level: bool = False  # ...or (when true) it has none of its own
    deleted: bool | None = False  # False: live subjects, True: fully soft-deleted ones, None: both


def search_subjects(
    session: Session, *, search: SubjectSearch, after: str | None, before: str | None, limit: int
) -> list[SubjectRow]:
    """At most `limit` subjects by name, after `after` or (the page before) before `before`.

    Keyset pagination over the (subject, deleted, version) index: without a schema type filter only
    the page's subjects are grouped and joined, so a page costs the same wherever it is in a long listing.
    """
    versions = _tables()[0]
    grouped = _grouped_subjects(search)
    if after is not None:
        grouped = grouped.where(versions.c.subject > after).order_by(versions.c.subject)
    elif before is not None:
        grouped = grouped.where(versions.c.subject < before).order_by(versions.c.subject.desc())
    else:
        grouped = grouped.order_by(versions.c.subject)
    if search.schema_type is None:
        grouped = grouped.limit(limit)
    summaries = _with_latest_schema(grouped.subquery(), search)
    name = summaries.selected_columns.subject
    ordered = summaries.order_by(name.desc() if after is None and before is not None else name)
    rows = [SubjectRow(*row) for row in session.execute(ordered.limit(limit))]
    return rows[::-1] if after is None and before is not None else rows


def count_subjects(session: Session, *, search: SubjectSearch) -> int:
    """How many subjects match `search`: distinct names on the index, unless a schema type is asked for."""
    if search.schema_type is not None:
        matching = _with_latest_schema(_grouped_subjects(search).subquery(), search).subquery()
        count: int = session.execute(sa.select(func.count()).select_from(matching)).scalar_one()
        return count
    versions = _tables()[0]
    named = sa.select(func.count(versions.c.subject.distinct())).where(*_subject_conditions(search))
    live: int = session.execute(named.where(versions.c.deleted.is_(False))).scalar_one()
    if search.deleted is False:
        return live
    every: int = session.execute(named).scalar_one()
    return every if search.deleted is None else every - live


def _tables() -> tuple[sa.Table, sa.Table, sa.Table]:
    tables = SubjectVersion.metadata.tables
    return tables["subject_versions"], tables["schemas"], tables["configs"]


def _grouped_subjects(search: SubjectSearch) -> sa.Select[Any]:
    """Per subject: its latest version (live if any), and its live and soft-deleted version counts."""
    versions = _tables()[0]
    is_live = versions.c.deleted.is_(False)
    live = func.sum(case((is_live, 1), else_=0))
    grouped = sa.select(
        versions.c.subject,
        func.coalesce(func.max(case((is_live, versions.c.version))), func.max(versions.c.version)).label(
            "latest_version"
        ),
        live.label("live_versions"),
        (func.count() - live).label("deleted_versions"),
    ).group_by(versions.c.subject)
    if search.deleted is not None:
        grouped = grouped.having(live == 0 if search.deleted else live > 0)
    return grouped.where(*_subject_conditions(search))


def _subject_conditions(search: SubjectSearch) -> list[sa.ColumnElement[bool]]:
    """The conditions on a version row's subject: its name prefix and its own compatibility level."""
    versions, _, configs = _tables()
    conditions = []
    if search.prefix:
        conditions.append(func.substr(versions.c.subject, 1, len(search.prefix)) == search.prefix)
    if search.own_levels or search.unconfigured_level:
        # Configured subjects are few: filtering by level is a semi-join on them.
        level = configs.c.compatibility_level
        with_level: sa.ColumnElement[bool] = versions.c.subject.in_(
            sa.select(configs.c.subject).where(level.in_(search.own_levels))
        )
        if search.unconfigured_level:
            configured = sa.select(configs.c.subject).where(level.is_not(None))
            with_level = or_(with_level, versions.c.subject.not_in(configured))
        conditions.append(with_level)
    return conditions


def _with_latest_schema(grouped: Subquery, search: SubjectSearch) -> sa.Select[Any]:
    versions, schemas, configs = _tables()
    latest = versions.alias("latest")
    statement = (
        sa.select(
            grouped.c.subject,
            grouped.c.latest_version,
            latest.c.schema_id,
            schemas.c.schema_type,
            grouped.c.live_versions,
            grouped.c.deleted_versions,
            configs.c.compatibility_level,
        )
        .join(
            latest, and_(latest.c.subject == grouped.c.subject, latest.c.version == grouped.c.latest_version)
        )
        .join(schemas, schemas.c.id == latest.c.schema_id)
        .outerjoin(configs, configs.c.subject == grouped.c.subject)
    )
    if search.schema_type is not None:
        statement = statement.where(schemas.c.schema_type == search.schema_type)
    return statement
