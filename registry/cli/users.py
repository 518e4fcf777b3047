"""`accord users`: add users and API keys to the credentials file (hashed), remove and list them.

The running registry notices the change within a second and applies it without a restart.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

app = typer.Typer(help="Users and API keys of the credentials file (ACCORD_AUTH_FILE).", no_args_is_help=True)

FileOption = Annotated[
    Path, typer.Option("--file", envvar="ACCORD_AUTH_FILE", help="The credentials file (TOML) to edit")
]
GrantOption = Annotated[
    list[str],
    typer.Option(
        "--grant",
        help="ROLE or ROLE:PATTERN[,PATTERN...] (roles: reader, writer, admin; patterns are subject globs "
        "such as 'orders-*', default '*'); repeat for several grants",
    ),
]


@app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="The user name (HTTP Basic)")],
    grant: GrantOption,
    file: FileOption,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input")
    ] = False,
) -> None:
    """Add a user, or replace its password and grants."""
    from registry.auth import hash_secret

    grants = _parse_grants(grant)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        _fail("the password must have at least 8 characters")
    document = _load(file)
    users = document.setdefault("users", {})
    verb = "updated" if name in users else "added"
    users[name] = {"password": hash_secret(password), "grants": grants}
    _save(file, document)
    typer.echo(f"user {name} {verb} in {file}")


@app.command("add-key")
def add_key(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. ci-pipeline")],
    grant: GrantOption,
    file: FileOption,
) -> None:
    """Create an API key and print its token once (clients send it as `Authorization: Bearer TOKEN`)."""
    from registry.auth import new_api_key

    grants = _parse_grants(grant)
    document = _load(file)
    keys = document.setdefault("keys", {})
    if name in keys:
        _fail(f"a key named {name!r} exists; remove it first to replace it")
    key_id, hashed, token = new_api_key()
    keys[name] = {"id": key_id, "secret": hashed, "grants": grants}
    _save(file, document)
    typer.echo(token)
    typer.echo(f"key {name} added to {file}; the token above is shown only now", err=True)


@app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="A user or key name")], file: FileOption) -> None:
    """Remove a user or an API key."""
    document = _load(file)
    removed = [kind for kind in ("users", "keys") if document.get(kind, {}).pop(name, None) is not None]
    if not removed:
        _fail(f"no user or key named {name!r} in {file}")
    _save(file, document)
    typer.echo(f"{name} removed from {file}")


@app.command("list")
def list_entries(file: FileOption) -> None:
    """The users and keys with their grants (never their secrets)."""
    document = _load(file)
    for kind, label in (("users", "user"), ("keys", "key")):
        for name, entry in sorted(document.get(kind, {}).items()):
            grants = "; ".join(
                f"{grant['role']} on {', '.join(grant.get('subjects', ['*']))}" for grant in entry["grants"]
            )
            typer.echo(f"{label}\t{name}\t{grants}")


def _parse_grants(values: list[str]) -> list[dict[str, Any]]:
    from registry.auth import Role

    grants = []
    for value in values:
        role, _, patterns = value.partition(":")
        try:
            Role.parse(role)
        except ValueError as error:
            _fail(str(error))
        subjects = [pattern.strip() for pattern in patterns.split(",") if pattern.strip()] or ["*"]
        grants.append({"role": role.lower(), "subjects": subjects})
    return grants


def _load(file: Path) -> dict[str, Any]:
    from registry.auth import CredentialsError
    from registry.auth.credentials import load_document

    try:
        return load_document(file)
    except CredentialsError as error:
        _fail(str(error))


def _save(file: Path, document: dict[str, Any]) -> None:
    """Write the whole file at once (a reader never sees half of it), readable by its owner only."""
    import tomli_w

    file.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(handle, "wb") as output:
            tomli_w.dump(document, output)
        os.chmod(temporary, 0o600)
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
