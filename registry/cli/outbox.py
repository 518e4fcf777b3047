"""`accord outbox relay`: the client's outbox relay (client/delivery/relay_command.py, also installed as
`accord-outbox-relay`) under the `accord` command, with the same options, help and exit codes."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The transactional outbox of the client library (docs/client.md).", no_args_is_help=True
)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def relay(context: typer.Context) -> None:
    """Relay events from a PostgreSQL outbox to RabbitMQ or Kafka (--help for the options)."""
    from client.delivery.relay_command import main

    raise typer.Exit(main(context.args, prog="accord outbox relay"))
