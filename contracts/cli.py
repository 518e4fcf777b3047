"""`accord contracts publish|verify|export|matrix|can-i-deploy|record-deployment`: the harness in CI.

Exit codes CI can rely on: 0 ok (can-i-deploy: yes), 1 violations found (can-i-deploy: no), 2 usage or
connection error (can-i-deploy: unknown). Without --registry, verify works offline from files alone.

The commands and their options are declared here; contracts.commands does the work and is imported
when a command runs, so `accord --help` does not load the harness. The `accord` command finds this
app through the entry-point group "accord.commands" (pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from registry.compatibility import OutputFormat

app = typer.Typer(help="Contract tests: publish expectations and samples, verify them, ask can-i-deploy.")

RegistryOption = Annotated[
    str | None,
    typer.Option("--registry", envvar="ACCORD_REGISTRY_URL", help="Registry URL [env ACCORD_REGISTRY_URL]"),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format")]
VersionOption = Annotated[
    str | None, typer.Option("--version", help="The application version, e.g. the git sha")
]
ExpectationsOption = Annotated[list[Path] | None, typer.Option(help="a consumer contract file (repeatable)")]
SamplesOption = Annotated[list[Path] | None, typer.Option(help="a producer samples file (repeatable)")]


@app.command()
def publish(
    version: VersionOption = None,
    expectations: ExpectationsOption = None,
    samples: SamplesOption = None,
    pact: Annotated[
        list[Path] | None, typer.Option(help="a Pact V3 or V4 message pact to import (repeatable)")
    ] = None,
    event_type: Annotated[
        list[str] | None,
        typer.Option(
            "--event-type",
            help="TYPE, or DESCRIPTION=TYPE (repeatable): the event type of --pact messages whose "
            "metadata names none",
        ),
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Publish consumer contracts (or Pact files) and producer samples to the registry."""
    from contracts import commands

    commands.publish(
        version=version,
        expectations=expectations or [],
        samples=samples or [],
        pact=pact or [],
        event_type=event_type or [],
        registry=registry,
    )


@app.command("verify")
def verify(
    version: VersionOption = None,
    producer: Annotated[str | None, typer.Option(help="verify this producer version")] = None,
    consumer: Annotated[str | None, typer.Option(help="verify this consumer version")] = None,
    expectations: ExpectationsOption = None,
    samples: SamplesOption = None,
    schema: Annotated[
        list[str] | None,
        typer.Option(help="EVENT_TYPE=FILE[:AVRO|JSON|PROTOBUF]: a schema the producer will publish"),
    ] = None,
    publish: Annotated[bool, typer.Option(help="record the samples and results in the registry")] = False,
    registry: RegistryOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check samples against schemas and expectations, and schemas against expectations."""
    from contracts import commands

    commands.verify_contracts(
        version=version,
        producer=producer,
        consumer=consumer,
        expectations=expectations or [],
        samples=samples or [],
        schema=schema or [],
        publish=publish,
        registry=registry,
        output_format=output_format,
    )


@app.command("export")
def export(
    pact: Annotated[Path, typer.Option("--pact", help="the Pact V4 message pact file to write")],
    expectations: ExpectationsOption = None,
    consumer: Annotated[str | None, typer.Option(help="the consumer whose expectations to export")] = None,
    version: VersionOption = None,
    provider: Annotated[str, typer.Option(help="the provider the pact names")] = "provider",
    registry: RegistryOption = None,
) -> None:
    """Write a consumer's expectations as a Pact V4 message pact (from files, or as a version published
    them to the registry)."""
    from contracts import commands

    commands.export_pact(
        pact=pact,
        expectations=expectations or [],
        consumer=consumer,
        version=version,
        provider=provider,
        registry=registry,
    )


@app.command("matrix")
def matrix(
    application: Annotated[
        str | None, typer.Argument(help="only the pairs this application is in (all when left out)")
    ] = None,
    limit: Annotated[int, typer.Option(help="at most this many pairs, newest first")] = 1000,
    registry: RegistryOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Every verified producer/consumer version pair: exit 0 when all passed, 1 when one failed."""
    from contracts import commands

    commands.matrix(application=application, limit=limit, registry=registry, output_format=output_format)


@app.command("can-i-deploy")
def can_i_deploy(
    application: Annotated[str, typer.Argument(help="APPLICATION@VERSION")],
    to: Annotated[str, typer.Option("--to", help="the environment, e.g. production")],
    retry_while_unknown: Annotated[int, typer.Option(help="ask again this many times while unknown")] = 0,
    retry_interval: Annotated[float, typer.Option(help="seconds between retries")] = 10.0,
    dry_run: Annotated[bool, typer.Option(help="answer, but always exit 0 (emergencies)")] = False,
    registry: RegistryOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
) -> None:
    """Whether APPLICATION@VERSION works with everything deployed to an environment: exit 0 yes, 1 no,
    2 unknown."""
    from contracts import commands

    commands.can_i_deploy(
        application=application,
        to=to,
        retry_while_unknown=retry_while_unknown,
        retry_interval=retry_interval,
        dry_run=dry_run,
        registry=registry,
        output_format=output_format,
    )


@app.command("record-deployment")
def record_deployment(
    application: Annotated[str, typer.Argument(help="the application")],
    version: Annotated[str, typer.Argument(help="the version now running")],
    env: Annotated[str, typer.Option("--env", help="the environment, e.g. production")],
    release: Annotated[
        bool, typer.Option(help="a release alongside others, not a replacing deployment")
    ] = False,
    registry: RegistryOption = None,
) -> None:
    """Record that VERSION of APPLICATION now runs in an environment."""
    from contracts import commands

    commands.record_deployment(
        application=application, version=version, env=env, release=release, registry=registry
    )
