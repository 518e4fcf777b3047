"""Java date-time patterns (as Pact's `date`, `time` and `timestamp` rules write them, e.g.
`yyyy-MM-dd'T'HH:mm:ss.SSSX`) as regular expressions over the text they format.

Letters run in groups (`yyyy`, `MM`); text in single quotes is literal (`''` is a quote); `[...]`
is an optional section. A letter this table does not know is refused by name, so an import never
checks less than the pact says without saying so.
"""

from __future__ import annotations

from contracts.errors import ContractError
from contracts.string_formats import literal_pattern

_MONTH_NAMES = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_DAY_NAMES = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_OFFSET_X = "(?:Z|[+-]\\d{2}(?::?\\d{2})?)"


def _letters(letter: str, count: int) -> str | None:
    """The regular expression of a run of `count` pattern letters, or None for an unknown letter."""
    if letter in "yu":
        return "\\d{2}" if count == 2 else "\\d{4,}" if count >= 4 else "\\d+"
    if letter in "ML":
        return {1: "\\d{1,2}", 2: "\\d{2}"}.get(count, _MONTH_NAMES)
    if letter in "dHhKkms":
        return "\\d{1,2}" if count == 1 else "\\d{2}"
    if letter == "D":
        return f"\\d{{{count},3}}"
    if letter in "SnN":
        return f"\\d{{{count}}}" if letter == "S" else "\\d+"
    if letter == "a":
        return "(?:AM|PM|am|pm)"
    if letter == "E":
        return _DAY_NAMES
    if letter in "Xx":
        return _OFFSET_X if letter == "X" else "[+-]\\d{2}(?::?\\d{2})?"
    if letter == "Z":
        return "(?:[+-]\\d{4}|Z|GMT[+-]\\d{2}:\\d{2})"
    if letter in "zV":
        return "[A-Za-z_/+-]+"
    if letter == "G":
        return "(?:AD|BC|Anno Domini|Before Christ)"
    return None


def java_date_regex(pattern: str) -> str:
    """An anchored regular expression matching the text `pattern` formats."""
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":
            end = pattern.find("'", index + 1)
            if end == index + 1:
                parts.append("'")
                index += 2
                continue
            if end < 0:
                raise ContractError(f"the date pattern {pattern!r} has an unclosed quote")
            parts.append(literal_pattern(pattern[index + 1 : end]))
            index = end + 1
        elif char == "[":
            parts.append("(?:")
            index += 1
        elif char == "]":
            parts.append(")?")
            index += 1
        elif char.isascii() and char.isalpha():
            count = 1
            while index + count < len(pattern) and pattern[index + count] == char:
                count += 1
            expression = _letters(char, count)
            if expression is None:
                raise ContractError(f"the date pattern letter {char!r} (in {pattern!r}) has no equivalent")
            parts.append(expression)
            index += count
        else:
            parts.append(literal_pattern(char))
            index += 1
    return "^" + "".join(parts) + "$"
