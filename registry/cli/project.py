"""Schemas as code: `accord.toml` or `accord.yaml` maps a repository's schema files to subjects.

registry = "http://localhost:8081"       # optional; --registry and ACCORD_REGISTRY_URL win
compatibility = "BACKWARD"               # optional: level of subjects without their own
policy = "STRICT"                        # optional: JSON Schema policy of subjects without their own
proto_path = ["proto"]                   # where .proto imports resolve from (default: this folder)
buf_category = "WIRE_JSON"               # optional: check .proto files by a Buf category (FILE, PACKAGE,
                                         # WIRE_JSON, WIRE) instead of the compatibility level

[[schemas]]
path = "schemas/*.avsc"                  # a file or a glob, relative to this file
subject = "{stem}-value"                 # placeholders: SUBJECT_PLACEHOLDERS
topic = "orders"                         # optional: the {topic} of the subject
type = "AVRO"                            # optional: .avsc is AVRO, .json is JSON, .proto is PROTOBUF
compatibility = "FULL"                   # optional, per subject
policy = "LENIENT"                       # optional, per subject
references = [{ name = "com.acme.Money", path = "schemas/money.avsc" }]

[lint]
disable = ["ACC002"]                     # rule ids or names
baseline = "accord-lint-baseline.json"
"""

from __future__ import annotations

import json
import os
import string
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from registry.cli.errors import CliError
from registry.cli.lint_config import LintOverride, LintSeverity
from registry.cli.register_config import RuleSet, SchemaMetadata
from registry.compatibility import CompatibilityLevel, CompatibilityPolicy, ResolvedReference, SchemaType

CONFIG_NAMES = ("accord.toml", "accord.yaml", "accord.yml")
SCHEMA_TYPES_BY_SUFFIX = {".avsc": SchemaType.AVRO, ".json": SchemaType.JSON, ".proto": SchemaType.PROTOBUF}
DEFAULT_BASELINE = "accord-lint-baseline.json"
# What a subject template may name: the file's stem (TopicNameStrategy-like naming), the schema's full
# record name (RecordNameStrategy), and the entry's `topic` (with {record}: TopicRecordNameStrategy).
SUBJECT_PLACEHOLDERS = {
    "stem": "the file name without its extension",
    "record": "the full record name (Avro namespace.name, JSON Schema title)",
    "topic": "the entry's `topic`",
    "import": "a .proto file's import path under proto_path (Confluent's serializers name the subjects "
    "of imported files so)",
}


class ReferenceConfig(BaseModel):
    """A named type the schema uses from another schema: a file of this project (`path`), or a
    subject version that is only in the registry (`subject` and `version`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    path: str | None = None
    subject: str | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_target(self) -> ReferenceConfig:
        if (self.path is None) == (self.subject is None or self.version is None):
            raise ValueError("a reference needs either `path`, or `subject` and `version`")
        return self


class SchemaEntry(BaseModel):
    """One `[[schemas]]` table: which files, which subject, and how they are checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    subject: str
    topic: str | None = None
    type: SchemaType | None = None
    compatibility: CompatibilityLevel | None = None
    policy: CompatibilityPolicy | None = None
    references: tuple[ReferenceConfig, ...] = ()
    # Applied by `register`: the subject's `normalize` setting, and the body's metadata and ruleSet.
    normalize: bool | None = None
    metadata: SchemaMetadata | None = None
    rule_set: RuleSet | None = Field(default=None, validation_alias=AliasChoices("rule_set", "ruleSet"))

    @model_validator(mode="after")
    def _known_placeholders(self) -> SchemaEntry:
        names = subject_placeholders(self.subject)
        unknown = sorted(names - set(SUBJECT_PLACEHOLDERS))
        if unknown:
            known = ", ".join(f"{{{name}}} ({what})" for name, what in SUBJECT_PLACEHOLDERS.items())
            raise ValueError(f"unknown placeholder {{{unknown[0]}}} in subject {self.subject!r}; use {known}")
        if "topic" in names and self.topic is None:
            raise ValueError(f"subject {self.subject!r} uses {{topic}}: set `topic` in the same entry")
        return self


class LintConfig(BaseModel):
    """The `[lint]` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disable: tuple[str, ...] = ()
    baseline: str = DEFAULT_BASELINE
    rules: dict[str, LintSeverity] = Field(default_factory=dict)  # see lint_config.py
    overrides: tuple[LintOverride, ...] = ()


class ProjectConfig(BaseModel):
    """The whole configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    registry: str | None = None
    compatibility: CompatibilityLevel | None = None
    policy: CompatibilityPolicy | None = None
    schemas: tuple[SchemaEntry, ...] = ()
    lint: LintConfig = LintConfig()
    proto_path: str | tuple[str, ...] = "."  # the import roots of .proto files, like protoc's -I
    buf_category: str | None = None  # `check` judges .proto files by this Buf category (FILE, WIRE...)


@dataclass(frozen=True, slots=True)
class SchemaFile:
    """A schema file of the project, with the subject it is registered under."""

    path: Path
    subject: str
    schema_type: SchemaType
    # The level and policy the config gives it (its own, else the top-level ones); None: the registry's.
    # `register` applies them to the subject.
    compatibility: CompatibilityLevel | None
    references: tuple[ReferenceConfig, ...]
    text: str
    policy: CompatibilityPolicy | None = None
    normalize: bool | None = None
    metadata: dict[str, Any] | None = field(default=None, compare=False)
    rule_set: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def display(self) -> str:
        """The path as reports print it (see display_path)."""
        return display_path(self.path)

    @property
    def offline_level(self) -> CompatibilityLevel:
        """The level of checks without a registry: the configured one, else the registry default."""
        return self.compatibility or CompatibilityLevel.BACKWARD

    @property
    def offline_policy(self) -> CompatibilityPolicy:
        return self.policy or CompatibilityPolicy.STRICT


def subject_placeholders(template: str) -> set[str]:
    """The placeholder names of a subject template (`{{` and `}}` are literal braces)."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
    except ValueError as error:
        raise ValueError(f"subject {template!r} is not a valid template: {error}") from None


def display_path(path: Path) -> str:
    """The path as reports print it: relative to the git repository's root when it is in one (so that
    GitHub and GitLab place annotations from any folder), else to the working directory."""
    root = repository_root(path.parent)
    relative = os.path.relpath(path, root) if root is not None else os.path.relpath(path)
    return Path(relative).as_posix() if not relative.startswith("..") else path.as_posix()


def repository_root(directory: Path) -> Path | None:
    """The root of the git work tree holding `directory` (the nearest folder with a `.git`)."""
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True, slots=True)
class Project:
    """A loaded configuration file and the directory its paths are relative to."""

    root: Path
    config_path: Path
    config: ProjectConfig

    @classmethod
    def find(cls, config: Path | None) -> Project:
        """The project of `config`, or of the accord.toml/accord.yaml in the working directory or the
        nearest folder above it, up to the git repository's root."""
        if config is None:
            config = find_config(Path.cwd())
            if config is None:
                raise CliError(
                    f"no {' or '.join(CONFIG_NAMES[:2])} in {Path.cwd()} or its parents up to the repository "
                    "root; create one (see docs/ci.md) or pass --config"
                )
        if not config.is_file():
            raise CliError(f"configuration file {config} does not exist")
        return cls.parse(config.resolve(), config.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, config_path: Path, text: str) -> Project:
        """Parse configuration `text` as if it were the file at `config_path`."""
        try:
            document = _load_document(config_path, text)
            config = ProjectConfig.model_validate(document)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc']) or 'top level'}: {problem['msg']}"
                for problem in error.errors()
            )
            raise CliError(f"{display_path(config_path)} is not a valid configuration: {problems}") from None
        return cls(root=config_path.parent, config_path=config_path, config=config)

    def schema_files(self, *, missing_ok: bool = False) -> list[SchemaFile]:
        """Every configured schema file, in configuration order.

        `missing_ok` accepts entries that match no file (an older tree may not have them yet).
        """
        files: list[SchemaFile] = []
        by_subject: dict[str, Path] = {}
        by_path: dict[Path, int] = {}
        for number, entry in enumerate(self.config.schemas, start=1):
            paths = self._expand(entry, number, missing_ok=missing_ok)
            for path in paths:
                first = by_path.setdefault(path, number)
                if first != number:
                    raise CliError(
                        f"{display_path(self.config_path)}: {display_path(path)} is matched by both "
                        f"schemas[{first}] and schemas[{number}]; a file belongs to one subject, so narrow "
                        "the paths"
                    )
                schema_file = self._schema_file(entry, path)
                earlier = by_subject.setdefault(schema_file.subject, path)
                if earlier != path:
                    raise CliError(
                        f"{display_path(self.config_path)}: subject {schema_file.subject!r} is mapped from "
                        f"both {display_path(earlier)} and {display_path(path)}; "
                        "give each file its own subject"
                    )
                files.append(schema_file)
        return files

    def select(self, paths: Sequence[Path]) -> list[SchemaFile]:
        """The configured files under `paths` (files or directories); all of them when none are given."""
        files = self.schema_files()
        if not paths:
            return files
        wanted = [path.resolve() for path in paths]
        for path in wanted:
            if not path.exists():
                raise CliError(f"{display_path(path)} does not exist")
        chosen = [file for file in files if any(_is_within(file.path, path) for path in wanted)]
        unmapped = [path for path in wanted if path.is_file() and not any(f.path == path for f in files)]
        if unmapped:
            raise CliError(
                f"{display_path(unmapped[0])} is not mapped to a subject in {display_path(self.config_path)}"
            )
        return chosen

    def resolve_references(
        self, schema_file: SchemaFile, files: Iterable[SchemaFile]
    ) -> list[ResolvedReference]:
        """The texts of the schemas `schema_file` refers to, dependencies first, read from the project's
        files (for checks without a registry)."""
        by_path = {file.path: file for file in files}
        resolved: dict[str, ResolvedReference] = {}

        def visit(current: SchemaFile, chain: tuple[Path, ...]) -> None:
            for reference in current.references:
                if reference.path is None:
                    raise CliError(
                        f"{current.display}: reference {reference.name!r} names only a registry subject; "
                        "give its `path` so that checks without a registry can read it"
                    )
                target = by_path.get((self.root / reference.path).resolve())
                if target is None:
                    raise CliError(
                        f"{current.display}: reference {reference.name!r} points at {reference.path}, "
                        f"which is not a schema file of {display_path(self.config_path)}"
                    )
                if target.path in chain:
                    raise CliError(f"{current.display}: references form a cycle through {target.display}")
                visit(target, (*chain, target.path))
                resolved.setdefault(
                    reference.name,
                    ResolvedReference(
                        name=reference.name,
                        subject=target.subject,
                        version=0,  # not known without a registry, and not needed to parse
                        schema_type=target.schema_type,
                        text=target.text,
                    ),
                )

        visit(schema_file, (schema_file.path,))
        return list(resolved.values())

    @property
    def import_roots(self) -> list[Path]:
        """Where `.proto` imports resolve from, first match wins."""
        paths = self.config.proto_path
        return [(self.root / path).resolve() for path in ((paths,) if isinstance(paths, str) else paths)]

    def reference_target(self, reference: ReferenceConfig, files: Iterable[SchemaFile]) -> SchemaFile | None:
        """The project file a `path` reference points at."""
        if reference.path is None:
            return None
        target = (self.root / reference.path).resolve()
        return next((file for file in files if file.path == target), None)

    def _expand(self, entry: SchemaEntry, number: int, *, missing_ok: bool) -> list[Path]:
        if any(character in entry.path for character in "*?["):
            paths = sorted(path.resolve() for path in self.root.glob(entry.path) if path.is_file())
        else:
            path = (self.root / entry.path).resolve()
            paths = [path] if path.is_file() else []
        if not paths and not missing_ok:
            raise CliError(
                f"{display_path(self.config_path)}: schemas[{number}].path {entry.path!r} matches no file"
            )
        return paths

    def _schema_file(self, entry: SchemaEntry, path: Path) -> SchemaFile:
        schema_type = entry.type or SCHEMA_TYPES_BY_SUFFIX.get(path.suffix)
        if schema_type is None:
            raise CliError(f"{display_path(path)}: cannot tell the schema type from its name; set `type`")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CliError(f"{display_path(path)}: cannot be read: {error}") from None
        values = {"stem": path.stem, "topic": entry.topic or ""}
        if "record" in subject_placeholders(entry.subject):
            values["record"] = _record_name(path, text, schema_type)
        from registry.cli.proto.imports import import_path, import_references

        values["import"] = import_path(path, self.import_roots)
        references = entry.references
        if schema_type is SchemaType.PROTOBUF:
            references = import_references(self.root, self.import_roots, text, references)
        return SchemaFile(
            path=path,
            subject=entry.subject.format(**values),
            schema_type=schema_type,
            compatibility=entry.compatibility or self.config.compatibility,
            references=references,
            text=text,
            policy=entry.policy or self.config.policy,
            normalize=entry.normalize,
            metadata=entry.metadata.body() if entry.metadata else None,
            rule_set=entry.rule_set.body() if entry.rule_set else None,
        )


def find_config(start: Path) -> Path | None:
    """The configuration file in `start` or the nearest folder above it, up to the repository root
    (only `start` outside a repository). Two configuration files in one folder are an error."""
    root = repository_root(start)
    folders = [start] if root is None else [start, *start.parents[: len(start.parents) - len(root.parents)]]
    for folder in folders:
        found = [folder / name for name in CONFIG_NAMES if (folder / name).is_file()]
        if len(found) > 1:
            both = " and ".join(display_path(path) for path in found)
            raise CliError(f"both {both} exist; keep one configuration file")
        if found:
            return found[0]
    return None


def _record_name(path: Path, text: str, schema_type: SchemaType) -> str:
    """The full name that {record} stands for: Avro's namespace.name, JSON Schema's title."""
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    document = document if isinstance(document, dict) else {}
    name, namespace, title = document.get("name"), document.get("namespace"), document.get("title")
    if schema_type is SchemaType.AVRO and isinstance(name, str) and name:
        return f"{namespace}.{name}" if "." not in name and isinstance(namespace, str) and namespace else name
    if schema_type is SchemaType.JSON and isinstance(title, str) and title:
        return title
    what = "a named Avro type (`name`)" if schema_type is SchemaType.AVRO else "a JSON Schema `title`"
    raise CliError(f"{display_path(path)}: the subject uses {{record}}, but the file has no {what}")


def _load_document(config_path: Path, text: str) -> Any:
    if config_path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise CliError(f"{display_path(config_path)} cannot be parsed: {error}") from None
    import yaml  # only for YAML configurations: it is slow to import

    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise CliError(f"{display_path(config_path)} cannot be parsed: {error}") from None


def _is_within(path: Path, ancestor: Path) -> bool:
    return path == ancestor or ancestor in path.parents
