"""How the CLI ends: exit codes, and problems printed as one clear line instead of a traceback.

Exit codes (docs/ci.md): 0 compatible or clean, 1 violations found, 2 usage, configuration or
connection error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer

from client import RegistryResponseError, RegistryUnavailableError

EXIT_CLEAN = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2

P = ParamSpec("P")
R = TypeVar("R")


class CliError(Exception):
    """A usage, configuration or connection problem: the command cannot give a verdict (exit 2)."""


def exits_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the problems a user can fix into one line on stderr and exit code 2."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CliError as error:
            message = str(error)
        except RegistryUnavailableError as error:
            message = f"cannot reach the schema registry: {error}. Check --registry or ACCORD_REGISTRY_URL"
        except RegistryResponseError as error:
            message = f"the schema registry refused the request: {error}"
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(EXIT_ERROR)

    return run
