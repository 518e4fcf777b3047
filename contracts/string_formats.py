"""The string formats expectations assert (uuid, date-time, date, time), checked the same everywhere.

python-jsonschema only asserts `date-time` when an optional RFC 3339 package is installed, so the
harness brings its own small checkers: a contract must not pass on one machine and fail on another.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time

from jsonschema import FormatChecker

_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
)
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def is_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        time.fromisoformat(value)
    except ValueError:
        return False
    return True


def format_checker() -> FormatChecker:
    """A checker that asserts exactly the formats expectations use (others stay annotations)."""
    checker = FormatChecker(formats=())
    checker.checks("uuid")(is_uuid)
    checker.checks("date-time")(is_date_time)
    checker.checks("date")(is_date)
    checker.checks("time")(is_time)
    return checker


def new_uuid() -> str:
    return str(uuid.uuid4())


def literal_pattern(text: str) -> str:
    """`text` as a regular expression matching it literally, escaping only what ECMA-262 (the
    dialect of JSON Schema's `pattern`) treats as special: Python's `re.escape` also escapes `-` and
    spaces, which ECMA-262's unicode mode refuses."""
    return re.sub(r"([\\^$.|?*+()\[\]{}/])", r"\\\1", text)
