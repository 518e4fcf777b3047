"""Side-by-side line differences between two pretty-printed schemas."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum
from itertools import zip_longest

from registry.ui.highlight import Line, line_text


class Change(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class NumberedLine:
    number: int  # 1-based
    tokens: Line


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the side-by-side view: the old line on the left, the new one on the right."""

    change: Change
    old: NumberedLine | None
    new: NumberedLine | None


def side_by_side(old: list[Line], new: list[Line]) -> list[DiffRow]:
    """Rows pairing `old` with `new`: equal lines side by side, changed lines next to each other."""
    matcher = difflib.SequenceMatcher(
        None, [line_text(line) for line in old], [line_text(line) for line in new], autojunk=False
    )
    rows: list[DiffRow] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        left = [NumberedLine(number + 1, old[number]) for number in range(old_start, old_end)]
        right = [NumberedLine(number + 1, new[number]) for number in range(new_start, new_end)]
        for old_line, new_line in zip_longest(left, right):
            rows.append(DiffRow(_change(tag, old_line, new_line), old_line, new_line))
    return rows


def _change(tag: str, old: NumberedLine | None, new: NumberedLine | None) -> Change:
    if tag == "equal":
        return Change.SAME
    if old is None:
        return Change.ADDED
    if new is None:
        return Change.REMOVED
    return Change.CHANGED
