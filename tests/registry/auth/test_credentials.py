"""The credentials file: hashing at rest, parsing with precise errors, authenticating headers, reloading."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest

from registry.auth import CredentialsError, CredentialStore, Role, hash_secret, verify_secret
from registry.auth import credentials as credentials_module
from tests.support.credentials import CredentialsBuilder, basic, bearer


def test_a_hash_verifies_its_secret_only_and_is_salted() -> None:
    first, second = hash_secret("correct horse"), hash_secret("correct horse")
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")
    assert verify_secret("correct horse", first)
    assert verify_secret("correct horse", second)
    assert not verify_secret("correct horsE", first)
    assert "correct horse" not in first


def test_headers_authenticate_users_and_keys() -> None:
    builder = (
        CredentialsBuilder()
        .user("alice", "s3cret-pass", ("writer", ["orders-*"]))
        .key("ci", ("admin", ["*"]))
    )
    store = CredentialStore(text=builder.toml())
    alice = store.authenticate(basic("alice", "s3cret-pass")["Authorization"])
    assert alice is not None
    assert alice.name == "alice"
    assert alice.kind == "user"
    assert alice.grants[0].role is Role.WRITER
    assert alice.grants[0].subjects == ("orders-*",)
    ci = store.authenticate(bearer(builder.tokens["ci"])["Authorization"])
    assert ci is not None
    assert ci.name == "ci"
    assert ci.kind == "key"
    for wrong in (
        basic("alice", "wrong-pass")["Authorization"],
        basic("mallory", "s3cret-pass")["Authorization"],
        bearer(builder.tokens["ci"][:-1] + "x")["Authorization"],
        "Bearer accord.nope",
        "Basic !!!not-base64",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Digest username=alice",
    ):
        assert store.authenticate(wrong) is None, wrong


def test_a_verified_header_is_remembered_without_its_secret() -> None:
    builder = CredentialsBuilder().user("alice", "s3cret-pass", ("reader", ["*"]))
    store = CredentialStore(text=builder.toml())
    header = basic("alice", "s3cret-pass")["Authorization"]
    assert store.cached(header) is None
    assert store.authenticate(header) is not None
    cached = store.cached(header)
    assert cached is not None
    assert cached.principal.name == "alice"
    assert store.cached(basic("alice", "other-pass")["Authorization"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("users = 3", "users: Input should be a valid dictionary"),
        ('[users.a]\npassword = "plain"\ngrants = [{role = "reader"}]', "users.a.password"),
        ('[users.a]\npassword = "x"\ngrants = [{role = "owner"}]', "unknown role 'owner'"),
        ("[users.a\n", "is not TOML"),
        ('[users.a]\ngrants = [{role = "reader"}]', "users.a.password: Field required"),
        ("[teams.a]\nx = 1", "teams: Extra inputs are not permitted"),
    ],
)
def test_malformed_files_are_refused_naming_the_entry(text: str, expected: str) -> None:
    with pytest.raises(CredentialsError, match="ACCORD_AUTH_CREDENTIALS") as raised:
        CredentialStore(text=text)
    assert expected in str(raised.value)


def test_a_missing_file_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="cannot read the credentials file"):
        CredentialStore(path=tmp_path / "absent.toml")


def test_the_file_is_reloaded_when_it_changes_and_a_broken_one_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(credentials_module, "RELOAD_CHECK_SECONDS", 0.0)
    path = tmp_path / "users.toml"
    path.write_text(CredentialsBuilder().user("alice", "s3cret-pass", ("reader", ["*"])).toml())
    store = CredentialStore(path=path)
    alice, bob = basic("alice", "s3cret-pass")["Authorization"], basic("bob", "b0b-password")["Authorization"]
    assert store.authenticate(alice) is not None
    assert store.cached(alice) is not None
    assert store.authenticate(bob) is None

    _rewrite(path, CredentialsBuilder().user("bob", "b0b-password", ("admin", ["*"])).toml())
    assert store.cached(alice) is None  # the change dropped what was remembered
    assert store.authenticate(alice) is None
    assert store.authenticate(bob) is not None

    _rewrite(path, "this is [not toml")
    assert store.cached(bob) is not None
    assert store.authenticate(bob) is not None  # the last good credentials stay in force


def _rewrite(path: Path, text: str) -> None:
    stamp = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(stamp + 1_000_000, stamp + 1_000_000))
    time.sleep(0.001)
