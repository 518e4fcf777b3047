"""The SQL of config and mode, and of the registry's cluster id. Functions take the session first and
keyword arguments after it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, cast, delete
from sqlmodel import Session, col, select

from registry.models import RegistryState, SubjectConfig, SubjectMode


def read_cluster_id(session: Session) -> str:
    return session.exec(select(RegistryState.cluster_id).where(RegistryState.id == 1)).one()


def get_config(session: Session, *, subject: str) -> SubjectConfig | None:
    return session.get(SubjectConfig, subject)


_CONFIGS = select(
    SubjectConfig.subject,
    SubjectConfig.compatibility_level,
    SubjectConfig.compatibility_policy,
    SubjectConfig.normalize,
).where(col(SubjectConfig.subject).in_(bindparam("subjects", expanding=True)))


def get_configs(session: Session, *, subjects: Sequence[str]) -> dict[str, SubjectConfig]:
    """The configs of these subjects (or `__GLOBAL`) that exist, in one query, as untracked objects."""
    rows = session.execute(_CONFIGS, {"subjects": list(subjects)}).all()
    return {
        subject: SubjectConfig(
            subject=subject, compatibility_level=level, compatibility_policy=policy, normalize=normalize
        )
        for subject, level, policy, normalize in rows
    }


@dataclass(frozen=True, slots=True)
class SettingRows:
    """The config and mode rows that exist for some subjects (or `__GLOBAL`)."""

    configs: dict[str, SubjectConfig]
    modes: dict[str, str]


_SETTINGS: sa.CompoundSelect[Any] = sa.union_all(
    sa.select(
        col(SubjectConfig.subject),
        sa.literal("config").label("kind"),
        col(SubjectConfig.compatibility_level),
        col(SubjectConfig.compatibility_policy),
        col(SubjectConfig.normalize),
    ).where(col(SubjectConfig.subject).in_(bindparam("subjects", expanding=True))),
    sa.select(
        col(SubjectMode.subject),
        sa.literal("mode").label("kind"),
        col(SubjectMode.mode),
        sa.null(),
        cast(sa.null(), sa.Boolean),
    ).where(col(SubjectMode.subject).in_(bindparam("subjects", expanding=True))),
)


def get_settings(session: Session, *, subjects: Sequence[str]) -> SettingRows:
    """The configs and modes of these subjects (or `__GLOBAL`) that exist, in one round trip."""
    configs: dict[str, SubjectConfig] = {}
    modes: dict[str, str] = {}
    for subject, kind, level_or_mode, policy, normalize in session.execute(
        _SETTINGS, {"subjects": list(subjects)}
    ):
        if kind == "mode":
            modes[subject] = level_or_mode
        else:
            configs[subject] = SubjectConfig(
                subject=subject,
                compatibility_level=level_or_mode,
                compatibility_policy=policy,
                normalize=normalize,
            )
    return SettingRows(configs, modes)


def save_config(session: Session, *, config: SubjectConfig) -> None:
    session.merge(config)
    session.flush()


def delete_config(session: Session, *, subject: str) -> None:
    session.execute(delete(SubjectConfig).where(col(SubjectConfig.subject) == subject))


_MODE = select(SubjectMode.mode).where(col(SubjectMode.subject) == bindparam("subject"))


def get_mode(session: Session, *, subject: str) -> str | None:
    return session.exec(_MODE, params={"subject": subject}).first()


def save_mode(session: Session, *, subject: str, mode: str) -> None:
    session.merge(SubjectMode(subject=subject, mode=mode))
    session.flush()


def delete_mode(session: Session, *, subject: str) -> None:
    session.execute(delete(SubjectMode).where(col(SubjectMode.subject) == subject))
