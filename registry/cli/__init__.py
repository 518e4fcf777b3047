"""`accord`: serve the registry, and check, register, lint, export and import schemas in CI.

Exit codes of the checking commands: 0 compatible or clean, 1 violations found, 2 usage,
configuration or connection error (docs/ci.md).

Other packages add command groups through the entry-point group "accord.commands": each entry point
names a typer app, added under the entry point's name (the contract harness registers `contracts`).
The registry never imports them itself.
"""

from __future__ import annotations

import typer

from registry.cli import catalog, outbox, plugins, schema, server, transfer, users

COMMAND_GROUPS = "accord.commands"

app = typer.Typer(
    help="Accord: a schema registry that speaks the Confluent Schema Registry API, and its CI tools.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(server.serve)
app.command()(server.migrate)
app.add_typer(schema.app, name="schema")
app.command("export")(transfer.export)
app.command("import")(catalog.import_)  # --asyncapi, else transfer.import_
app.add_typer(catalog.app, name="catalog")
for name, value in sorted(plugins.entry_points(COMMAND_GROUPS).items()):
    app.add_typer(plugins.load(value), name=name)
app.add_typer(users.app, name="users")
app.add_typer(outbox.app, name="outbox")


def main() -> None:
    app()
