"""The `[lint]` table's severities: per rule, and per path (`[[lint.overrides]]`).

[lint.rules]
ACC002 = "error"                  # error, warning or off; rule ids or names
[[lint.overrides]]
paths = ["schemas/legacy/*"]      # globs relative to the config file; a folder matches what is under it
rules = { ACC001 = "off" }
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class LintSeverity(StrEnum):
    """What a rule's findings are: errors fail lint, warnings fail it only with --strict."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


class LintOverride(BaseModel):
    """Severities for the files under some paths; later overrides win over earlier ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    paths: tuple[str, ...]
    rules: dict[str, LintSeverity]
