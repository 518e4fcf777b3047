"""Values schema requests name: versions, and which subjects or versions a listing shows."""

from __future__ import annotations

from enum import StrEnum

from registry import errors

LATEST = -1
MAX_VERSION = 2**31 - 1
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})  # what FastAPI reads as a boolean
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})


class SubjectFilter(StrEnum):
    """Which subjects or versions a listing shows."""

    LIVE = "LIVE"
    WITH_DELETED = "WITH_DELETED"
    DELETED_ONLY = "DELETED_ONLY"

    @classmethod
    def of(cls, *, deleted: bool, deleted_only: bool = False) -> SubjectFilter:
        if deleted_only:
            return cls.DELETED_ONLY
        return cls.WITH_DELETED if deleted else cls.LIVE

    def admits(self, is_deleted: bool) -> bool:
        if self is SubjectFilter.LIVE:
            return not is_deleted
        return is_deleted or self is SubjectFilter.WITH_DELETED


def parse_version(version: str) -> int:
    """A version path segment: 1..2^31-1, or -1/"latest" for the latest live version."""
    cleaned = version.strip()
    if cleaned.lower() == "latest":
        return LATEST
    try:
        number = int(cleaned)
    except ValueError:
        raise errors.InvalidVersionError(version) from None
    if number == LATEST or 1 <= number <= MAX_VERSION:
        return number
    raise errors.InvalidVersionError(version)


def query_flag(name: str, value: str | None) -> bool:
    """A boolean query parameter of a route that reads its parameters itself (absent: false)."""
    if value is None or value.lower() in _FALSE:
        return False
    if value.lower() in _TRUE:
        return True
    raise errors.UnprocessableError(
        f"query parameter '{name}': Input should be a valid boolean, got '{value}'"
    )
