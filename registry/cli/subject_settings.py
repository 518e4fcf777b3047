"""What `register` carries beyond the schema: `normalize`, `metadata` and `ruleSet` from the config.

`normalize = true` is applied as the subject's setting (so every later registration normalizes too)
and asked for on lookups and registration. `metadata` and `ruleSet` go into the register body as in
Confluent's API; a schema registered with other metadata or rule set than declared gets a new version
carrying the declared ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from client import RegisteredSchema, Schema, SchemaNotFoundError
from registry.cli.project import SchemaFile

if TYPE_CHECKING:
    from client import RegistryClient


def declared(file: SchemaFile) -> dict[str, Any]:
    """The register body's parts the config declares for the file."""
    parts: dict[str, Any] = {}
    if file.metadata is not None:
        parts["metadata"] = file.metadata
    if file.rule_set is not None:
        parts["ruleSet"] = file.rule_set
    return parts


def lookup(client: RegistryClient, file: SchemaFile, schema: Schema) -> RegisteredSchema:
    """The version already holding this schema with the declared metadata and rule set, else
    SchemaNotFoundError."""
    body = client.lookup_version(file.subject, schema, normalize=bool(file.normalize), extra=declared(file))
    differs = [key for key, value in declared(file).items() if body.get(key) != value]
    if differs:
        message = f"registered without the declared {' and '.join(differs)}"
        raise SchemaNotFoundError(url=client.base_url, status=404, error_code=40403, message=message)
    return RegisteredSchema(file.subject, int(body["version"]), int(body["id"]), schema)


def register(client: RegistryClient, file: SchemaFile, schema: Schema) -> RegisteredSchema:
    """Register the file with its declared parts; the version it became."""
    normalize = bool(file.normalize)
    schema_id = client.register_version(file.subject, schema, normalize=normalize, extra=declared(file))
    body = client.lookup_version(file.subject, schema, normalize=normalize, extra=declared(file))
    return RegisteredSchema(file.subject, int(body["version"]), schema_id, schema)
