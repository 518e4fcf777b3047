from __future__ import annotations

from collections import Counter

import pytest

_CONFORMANCE_TALLY: Counter[str] = Counter()


@pytest.fixture
def conformance_tally() -> Counter[str]:
    """Counts how conformance cases were settled, for the summary at the end of the run."""
    return _CONFORMANCE_TALLY


def pytest_terminal_summary(terminalreporter) -> None:
    if _CONFORMANCE_TALLY:
        settled = ", ".join(f"{count} {how}" for how, count in sorted(_CONFORMANCE_TALLY.items()))
        terminalreporter.write_line(f"JSON Schema conformance (case x direction): {settled}")
