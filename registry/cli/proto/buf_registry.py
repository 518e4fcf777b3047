"""`accord schema check --buf-category CATEGORY` against the registry: each `.proto` file against the
latest registered version of its subject (compiled with the registered versions it imports), by Buf's
rules. Subjects not registered yet pass; other files are checked by the registry as usual."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from client import SchemaNotFoundError
from registry.cli.project import Project, SchemaFile
from registry.cli.proto.buf_check import CHECK_TOOL, compile_one, judge
from registry.cli.proto.buf_rules import BufCategory
from registry.cli.proto.imports import import_path
from registry.compatibility import ResolvedReference, SchemaType
from registry.compatibility.reports import Report

if TYPE_CHECKING:
    from client import RegistryClient, SchemaReference
    from registry.cli.proto.buf_symbols import ProtoFile


def check_against_registry(
    project: Project, files: Sequence[SchemaFile], client: RegistryClient, category: BufCategory
) -> Report:
    from registry.cli import judging

    others = [file for file in files if file.schema_type is not SchemaType.PROTOBUF]
    base = judging.check_against_registry(project, others, client) if others else Report(tool=CHECK_TOOL)
    old_protos: dict[str, ProtoFile] = {}
    findings = []
    for file in project.schema_files():
        if file.schema_type is not SchemaType.PROTOBUF:
            continue
        try:
            registered = client.get_latest_version(file.subject)
        except SchemaNotFoundError:
            continue
        references = _resolved(client, registered.schema.references, {})
        name = import_path(file.path, project.import_roots)
        what = f"{file.subject} version {registered.version} (registry)"
        compiled = compile_one(name, registered.schema.schema_str, references, what, file.subject)
        if isinstance(compiled, list):
            findings += compiled
        else:
            old_protos[name] = compiled
    base = Report(tool=base.tool, cases=base.cases, findings=(*base.findings, *findings), notes=base.notes)
    return judge(project, files, old_protos, "the registry", category, base=base)


def _resolved(
    client: RegistryClient, references: Sequence[SchemaReference], seen: dict[str, ResolvedReference]
) -> list[ResolvedReference]:
    """The registered files `references` name, with theirs, dependencies first."""
    for reference in references:
        if reference.name in seen:
            continue
        registered = client.get_version(reference.subject, reference.version)
        _resolved(client, registered.schema.references, seen)
        seen[reference.name] = ResolvedReference(
            name=reference.name,
            subject=reference.subject,
            version=reference.version,
            schema_type=SchemaType.PROTOBUF,
            text=registered.schema.schema_str,
        )
    return list(seen.values())
