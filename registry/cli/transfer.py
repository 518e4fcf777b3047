"""`accord export` and `accord import`: a whole registry to and from a directory or archive, or
straight from another Confluent-compatible registry, keeping every id and version (IMPORT mode).

An import checks everything before its first write: the export is complete and parses, and the
target is empty, or holds exactly a part of the same export (an import that stopped). It then puts
the target into IMPORT mode, adds the missing versions, the compatibility levels, and only at the
end sets READWRITE again. If it stops half-way, the target stays in IMPORT mode, so no one registers
into a half-imported registry, and running the same command again resumes where it stopped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from client import AccordError
from registry.cli import snapshot
from registry.cli.errors import CliError, exits_cleanly
from registry.cli.options import RegistryOption, connect, project_registry
from registry.cli.snapshot import Advance, Snapshot, Version

if TYPE_CHECKING:
    from rich.progress import Progress

    from client import RegistryClient

SOURCE_AUTH_VARIABLE = "ACCORD_SOURCE_REGISTRY_AUTH"
IMPORT, READWRITE = "IMPORT", "READWRITE"


@exits_cleanly
def export(
    destination: Annotated[Path, typer.Argument(help="A new directory, or a .tar.gz, .tgz or .zip archive")],
    registry: RegistryOption = None,
) -> None:
    """Export every live subject version, schema and compatibility setting of the registry (default:
    the `registry` of accord.toml)."""
    with connect(project_registry(registry)) as client, _reading("exporting") as on_subject:
        content = snapshot.read_registry(client, on_subject=on_subject)
    snapshot.write(content, destination)
    typer.echo(
        f"exported {len(content.versions)} versions of {len(content.subjects)} subjects "
        f"({len(content.schemas)} schemas) to {destination}"
    )


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
            f"(credentials: {SOURCE_AUTH_VARIABLE})",
        ),
    ] = None,
    registry: RegistryOption = None,
) -> None:
    """Import an export, or another registry, into an empty registry with the same ids and versions.
    Resumable: after a failure, run the same command again."""
    if (source is None) == (from_url is None):
        raise CliError("give either an export (a directory or archive) or --from URL, not both or neither")
    if from_url is not None:
        with (
            connect(from_url, auth_variable=SOURCE_AUTH_VARIABLE) as origin,
            _reading(f"reading {from_url}") as on_subject,
        ):
            content = snapshot.read_registry(origin, on_subject=on_subject)
    else:
        assert source is not None
        with snapshot.opened(source) as directory:
            content = snapshot.read(directory)
    content.validate()
    with connect(project_registry(registry)) as client:
        missing, mode = plan_import(client, content)
        imported = restore(client, content, missing, mode=mode)
    typer.echo(
        f"imported {imported} versions ({len(content.versions) - imported} already there) of "
        f"{len(content.subjects)} subjects into {client.base_url}"
    )


def plan_import(client: RegistryClient, content: Snapshot) -> tuple[list[Version], str]:
    """The versions the target still lacks, and its mode; refuses a target that holds anything else."""
    mode = client.get_mode()
    if mode not in (READWRITE, IMPORT):
        raise CliError(f"the target registry is in {mode} mode; an import needs READWRITE or IMPORT")
    wanted = {(version.subject, version.version): version for version in content.versions}
    present = set()
    for subject in client.list_subjects():
        for number in client.list_versions(subject):
            expected = wanted.get((subject, number))
            found = client.get_version(subject, number)
            if (
                expected is None
                or expected.schema_id != found.schema_id
                or not _same_text(content.schemas[expected.schema_id].schema_str, found.schema.schema_str)
            ):
                raise CliError(
                    f"the target registry already has {subject} v{number} (id {found.schema_id}), which the "
                    "import does not: import into an empty registry"
                )
            present.add((subject, number))
    missing = [
        version for version in content.import_order() if (version.subject, version.version) not in present
    ]
    if missing and present and mode != IMPORT:
        raise CliError("the target registry is not empty; import into an empty registry")
    return missing, mode


def _differs(wanted: snapshot.Config, configured: snapshot.Config) -> bool:
    return any(configured.get(key) != value for key, value in wanted.items())


def _same_text(exported: str, registered: str) -> bool:
    """Whether two schema texts say the same, whitespace aside (a registry may store them compacted)."""
    try:
        return bool(json.loads(exported) == json.loads(registered))
    except ValueError:
        return exported == registered


def restore(client: RegistryClient, content: Snapshot, missing: list[Version], *, mode: str) -> int:
    """Add the missing versions in IMPORT mode, then the compatibility settings, then return to
    READWRITE."""
    done = 0
    try:
        if missing and mode != IMPORT:
            client.set_mode(IMPORT)
        with _progress() as progress:
            task = progress.add_task("importing", total=len(missing))
            for version in missing:
                schema = content.schemas[version.schema_id]
                client.import_schema(
                    version.subject, schema, schema_id=version.schema_id, version=version.version
                )
                done += 1
                progress.advance(task)
        for subject, config in [(None, content.config), *content.subject_configs.items()]:
            if _differs(config, client.get_config(subject) or {}):
                client.update_config(config, subject)
        if missing or mode == IMPORT:
            client.set_mode(READWRITE)
    except AccordError as error:
        raise CliError(
            f"the import stopped after {done} of {len(missing)} versions: {error}. The target registry stays "
            "in IMPORT mode, so nothing else is registered into it meanwhile; run the same command again "
            "to resume"
        ) from None
    return done


@contextmanager
def _reading(label: str) -> Iterator[Callable[[int], Advance]]:
    """A progress bar over the versions of a registry, whose total grows as subjects are listed."""
    with _progress() as progress:
        task = progress.add_task(label, total=0)

        def on_subject(count: int) -> Advance:
            progress.update(task, total=(progress.tasks[task].total or 0) + count)
            return lambda: progress.advance(task)

        yield on_subject


@contextmanager
def _progress() -> Iterator[Progress]:
    """Progress bars on stderr when it is a terminal (CI logs get the closing summary line only)."""
    # rich is imported here: every `accord` command imports this module, only export and import draw bars
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield progress
