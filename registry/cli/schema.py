"""`accord schema ...`: check, diff, register and lint the schema files of a repository.

The modules that do the work (the project's configuration, the checks, git, registration and the
conventions) are imported when a command runs, so that `accord --help` starts fast.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from registry.cli.errors import CliError, exits_cleanly
from registry.cli.options import ConfigOption, FormatOption, OutputOption, RegistryOption, connect, finish
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy, OutputFormat, SchemaType

app = typer.Typer(
    help="Check, diff, register and lint schema files. Exit 0: clean, 1: violations, 2: usage, "
    "configuration or connection error.",
    no_args_is_help=True,
)

PathsArgument = Annotated[
    list[Path] | None, typer.Argument(help="Schema files or directories (default: every configured file)")
]
BufCategoryOption = Annotated[
    str | None,
    typer.Option(
        "--buf-category",
        help="Judge .proto files by Buf's breaking category FILE, PACKAGE, WIRE_JSON or WIRE (as `buf "
        "breaking` does) instead of the compatibility level (default: `buf_category` of the config)",
    ),
]
PathOption = Annotated[
    list[Path] | None,
    typer.Option("--path", help="Only this schema file or directory (repeatable); adds to PATHS"),
]
ChangedSinceOption = Annotated[
    str | None,
    typer.Option(
        "--changed-since",
        help="git:REF: only the files changed since REF (what a pull request touched), and the files "
        "that refer to them",
    ),
]
AgainstOption = Annotated[
    str,
    typer.Option(
        "--against", help="registry (ask the registry), or git:REF to compare with the files at a git ref"
    ),
]


@app.command()
@exits_cleanly
def check(
    paths: PathsArgument = None,
    path: PathOption = None,
    changed_since: ChangedSinceOption = None,
    against: AgainstOption = "registry",
    buf_category: BufCategoryOption = None,
    registry: RegistryOption = None,
    config: ConfigOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
) -> None:
    """Is each schema file valid, and compatible with its subject at its effective level (the config's,
    else the registry's)? Asks the registry (verbose reasons), or with --against git:REF compares with
    the files at that ref (no registry; new subjects pass once valid, deleted subjects are reported)."""
    from registry.cli import checks, git, judging, scope
    from registry.cli.project import Project

    project = Project.find(config)
    files = scope.select(project, [*(paths or []), *(path or [])], changed_since)
    ref = git.parse_against(against)
    category = buf_category or project.config.buf_category
    if category is not None:
        from registry.cli.proto import buf_check

        if ref is None:
            from registry.cli.proto.buf_registry import check_against_registry

            with connect(registry, configured=project.config.registry) as client:
                report = check_against_registry(project, files, client, buf_check.category(category))
        else:
            with git.project_at(ref, project) as old:
                report = buf_check.check_against_git(project, files, old, ref, buf_check.category(category))
    elif ref is None:
        with connect(registry, configured=project.config.registry) as client:
            report = judging.check_against_registry(project, files, client)
    else:
        with git.project_at(ref, project) as old:
            report = checks.check_against_git(project, files, old, ref)
    finish(report, output_format, output)


@app.command()
@exits_cleanly
def diff(
    old: Annotated[str, typer.Argument(help="The earlier schema: a file, or git:REF:PATH")],
    new: Annotated[str, typer.Argument(help="The later schema: a file, or git:REF:PATH")],
    level: Annotated[CompatibilityLevel, typer.Option(help="Compatibility level to judge by")] = (
        CompatibilityLevel.BACKWARD
    ),
    policy: Annotated[
        CompatibilityPolicy, typer.Option(help="JSON Schema compatibility policy to judge by")
    ] = CompatibilityPolicy.STRICT,
    schema_type: Annotated[
        SchemaType | None, typer.Option("--type", help="Schema type (default: from the file names)")
    ] = None,
    proto_path: Annotated[
        list[Path] | None,
        typer.Option(
            "--proto-path", "-I", help="Where .proto imports resolve from (default: each file's folder)"
        ),
    ] = None,
    buf_category: BufCategoryOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
) -> None:
    """May NEW follow OLD at LEVEL? Compares two schemas directly, without configuration or registry.
    Either side may be git:REF:PATH, the file PATH (relative to this folder) at a git ref; a .proto
    file's imports are then read at that ref too."""
    from registry.cli import checks, git
    from registry.cli.git_sides import git_side
    from registry.cli.project import SCHEMA_TYPES_BY_SUFFIX, display_path

    kind = schema_type or SCHEMA_TYPES_BY_SUFFIX.get(Path(new.rpartition(":")[2]).suffix)
    if kind is None:
        raise CliError(f"cannot tell the schema type of {new} from its name; pass --type")
    roots = tuple(path.resolve() for path in proto_path or [])
    with ExitStack() as stack:
        sides = []
        for value in (old, new):
            if value.startswith(git.GIT_PREFIX) and kind is SchemaType.PROTOBUF:
                at = stack.enter_context(git_side(value, roots))
                file = display_path((Path.cwd() / value.split(":", 2)[2]).resolve())
                text = at.path.read_text(encoding="utf-8")
                sides.append(
                    checks.Side(value.removeprefix(git.GIT_PREFIX), file, text, tuple(at.import_roots))
                )
                continue
            if value.startswith(git.GIT_PREFIX):
                sides.append(checks.Side(*git.read_at(value)))
                continue
            path = Path(value)
            if not path.is_file():
                raise CliError(f"{value} is not a file")
            try:
                shown = display_path(path.resolve())
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CliError(f"{value}: cannot be read: {error}") from None
            sides.append(checks.Side(shown, shown, text, roots or (path.resolve().parent,)))
        if buf_category is not None:
            from registry.cli.proto import buf_check

            if kind is not SchemaType.PROTOBUF:
                raise CliError("--buf-category judges .proto files only")
            report = buf_check.diff_files(sides[0], sides[1], buf_check.category(buf_category))
        else:
            report = checks.diff_files(sides[0], sides[1], level=level, schema_type=kind, policy=policy)
    finish(report, output_format, output)


@app.command()
@exits_cleanly
def register(
    paths: PathsArgument = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be registered")] = False,
    registry: RegistryOption = None,
    config: ConfigOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
) -> None:
    """Register each schema file under its subject, and apply the compatibility levels the config
    declares. Idempotent: files already registered are left alone. Nothing is registered unless
    every file is compatible."""
    from registry.cli import registration
    from registry.cli.project import Project

    project = Project.find(config)
    files = project.select(paths or [])
    with connect(registry, configured=project.config.registry) as client:
        report = registration.register_files(project, files, client, dry_run=dry_run)
    finish(report, output_format, output)


@app.command()
@exits_cleanly
def lint(
    paths: PathsArgument = None,
    path: PathOption = None,
    changed_since: ChangedSinceOption = None,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="git:REF or registry: the previous versions, for the rules that compare (ACC003, ACC004)",
        ),
    ] = None,
    write_baseline: Annotated[
        bool,
        typer.Option("--write-baseline", help="Record every current finding in the baseline file, and pass"),
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail lint too (exit 1)")] = False,
    registry: RegistryOption = None,
    config: ConfigOption = None,
    output_format: FormatOption = OutputFormat.TEXT,
    output: OutputOption = None,
) -> None:
    """Check the event conventions: ACC001 event-name-past-tense, ACC002 field-documented, ACC003
    new-field-has-default, ACC004 no-field-removed, ACC005 envelope-complete, ACC006 protobuf-style
    (.proto files). ACC002 is a warning, the others errors; warnings fail only with --strict. Set
    severities (error, warning, off) per rule and per path in the config's \\[lint] table, or ignore a
    rule inline (`accord:ignore ACC002` in a JSON Schema $comment or an Avro doc). Findings in the
    baseline file are not reported."""
    from registry.cli import conventions, git, lint_findings, registration, scope
    from registry.cli.project import Project

    project = Project.find(config)
    files = scope.select(project, [*(paths or []), *(path or [])], changed_since)
    baseline = set() if write_baseline else conventions.read_baseline(project)
    if against is None:
        report = conventions.lint_files(project, files, None, baseline=baseline)
    elif (ref := git.parse_against(against)) is not None:
        with git.project_at(ref, project) as old:
            previous = {file.subject: file for file in old.schema_files(missing_ok=True)} if old else {}
            report = conventions.lint_files(project, files, previous, baseline=baseline)
    else:
        with connect(registry, configured=project.config.registry) as client:
            previous = registration.latest_versions(files, client)
            report = conventions.lint_files(project, files, previous, baseline=baseline)
    report = lint_findings.configured(project, files, report)
    if write_baseline:
        written = conventions.write_baseline(project, files, report)
        typer.echo(f"wrote {len(report.findings)} finding(s) to {written}; lint now reports only new ones")
        return
    finish(report, output_format, output, strict=strict)


@app.command()
@exits_cleanly
def download(
    everything: Annotated[bool, typer.Option("--all", help="Every subject of the registry")] = False,
    prefix: Annotated[
        list[str] | None, typer.Option("--prefix", help="Subjects starting with this (repeatable)")
    ] = None,
    subject: Annotated[list[str] | None, typer.Option("--subject", help="This subject (repeatable)")] = None,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", help="Where --all/--prefix/--subject write the files")
    ] = Path("schemas"),
    write_config: Annotated[
        Path | None,
        typer.Option("--write-config", help="Write the \\[\\[schemas]] entries for the files to this file"),
    ] = None,
    registry: RegistryOption = None,
    config: ConfigOption = None,
) -> None:
    """Download registered schemas into files, with the schemas they refer to. Without --all, --prefix
    or --subject, overwrite each configured file with its subject's latest version."""
    from registry.cli import download as downloads
    from registry.cli.project import Project

    chosen = everything or prefix or subject
    project = None if chosen else Project.find(config)
    configured = project.config.registry if project else None
    with connect(registry, configured=configured) as client:
        missing: list[str] = []
        if project is not None:
            written, missing = downloads.download_configured(client, project)
        else:
            names = downloads.choose_subjects(client, everything=everything, prefixes=prefix or [])
            names = sorted({*names, *(subject or [])})
            written = downloads.download_subjects(client, names, output_dir)
    for item in written:
        typer.echo(f"{item.registered.subject} version {item.registered.version} -> {item.path}")
    for name in missing:
        typer.echo(f"{name}: not registered yet, its file is left as it is")
    if write_config is not None:
        write_config.write_text(downloads.config_entries(written, write_config.parent), encoding="utf-8")
        typer.echo(f"wrote the [[schemas]] entries to {write_config}")
