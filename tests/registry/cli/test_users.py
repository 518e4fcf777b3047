"""`accord users`: hashed entries the registry accepts, keys shown once, precise refusals."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from registry.auth import CredentialStore
from registry.cli import app
from tests.support.credentials import basic, bearer

runner = CliRunner()


def test_added_users_and_keys_authenticate_and_no_secret_is_stored(tmp_path: Path) -> None:
    file = tmp_path / "auth" / "users.toml"
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "alice",
            "--grant",
            "reader",
            "--grant",
            "writer:orders-*,payments-*",
            "--file",
            str(file),
            "--password-stdin",
        ],
        input="alice-password\n",
    )
    assert added.exit_code == 0, added.output
    key = runner.invoke(app, ["users", "add-key", "ci", "--grant", "admin:orders-*", "--file", str(file)])
    assert key.exit_code == 0, key.output
    token = key.stdout.strip().splitlines()[0]
    assert token.startswith("accord.")

    stored = file.read_text()
    assert "alice-password" not in stored
    assert token.split(".")[2] not in stored
    assert file.stat().st_mode & 0o777 == 0o600
    store = CredentialStore(path=file)
    alice = store.authenticate(basic("alice", "alice-password")["Authorization"])
    assert alice is not None
    assert [grant.subjects for grant in alice.grants] == [
        ("*",),
        ("orders-*", "payments-*"),
    ]
    ci = store.authenticate(bearer(token)["Authorization"])
    assert ci is not None
    assert ci.name == "ci"

    listing = runner.invoke(app, ["users", "list", "--file", str(file)])
    assert listing.stdout.splitlines() == [
        "user\talice\treader on *; writer on orders-*, payments-*",
        "key\tci\tadmin on orders-*",
    ]
    assert runner.invoke(app, ["users", "remove", "alice", "--file", str(file)]).exit_code == 0
    assert CredentialStore(path=file).authenticate(basic("alice", "alice-password")["Authorization"]) is None


def test_refusals_name_the_problem(tmp_path: Path) -> None:
    file = tmp_path / "users.toml"
    cases = [
        (
            ["users", "add", "bob", "--grant", "owner", "--password-stdin"],
            "secret-password\n",
            "unknown role 'owner'",
        ),
        (["users", "add", "bob", "--password-stdin"], "secret-password\n", "Missing option '--grant'"),
        (
            ["users", "add", "bob", "--grant", "reader", "--password-stdin"],
            "short\n",
            "at least 8 characters",
        ),
        (["users", "remove", "nobody"], None, "no user or key named 'nobody'"),
    ]
    for arguments, given, message in cases:
        result = runner.invoke(app, [*arguments, "--file", str(file)], input=given)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    file.write_text("[users.x]\npassword = 'plain'\n")
    broken = runner.invoke(app, ["users", "list", "--file", str(file)])
    assert broken.exit_code == 2
    assert "malformed entries" in broken.stderr
