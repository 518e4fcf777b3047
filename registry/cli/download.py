"""`accord schema download`: registered schemas into files, as the Confluent Maven plugin's
`download` goal does.

Without a selection, each configured file is overwritten with its subject's latest version (pull what
the registry has into the project). With `--all`, `--prefix` or `--subject`, the latest version of
each chosen subject is written to `OUTPUT_DIR/<subject>.<ext>`, and every schema it refers to is
downloaded too (`<subject>.<ext>` when that is the referenced version, else `<subject>.v<N>.<ext>`;
a Protobuf subject named like an import path, `acme/common/address.proto`, at that path, so that
`import` statements resolve with OUTPUT_DIR as the import root);
`--write-config` writes the `[[schemas]]` entries that map these files to their subjects, references
included, so that the other commands can use them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from client import RegisteredSchema, SchemaNotFoundError
from registry.cli.errors import CliError
from registry.cli.project import Project, display_path

if TYPE_CHECKING:
    from client import RegistryClient

EXTENSIONS = {"AVRO": ".avsc", "JSON": ".json", "PROTOBUF": ".proto"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class Downloaded:
    """A schema version written to a file, with what its references became."""

    registered: RegisteredSchema
    path: Path
    references: tuple[tuple[str, Downloaded], ...]  # (name, what it refers to)
    latest: bool  # the subject's latest version (else an older one a reference names)


def choose_subjects(client: RegistryClient, *, everything: bool, prefixes: Sequence[str]) -> list[str]:
    """Every live subject (`everything`), or those starting with one of `prefixes`."""
    subjects = client.list_subjects()
    return sorted(s for s in subjects if everything or any(s.startswith(prefix) for prefix in prefixes))


def download_subjects(client: RegistryClient, subjects: Sequence[str], directory: Path) -> list[Downloaded]:
    """The latest version of each subject, and everything they refer to, as files in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    latest = {subject: _latest(client, subject) for subject in subjects}
    written: dict[tuple[str, int], Downloaded] = {}

    def fetch(registered: RegisteredSchema) -> Downloaded:
        key = (registered.subject, registered.version)
        if key in written:
            return written[key]
        references = []
        for reference in registered.schema.references:
            target = client.get_version(reference.subject, reference.version)
            references.append((reference.name, fetch(target)))
        if registered.subject not in latest:
            latest[registered.subject] = _latest(client, registered.subject)
        is_latest = latest[registered.subject].version == registered.version
        name = _UNSAFE.sub("_", registered.subject) + ("" if is_latest else f".v{registered.version}")
        path = directory / (name + EXTENSIONS.get(registered.schema.schema_type, ".txt"))
        if registered.schema.schema_type == "PROTOBUF" and is_latest and _is_import_path(registered.subject):
            path = directory / registered.subject  # where `import "acme/x.proto";` finds it
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(registered.schema.schema_str, encoding="utf-8")
        written[key] = Downloaded(registered, path, tuple(references), is_latest)
        return written[key]

    for registered in list(latest.values()):
        fetch(registered)
    return list(written.values())


def download_configured(client: RegistryClient, project: Project) -> tuple[list[Downloaded], list[str]]:
    """Each configured file overwritten with its subject's latest version; and the subjects that are
    not registered yet (their files are left as they are)."""
    downloaded, missing = [], []
    for file in project.schema_files():
        try:
            registered = client.get_latest_version(file.subject)
        except SchemaNotFoundError:
            missing.append(file.subject)
            continue
        file.path.write_text(registered.schema.schema_str, encoding="utf-8")
        downloaded.append(Downloaded(registered, file.path, (), latest=True))
    return downloaded, missing


def config_entries(downloaded: Sequence[Downloaded], config_dir: Path) -> str:
    """`[[schemas]]` tables (TOML) mapping each latest version's file to its subject; a reference to
    an older version names its subject and version, as it is only in the registry."""
    tables = []
    for item in sorted((item for item in downloaded if item.latest), key=lambda found: found.path):
        lines = [
            "[[schemas]]",
            f"path = {_quoted(_relative(item.path, config_dir))}",
            f"subject = {_quoted(item.registered.subject)}",
            f"type = {_quoted(item.registered.schema.schema_type)}",
        ]
        if item.references:
            inner = ", ".join(_reference(name, target, config_dir) for name, target in item.references)
            lines.append(f"references = [{inner}]")
        tables.append("\n".join(lines))
    return "\n\n".join(tables) + "\n"


def _reference(name: str, target: Downloaded, config_dir: Path) -> str:
    if target.latest:
        return f"{{ name = {_quoted(name)}, path = {_quoted(_relative(target.path, config_dir))} }}"
    subject, version = target.registered.subject, target.registered.version
    return f"{{ name = {_quoted(name)}, subject = {_quoted(subject)}, version = {version} }}"


def _is_import_path(subject: str) -> bool:
    """Whether a subject is named like a `.proto` import path (Confluent's serializers name the
    subjects of imported files so): relative, without `.` or `..` steps."""
    parts = subject.split("/")
    return (
        subject.endswith(".proto")
        and "\\" not in subject
        and all(part not in ("", ".", "..") for part in parts)
    )


def _latest(client: RegistryClient, subject: str) -> RegisteredSchema:
    try:
        return client.get_latest_version(subject)
    except SchemaNotFoundError:
        raise CliError(f"subject {subject!r} is not in the registry") from None


def _relative(path: Path, directory: Path) -> str:
    try:
        return path.resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
