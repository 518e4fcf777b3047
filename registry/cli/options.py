"""Options every CI command shares, the registry connection they describe, and how a report ends
the command (its output and exit code)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, CliError
from registry.compatibility.reports import OutputFormat, Report, Severity, render, render_text

if TYPE_CHECKING:
    from client import RegistryClient

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="accord.toml or accord.yaml (default: the one in this directory)"),
]
RegistryOption = Annotated[
    str | None,
    typer.Option(
        "--registry",
        envvar="ACCORD_REGISTRY_URL",
        help="Schema registry URL (default: `registry` of the config). Credentials come from "
        "ACCORD_REGISTRY_AUTH: user:password, or 'Bearer TOKEN'",
    ),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="How to print the findings")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the report to this file (and a text summary to stdout)"),
]


def connect(
    url: str | None, *, configured: str | None = None, auth_variable: str = "ACCORD_REGISTRY_AUTH"
) -> RegistryClient:
    """A registry client for `--registry` (or ACCORD_REGISTRY_URL, or the config's `registry`), with
    the credentials in the environment variable `auth_variable`. The client (and httpx) is imported
    here, so that commands which never connect start fast."""
    url = url or configured
    if not url:
        raise CliError(
            "no schema registry given: pass --registry URL, set ACCORD_REGISTRY_URL, "
            "or set `registry` in accord.toml"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CliError(f"registry URL {url!r} is not an http:// or https:// URL")
    from client import RegistryClient, RegistryTransport, RetryPolicy

    try:
        transport = RegistryTransport.from_environment(
            url, variable=auth_variable, timeout=30.0, retry=RetryPolicy(retries=2, backoff=0.2)
        )
    except ValueError as error:
        raise CliError(str(error)) from error
    return RegistryClient.from_transport(transport)


def project_registry(url: str | None) -> str | None:
    """`url`, else the `registry` of the configuration file found from the working directory (for the
    commands that need no project otherwise, like export and import)."""
    if url:
        return url
    from registry.cli.project import Project, find_config

    found = find_config(Path.cwd())
    return Project.find(found).config.registry if found is not None else None


def finish(report: Report, output_format: OutputFormat, output: Path | None, *, strict: bool = False) -> None:
    """Print (or write) the report and exit: 0 when it passed, 1 when it found violations (with
    `strict`, warnings too)."""
    if output is None:
        color = output_format is OutputFormat.TEXT and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        typer.echo(render(report, output_format, color=color), nl=False)
    else:
        try:
            output.write_text(render(report, output_format), encoding="utf-8")
        except OSError as error:
            raise CliError(f"cannot write the report to {output}: {error}") from None
        typer.echo(render_text(report), nl=False)
    failed = not report.passed or (strict and report.count(Severity.WARNING) > 0)
    raise typer.Exit(EXIT_VIOLATIONS if failed else EXIT_CLEAN)
