"""`accord`: serve the registry, and check, register, lint, export and import schemas in CI.

Exit codes of the checking commands: 0 compatible or clean, 1 violations found, 2 usage,
configuration or connection error (docs/ci.md).
"""

from __future__ import annotations

import typer

from contracts.cli import app as contracts_app
from registry.cli import schema, server, transfer, users

app = typer.Typer(
    help="Accord: a schema registry that speaks the Confluent Schema Registry API, and its CI tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(server.serve)
app.command()(server.migrate)
app.add_typer(schema.app, name="schema")
app.command("export")(transfer.export)
app.command("import")(transfer.import_)
app.add_typer(contracts_app, name="contracts")
app.add_typer(users.app, name="users")


def main() -> None:
    app()
