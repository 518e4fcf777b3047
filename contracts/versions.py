"""Ranges of eventVersion (the subject version of the data schema) an expectation applies to.

Written as "*" (every version), "2", ">=2", "<=3", "<4" or a comma-separated conjunction ">=2,<4".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from contracts.errors import ContractError

_BOUND = re.compile(r"^\s*(>=|<=|>|<|==|=)?\s*(\d+)\s*$")


class VersionRangeError(ContractError, ValueError):
    """The text is not a version range; carries the text and what is wrong."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"eventVersion range {text!r}: {reason} (write e.g. '*', '2', '>=2' or '>=2,<4')")
        self.text = text


@dataclass(frozen=True, slots=True)
class VersionRange:
    """Versions from `minimum` to `maximum` (both included; None: no upper bound)."""

    minimum: int = 1
    maximum: int | None = None

    @classmethod
    def parse(cls, text: str) -> VersionRange:
        if text.strip() in ("", "*"):
            return cls()
        minimum, maximum = 1, None
        for part in text.split(","):
            match = _BOUND.match(part)
            if match is None:
                raise VersionRangeError(text, f"cannot read {part.strip()!r}")
            operator, number = match.group(1) or "==", int(match.group(2))
            if operator in (">=", ">", "==", "="):
                minimum = max(minimum, number + 1 if operator == ">" else number)
            if operator in ("<=", "<", "==", "="):
                upper = number - 1 if operator == "<" else number
                maximum = upper if maximum is None else min(maximum, upper)
        if maximum is not None and maximum < minimum:
            raise VersionRangeError(text, "no version is in it")
        return cls(minimum, maximum)

    def __contains__(self, version: object) -> bool:
        if not isinstance(version, int):
            return False
        return self.minimum <= version and (self.maximum is None or version <= self.maximum)

    def __str__(self) -> str:
        if self.maximum is None:
            return "*" if self.minimum <= 1 else f">={self.minimum}"
        if self.maximum == self.minimum:
            return str(self.minimum)
        lower = f">={self.minimum}," if self.minimum > 1 else ""
        return f"{lower}<={self.maximum}"
