"""Values config and mode requests name: compatibility levels and policies, modes, and subject names
(the reserved names are the settings' own scopes)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from registry import errors
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy
from registry.models import GLOBAL_SCOPE

RESERVED_SUBJECTS = frozenset({GLOBAL_SCOPE, "__EMPTY"})


class Mode(StrEnum):
    """What a subject (or the registry) accepts."""

    READWRITE = "READWRITE"
    READONLY = "READONLY"
    READONLY_OVERRIDE = "READONLY_OVERRIDE"  # set globally, it wins over every subject's mode
    IMPORT = "IMPORT"  # registrations carry their id and version, and skip the compatibility check


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
