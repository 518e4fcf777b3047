"""The official AsyncAPI tooling from the npm registry, run with Node: @asyncapi/parser (which
validates against @asyncapi/specs) with @asyncapi/avro-schema-parser; and the 3.0.0 JSON Schema of
@asyncapi/specs, checked with python-jsonschema."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema

ROOT = Path(__file__).resolve().parents[3]
PARSE_SCRIPT = ROOT / "tests" / "support" / "asyncapi_parse.cjs"
SPECS = ROOT / "node_modules" / "@asyncapi" / "specs" / "schemas"


def parse_with_official_parser(document: str, tmp_path: Path) -> dict[str, Any]:
    """What @asyncapi/parser makes of `document` (YAML or JSON): its diagnostics and the channels,
    operations and messages it read."""
    node = shutil.which("node")
    assert node is not None, "Node is needed: the AsyncAPI parser is a Node package"
    assert (ROOT / "node_modules" / "@asyncapi" / "parser").exists(), "run `make node_modules/.installed`"
    path = tmp_path / "asyncapi-document"
    path.write_text(document, encoding="utf-8")
    finished = subprocess.run(
        [node, str(PARSE_SCRIPT), str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def specification_errors(document: dict[str, Any], version: str = "3.0.0") -> list[str]:
    """Where `document` breaks the AsyncAPI `version` JSON Schema of @asyncapi/specs."""
    schema = json.loads((SPECS / f"{version}.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(document)]
