"""The published formats of the contract files, as JSON Schemas (contracts/file_schemas/), and the
check every file read goes through first, so a hand-edited file fails with the place and the rule
it breaks rather than a confusing error later.

- `<consumer>.expectations.json`: file_schemas/expectations.schema.json
- `<producer>.samples.json`: file_schemas/samples.schema.json
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Literal

import jsonschema
import orjson

from contracts.errors import ContractFileError

FileKind = Literal["expectations", "samples"]


@cache
def file_schema(kind: FileKind) -> dict[str, Any]:
    """The JSON Schema of one kind of contract file."""
    text = files("contracts").joinpath("file_schemas", f"{kind}.schema.json").read_bytes()
    schema: dict[str, Any] = orjson.loads(text)
    return schema


def check_file(document: Any, kind: FileKind, origin: str) -> None:
    """Raise ContractFileError naming the first place where `document` breaks its file format."""
    validator = jsonschema.Draft7Validator(file_schema(kind))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise ContractFileError(
            origin,
            f"not a valid {kind} file at {error.json_path}: {error.message} "
            f"(the format: contracts/file_schemas/{kind}.schema.json, docs/contracts.md)",
        )
