"""Values requests name: versions, subjects, compatibility levels and policies, modes, listing filters."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from registry import errors
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy
from registry.models import GLOBAL_SCOPE

LATEST = -1
MAX_VERSION = 2**31 - 1
RESERVED_SUBJECTS = frozenset({GLOBAL_SCOPE, "__EMPTY"})


class Mode(StrEnum):
    """What a subject (or the registry) accepts."""

    READWRITE = "READWRITE"
    READONLY = "READONLY"
    READONLY_OVERRIDE = "READONLY_OVERRIDE"  # set globally, it wins over every subject's mode
    IMPORT = "IMPORT"  # registrations carry their id and version, and skip the compatibility check


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


def validate_subject(subject: str) -> None:
    """Reject reserved names and names with control characters (42208), as Confluent does."""
    if subject in RESERVED_SUBJECTS or any(unicodedata.category(char) == "Cc" for char in subject):
        raise errors.InvalidSubjectError(subject)


def parse_compatibility_level(value: str) -> CompatibilityLevel:
    try:
        return CompatibilityLevel(value.upper())
    except ValueError:
        raise errors.InvalidCompatibilityLevelError(
            "Invalid compatibility level. Valid values are none, backward, forward, full, "
            "backward_transitive, forward_transitive, and full_transitive"
        ) from None


def parse_compatibility_policy(value: str) -> CompatibilityPolicy:
    try:
        return CompatibilityPolicy(value.upper())
    except ValueError:
        raise errors.InvalidCompatibilityLevelError(
            "Invalid compatibility policy. Valid values are STRICT and LENIENT"
        ) from None


def parse_mode(value: str) -> Mode:
    try:
        return Mode(value.upper())
    except ValueError:
        raise errors.InvalidModeError() from None
