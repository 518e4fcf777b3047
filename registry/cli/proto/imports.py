"""A `.proto` file's imports as schema references: the reference name is the import path, and the
target is the file at that path under the project's import root (`proto_path`, default the config's
folder), as protoc's `-I` would find it. Google's well-known types and Confluent's two files need no
reference; an import found nowhere is left to protoc, which reports it on its line.

Cheap on purpose (a regular expression over the text, no protoc): the configuration is read by every
command, most of which never compile anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from registry.cli.project import ReferenceConfig

if TYPE_CHECKING:
    from registry.compatibility import ResolvedReference

WELL_KNOWN_PREFIX = "google/protobuf/"
CONFLUENT_FILES = frozenset({"confluent/meta.proto", "confluent/type/decimal.proto"})

_COMMENT = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.DOTALL)
_IMPORT = re.compile(r'\bimport\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;')


def imports_of(text: str) -> list[str]:
    """The import paths of `.proto` source, in file order (comments are not read)."""
    code = _COMMENT.sub(lambda match: match.group(0) if match.group(0).startswith('"') else " ", text)
    return [match.group(1) for match in _IMPORT.finditer(code)]


def needs_reference(name: str) -> bool:
    """Whether an import of `name` must be registered (not a well-known or Confluent file)."""
    return not (name.startswith(WELL_KNOWN_PREFIX) or name in CONFLUENT_FILES)


def import_references(
    root: Path, import_roots: Sequence[Path], text: str, declared: Iterable[ReferenceConfig]
) -> tuple[ReferenceConfig, ...]:
    """The declared references, then one per import that resolves to a file under `import_roots`
    (paths relative to the project `root`)."""
    references = list(declared)
    named = {reference.name for reference in references}
    for name in imports_of(text):
        if name in named or not needs_reference(name):
            continue
        target = next((base / name for base in import_roots if (base / name).is_file()), None)
        if target is None:
            continue
        references.append(ReferenceConfig(name=name, path=Path(os.path.relpath(target, root)).as_posix()))
        named.add(name)
    return tuple(references)


def import_path(path: Path, import_roots: Sequence[Path]) -> str:
    """The path other files import `path` by: relative to the first import root that holds it (its
    name alone when none does)."""
    for base in import_roots:
        if base == path.parent or base in path.parents:
            return path.relative_to(base).as_posix()
    return path.name


def resolved_imports(text: str, import_roots: Sequence[Path]) -> list[ResolvedReference]:
    """The files `text` imports, read from `import_roots`, dependencies first (for two files compared
    without a configuration). Imports found nowhere are left to protoc to report."""
    from registry.compatibility import ResolvedReference, SchemaType

    resolved: dict[str, ResolvedReference] = {}

    def visit(source: str, chain: tuple[str, ...]) -> None:
        for name in imports_of(source):
            if name in resolved or name in chain or not needs_reference(name):
                continue
            target = next((base / name for base in import_roots if (base / name).is_file()), None)
            if target is None:
                continue
            imported = target.read_text(encoding="utf-8")
            visit(imported, (*chain, name))
            resolved[name] = ResolvedReference(
                name=name, subject=name, version=0, schema_type=SchemaType.PROTOBUF, text=imported
            )

    visit(text, ())
    return list(resolved.values())
