"""Addresses of the UI's pages, and the formatting helpers templates use.

Subject names may hold any character, "/" included: they are percent-encoded whole, and the
routes take them back with a path converter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

import orjson
from jinja2 import pass_context


def _base(context: Any) -> str:
    base: str = context["base"]
    return base


@pass_context
def subject_url(context: Any, subject: str, version: int | None = None) -> str:
    address = f"{_base(context)}/subjects/{quote(subject, safe='')}"
    return address if version is None else f"{address}/versions/{version}"


@pass_context
def diff_url(context: Any, subject: str, old: int, new: int) -> str:
    return f"{_base(context)}/subjects/{quote(subject, safe='')}/diff?{urlencode({'old': old, 'new': new})}"


@pass_context
def schema_url(context: Any, schema_id: int) -> str:
    return f"{_base(context)}/schemas/{schema_id}"


@pass_context
def raw_schema_url(context: Any, schema_id: int) -> str:
    """The API's answer with the whole schema text (the UI lives under /ui, beside the API)."""
    return f"{_base(context).removesuffix('/ui')}/schemas/ids/{schema_id}/schema"


@pass_context
def event_type_url(context: Any, event_type: str, *, history: bool = False) -> str:
    address = f"{_base(context)}/contracts/event-types/{quote(event_type, safe='')}"
    return f"{address}?history=on" if history else address


@pass_context
def catalog_event_url(context: Any, event_type: str) -> str:
    return f"{_base(context)}/catalog/event-types/{quote(event_type, safe='')}"


@pass_context
def pair_url(context: Any, producer: str, producer_version: str, consumer: str, consumer_version: str) -> str:
    query = {
        "producer": producer,
        "producer_version": producer_version,
        "consumer": consumer,
        "consumer_version": consumer_version,
    }
    return f"{_base(context)}/contracts/results?{urlencode(query)}"


@pass_context
def can_i_deploy_url(context: Any, application: str, version: str, environment: str) -> str:
    query = {"application": application, "version": version, "environment": environment}
    return f"{_base(context)}/contracts/can-i-deploy?{urlencode(query)}"


def utc_text(moment: datetime | None, *, seconds: bool = False) -> str:
    """A time in UTC to the minute (or second); SQLite hands back naive times, which are UTC too."""
    if moment is None:
        return "unknown"
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def iso_text(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


TEMPLATE_GLOBALS = {
    "subject_url": subject_url,
    "diff_url": diff_url,
    "schema_url": schema_url,
    "raw_schema_url": raw_schema_url,
    "event_type_url": event_type_url,
    "catalog_event_url": catalog_event_url,
    "pair_url": pair_url,
    "can_i_deploy_url": can_i_deploy_url,
}


def detail_text(value: object) -> str:
    """A value of an audit entry's details: text as it is, a list of names as a list, anything else
    as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    return orjson.dumps(value).decode()


TEMPLATE_FILTERS = {"utc": utc_text, "iso": iso_text, "detail": detail_text}
