"""Plugins every suite may use: pytester runs the contract plugin in isolated inner pytest sessions.

Every test also leaves logging as it found it. `accord migrate` or `accord serve` run in process configure
logging as the command line does (root at INFO, a handler on the stream of that moment), which would
otherwise reach every later test of the same process: httpx's request lines in a later command's output,
records in another test's caplog, a handler writing to a closed stream.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from logging import Handler, Logger, PlaceHolder, root

import pytest

pytest_plugins = ["pytester"]


@dataclass(frozen=True)
class _LoggerState:
    level: int
    disabled: bool
    propagate: bool
    handlers: tuple[Handler, ...]

    @classmethod
    def of(cls, logger: Logger) -> "_LoggerState":
        return cls(logger.level, logger.disabled, logger.propagate, tuple(logger.handlers))

    def restore(self, logger: Logger) -> None:
        logger.setLevel(self.level)
        logger.disabled = self.disabled
        logger.propagate = self.propagate
        for handler in logger.handlers[:]:
            # pytest's own capturing handlers come and go with each phase of a test; it removes them itself
            if handler not in self.handlers and not type(handler).__module__.startswith("_pytest"):
                logger.removeHandler(handler)


_UNTOUCHED = _LoggerState(0, False, True, ())


def _loggers() -> dict[str, Logger]:
    manager = Logger.manager
    return {"": root} | {
        name: logger for name, logger in manager.loggerDict.items() if not isinstance(logger, PlaceHolder)
    }


@pytest.fixture(autouse=True)
def _logging_as_found() -> Iterator[None]:
    before = {name: _LoggerState.of(logger) for name, logger in _loggers().items()}
    yield
    for name, logger in _loggers().items():
        before.get(name, _UNTOUCHED).restore(logger)
