"""A registry's content as data: every live subject version with its global id, every schema, and the
compatibility levels. Read from a registry (any Confluent-compatible one) or from an export; written
to a directory or an archive; imported into a registry in IMPORT mode, keeping ids and versions.

An export is a directory (or a .tar.gz/.tgz/.zip of one):

    accord-export.json      compatibility settings (level, policy, normalize) globally and per subject,
                            subjects and their versions -> schema ids, schema types, references
    schemas/<id>.avsc       each schema's text (.json for JSON Schema, .proto for Protobuf)
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from client import Schema, SchemaReference
from registry.cli.errors import CliError
from registry.compatibility import ResolvedReference, SchemaType

if TYPE_CHECKING:
    from client import RegistryClient

MANIFEST = "accord-export.json"
FORMAT = "accord-export/1"
ARCHIVE_FORMATS = {".tar.gz": "gztar", ".tgz": "gztar", ".zip": "zip"}
EXTENSIONS = {"AVRO": ".avsc", "JSON": ".json", "PROTOBUF": ".proto"}

Advance = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Version:
    """One version of one subject, and the global id of its schema."""

    subject: str
    version: int
    schema_id: int


Config = dict[str, Any]  # configured compatibility settings, by their API names (compatibilityLevel, ...)
CONFIG_KEYS = {
    "compatibilityLevel": "compatibility",
    "compatibilityPolicy": "compatibilityPolicy",
    "normalize": "normalize",
}


@dataclass(slots=True)
class Snapshot:
    """Everything an export carries."""

    config: Config = field(default_factory=dict)
    subject_configs: dict[str, Config] = field(default_factory=dict)
    schemas: dict[int, Schema] = field(default_factory=dict)
    versions: list[Version] = field(default_factory=list)

    @property
    def subjects(self) -> list[str]:
        return list(dict.fromkeys(version.subject for version in self.versions))

    def import_order(self) -> list[Version]:
        """The versions, each after the versions its schema refers to (by id otherwise)."""
        by_key = {(version.subject, version.version): version for version in self.versions}
        ordered: dict[tuple[str, int], Version] = {}

        def visit(version: Version, chain: tuple[tuple[str, int], ...]) -> None:
            key = (version.subject, version.version)
            if key in ordered:
                return
            for reference in self.schemas[version.schema_id].references:
                target = (reference.subject, reference.version)
                if target in chain:
                    raise CliError(f"the export's references form a cycle through {target[0]} v{target[1]}")
                visit(by_key[target], (*chain, target))
            ordered[key] = version

        for version in sorted(self.versions, key=lambda item: (item.schema_id, item.subject, item.version)):
            visit(version, ((version.subject, version.version),))
        return list(ordered.values())

    def validate(self) -> None:
        """Everything an import needs is present and every schema parses, before anything is written."""
        keys = {(version.subject, version.version): version for version in self.versions}
        for version in self.versions:
            schema = self.schemas.get(version.schema_id)
            if schema is None:
                raise CliError(
                    f"{version.subject} v{version.version} names schema id {version.schema_id}, not exported"
                )
            for reference in schema.references:
                if (reference.subject, reference.version) not in keys:
                    raise CliError(
                        f"schema id {version.schema_id} refers to {reference.subject} v{reference.version}, "
                        "which the export does not have"
                    )
        # The parsers load here, not with the module: `accord --help` imports this one.
        from registry.compatibility import SUPPORTED_SCHEMA_TYPES, SchemaParseError, parse_schema

        for schema_id, schema in self.schemas.items():
            if SchemaType(schema.schema_type) not in SUPPORTED_SCHEMA_TYPES:
                continue  # the target registry judges what this build cannot parse
            try:
                parse_schema(SchemaType(schema.schema_type), schema.schema_str, self._resolved(schema, keys))
            except SchemaParseError as error:
                raise CliError(f"schema id {schema_id} of the export is not valid: {error}") from None

    def _resolved(self, schema: Schema, keys: dict[tuple[str, int], Version]) -> list[ResolvedReference]:
        resolved: dict[str, ResolvedReference] = {}
        for reference in schema.references:
            target = self.schemas[keys[(reference.subject, reference.version)].schema_id]
            for inner in self._resolved(target, keys):
                resolved.setdefault(inner.name, inner)
            resolved.setdefault(
                reference.name,
                ResolvedReference(
                    name=reference.name,
                    subject=reference.subject,
                    version=reference.version,
                    schema_type=SchemaType(target.schema_type),
                    text=target.schema_str,
                ),
            )
        return list(resolved.values())


def read_registry(client: RegistryClient, *, on_subject: Callable[[int], Advance]) -> Snapshot:
    """Every live version of every subject, and the levels. `on_subject(n)` is told each subject's
    version count and returns what to call per version read (for a progress bar)."""
    snapshot = Snapshot(config=client.get_config() or {})
    for subject in client.list_subjects():
        numbers = client.list_versions(subject)
        advance = on_subject(len(numbers))
        for number in numbers:
            registered = client.get_version(subject, number)
            snapshot.schemas.setdefault(registered.schema_id, registered.schema)
            snapshot.versions.append(Version(subject, number, registered.schema_id))
            advance()
        config = client.get_config(subject)
        if config:
            snapshot.subject_configs[subject] = config
    return snapshot


def write(snapshot: Snapshot, destination: Path) -> None:
    """Write the export to a new directory, or an archive by its extension; nothing is left at
    `destination` unless all of it was written."""
    if destination.exists():
        raise CliError(f"{destination} already exists; export to a new path")
    archive_format = _archive_format(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".accord-export-", dir=destination.parent) as scratch:
        tree = Path(scratch) / "export"
        _write_tree(snapshot, tree)
        if archive_format is None:
            tree.rename(destination)
        else:
            built = shutil.make_archive(str(Path(scratch) / "archive"), archive_format, root_dir=tree)
            Path(built).rename(destination)


@contextmanager
def opened(source: Path) -> Iterator[Path]:
    """The export directory of `source`, unpacking an archive into a temporary directory."""
    if not source.exists():
        raise CliError(f"{source} does not exist")
    archive_format = _archive_format(source)
    if archive_format is None:
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="accord-import-") as scratch:
        try:
            if archive_format == "zip":
                with zipfile.ZipFile(source) as archive:
                    archive.extractall(scratch)  # zipfile drops absolute paths and `..` itself
            else:
                with tarfile.open(source) as archive:
                    archive.extractall(scratch, filter="data")
        except (OSError, ValueError, tarfile.TarError, zipfile.BadZipFile) as error:
            raise CliError(f"{source} cannot be unpacked: {error}") from None
        yield Path(scratch)


def read(directory: Path) -> Snapshot:
    """An export directory as a snapshot (checked by `validate` before an import)."""
    manifest_path = directory / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise CliError(f"{manifest_path} is not an Accord export ({FORMAT})")
        snapshot = Snapshot(config=_config_of(manifest))
        for subject in manifest["subjects"]:
            name = subject["name"]
            if config := _config_of(subject):
                snapshot.subject_configs[name] = config
            for version in subject["versions"]:
                snapshot.versions.append(Version(name, int(version["version"]), int(version["id"])))
        for schema_id, entry in manifest["schemas"].items():
            text = (directory / "schemas" / f"{schema_id}{EXTENSIONS[entry['schemaType']]}").read_text(
                encoding="utf-8"
            )
            references = tuple(
                SchemaReference(ref["name"], ref["subject"], int(ref["version"]))
                for ref in entry["references"]
            )
            snapshot.schemas[int(schema_id)] = Schema(text, entry["schemaType"], references)
    except FileNotFoundError as error:
        raise CliError(f"the export in {directory} is incomplete: {error.filename} is missing") from None
    except (ValueError, KeyError, TypeError) as error:
        raise CliError(f"{manifest_path} is not a valid export: {error!r}") from None
    return snapshot


def _write_tree(snapshot: Snapshot, tree: Path) -> None:
    (tree / "schemas").mkdir(parents=True)
    versions_of: dict[str, list[dict[str, int]]] = {}
    for version in snapshot.versions:
        versions_of.setdefault(version.subject, []).append(
            {"version": version.version, "id": version.schema_id}
        )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        **_manifest_config(snapshot.config),
        "subjects": [
            {
                "name": subject,
                **_manifest_config(snapshot.subject_configs.get(subject, {})),
                "versions": versions,
            }
            for subject, versions in versions_of.items()
        ],
        "schemas": {
            str(schema_id): {
                "schemaType": schema.schema_type,
                "references": [
                    {"name": ref.name, "subject": ref.subject, "version": ref.version}
                    for ref in schema.references
                ],
            }
            for schema_id, schema in sorted(snapshot.schemas.items())
        },
    }
    for schema_id, schema in snapshot.schemas.items():
        path = tree / "schemas" / f"{schema_id}{EXTENSIONS[schema.schema_type]}"
        path.write_text(schema.schema_str, encoding="utf-8")
    (tree / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _manifest_config(config: Config) -> dict[str, Any]:
    """Settings as the manifest spells them: `compatibility` (null when unset), and the others when set."""
    entries = {CONFIG_KEYS[key]: value for key, value in config.items()}
    return {"compatibility": entries.pop("compatibility", None), **entries}


def _config_of(entry: dict[str, Any]) -> Config:
    return {key: entry[name] for key, name in CONFIG_KEYS.items() if entry.get(name) is not None}


def _archive_format(path: Path) -> str | None:
    name = path.name.lower()
    return next((kind for suffix, kind in ARCHIVE_FORMATS.items() if name.endswith(suffix)), None)
