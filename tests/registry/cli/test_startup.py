"""What `accord` loads before it knows which command runs: its command groups (the contract harness's
through the entry-point group "accord.commands"), and none of the libraries a command needs only once
it runs (HTTP, JSON Schema, pydantic, the schema parsers, the harness's checks), so `accord --help`
and every command start fast."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

from typer.testing import CliRunner

from registry.cli import COMMAND_GROUPS, app

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent(
    """
    import sys

    import registry.cli

    heavy = {
        "httpx", "jsonschema", "pydantic", "yaml", "fastapi", "sqlalchemy", "hypothesis", "fastavro",
        "avro", "registry.compatibility.parsers", "registry.cli.checks", "registry.cli.project",
        "contracts.checks", "contracts.remote", "contracts.matchers", "contracts.commands",
        "rich", "email", "importlib.metadata", "grpc_tools", "google.protobuf",
    }
    loaded = sorted(name for name in sys.modules if name in heavy or name.split(".")[0] in heavy)
    print("loaded", loaded, "contracts.cli" in sys.modules)
    """
)


def test_the_accord_command_loads_no_heavy_module_before_a_command_runs():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded [] True"


def test_the_harness_commands_come_from_the_entry_point_group():
    groups = {entry_point.name: entry_point.value for entry_point in entry_points(group=COMMAND_GROUPS)}
    result = CliRunner().invoke(app, ["contracts", "--help"])

    assert groups == {"contracts": "contracts.cli:app"}

    assert result.exit_code == 0, result.output
    for command in ("publish", "verify", "can-i-deploy", "record-deployment"):
        assert command in result.output
