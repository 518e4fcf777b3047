"""`accord catalog asyncapi`: the registry's event catalog as an AsyncAPI 3.0 document; and
`accord import --asyncapi FILE`: the message payloads of an AsyncAPI 2.6 or 3.0 document registered as
subjects (docs/catalog.md). Any other `accord import` is the registry transfer's (transfer.py).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from client import RegistryResponseError, Schema
from registry.cli import transfer
from registry.cli.errors import EXIT_CLEAN, EXIT_VIOLATIONS, CliError, exits_cleanly
from registry.cli.options import RegistryOption, connect, project_registry

if TYPE_CHECKING:
    from client import RegistryClient, RegistryTransport
    from registry.catalog.importing import ImportedSubject

SUBJECT_NOT_FOUND = 40401

app = typer.Typer(
    help="The event catalog: AsyncAPI documents of the registry's events.", no_args_is_help=True
)


class SchemaPlacement(StrEnum):
    INLINE = "inline"
    REFERENCE = "reference"


class DocumentFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


@app.command("asyncapi")
@exits_cleanly
def asyncapi(
    application: Annotated[
        str | None,
        typer.Option("--application", help="One application's document (what it sends and receives)"),
    ] = None,
    env: Annotated[
        str | None, typer.Option("--env", help="Only the application versions deployed or released there")
    ] = None,
    schemas: Annotated[
        SchemaPlacement,
        typer.Option(
            "--schemas", help="inline, or reference: Avro and JSON Schema payloads by the registry's URL"
        ),
    ] = SchemaPlacement.INLINE,
    output_format: Annotated[
        DocumentFormat, typer.Option("--format", "-f", help="yaml or json")
    ] = DocumentFormat.YAML,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout)")
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Write the event types you may read, their schemas, producers and consumers as AsyncAPI 3.0."""
    given = (("application", application), ("env", env), ("schemas", schemas.value))
    params = [(name, value) for name, value in given if value]
    with _transport(registry) as transport:
        document = transport.request("GET", "/catalog/asyncapi", params=params)
    if output_format is DocumentFormat.YAML:
        import yaml  # only here: `accord` starts without loading what a command needs once it runs

        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CliError(f"cannot write the document to {output}: {error}") from None
    typer.echo(f"wrote {len(document.get('channels', {}))} channels to {output}")


def _transport(url: str | None) -> RegistryTransport:
    """A transport to the registry, as `connect` makes for its client (the document is no schema)."""
    connect(url).close()  # checks the URL and the credentials' variable, as every command does
    from client import RegistryTransport, RetryPolicy

    assert url is not None
    return RegistryTransport.from_environment(url, timeout=60.0, retry=RetryPolicy(retries=2, backoff=0.2))


@exits_cleanly
def import_(
    source: Annotated[
        Path | None, typer.Argument(help="An export directory or archive (or use --from)", show_default=False)
    ] = None,
    from_url: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Read from another Confluent-compatible registry instead "
            f"(credentials: {transfer.SOURCE_AUTH_VARIABLE})",
        ),
    ] = None,
    asyncapi_file: Annotated[
        Path | None,
        typer.Option("--asyncapi", help="Register the message payloads of an AsyncAPI 2.6 or 3.0 document"),
    ] = None,
    subject_template: Annotated[
        str | None,
        typer.Option(
            "--subject-template",
            help="With --asyncapi: name subjects by {message} and {channel} (default: x-accord-subject, "
            "else {message})",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --asyncapi: show what would be registered, change nothing")
    ] = False,
    registry: RegistryOption = None,
) -> None:
    """Import an export, or another registry, into an empty registry with the same ids and versions
    (resumable: after a failure, run the same command again); or, with --asyncapi, register the
    message payloads of an AsyncAPI document as subjects."""
    if asyncapi_file is None:
        if subject_template is not None or dry_run:
            raise CliError("--subject-template and --dry-run go with --asyncapi")
        transfer.import_(source=source, from_url=from_url, registry=registry)
        return
    if source is not None or from_url is not None:
        raise CliError("give --asyncapi FILE alone, without an export or --from")
    try:
        text = asyncapi_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read {asyncapi_file}: {error}") from None
    from registry.catalog.importing import AsyncApiImportError, read_document, subjects_of

    try:
        subjects = subjects_of(read_document(text), template=subject_template)
    except AsyncApiImportError as error:
        raise CliError(f"{asyncapi_file}: {error}") from None
    if not subjects:
        raise CliError(f"{asyncapi_file}: no message has a payload, so there is nothing to register")
    with connect(project_registry(registry)) as client:
        refused = sum(not _import_one(client, item, dry_run=dry_run) for item in subjects)
    verb = "would register" if dry_run else "registered"
    typer.echo(f"{verb} {len(subjects) - refused} of {len(subjects)} subjects; {refused} refused")
    raise typer.Exit(EXIT_VIOLATIONS if refused else EXIT_CLEAN)


def _import_one(client: RegistryClient, item: ImportedSubject, *, dry_run: bool) -> bool:
    """Register (or, in a dry run, check) one subject; print what happened. False when refused."""
    schema = Schema(item.schema, item.schema_type)  # type: ignore[arg-type]
    label = f"{item.subject} ({item.schema_type}, from {item.source})"
    try:
        registered = client.lookup_schema(item.subject, schema)
    except RegistryResponseError:
        pass
    else:
        typer.echo(f"{label}: already registered as version {registered.version}")
        return True
    if dry_run:
        try:
            versions = client.list_versions(item.subject)
            verdict = client.test_compatibility(item.subject, schema, None) if versions else None
        except RegistryResponseError as error:
            if error.error_code != SUBJECT_NOT_FOUND:
                typer.echo(f"{label}: refused: {error}")
                return False
            verdict = None
        if verdict is None:
            typer.echo(f"{label}: new subject")
        elif verdict.is_compatible:
            typer.echo(f"{label}: compatible, would be a new version")
        else:
            typer.echo(f"{label}: incompatible: " + "; ".join(verdict.messages))
        return verdict is None or verdict.is_compatible
    try:
        schema_id = client.register_schema(item.subject, schema)
    except RegistryResponseError as error:
        typer.echo(f"{label}: refused: {error}")
        return False
    typer.echo(f"{label}: registered (schema id {schema_id})")
    return True
