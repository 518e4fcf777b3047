"""Credentials files for tests: users and API keys with their grants, hashed as `accord users` hashes them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import tomli_w
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.auth import hash_secret, new_api_key
from registry.config import Settings


@dataclass
class CredentialsBuilder:
    """Users and keys to write as a credentials file; remembers each key's token."""

    users: dict[str, dict[str, object]] = field(default_factory=dict)
    keys: dict[str, dict[str, object]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def user(self, name: str, password: str, *grants: tuple[str, list[str]]) -> CredentialsBuilder:
        self.users[name] = {"password": hash_secret(password), "grants": _grants(grants)}
        return self

    def key(self, name: str, *grants: tuple[str, list[str]]) -> CredentialsBuilder:
        key_id, hashed, token = new_api_key()
        self.keys[name] = {"id": key_id, "secret": hashed, "grants": _grants(grants)}
        self.tokens[name] = token
        return self

    def toml(self) -> str:
        return tomli_w.dumps({"users": self.users, "keys": self.keys})


def basic(name: str, password: str) -> dict[str, str]:
    """The Authorization header of HTTP Basic."""
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _grants(grants: tuple[tuple[str, list[str]], ...]) -> list[dict[str, object]]:
    return [{"role": role, "subjects": subjects} for role, subjects in grants]


@contextmanager
def secured_client(
    database_url: str, credentials: CredentialsBuilder, **settings: object
) -> Iterator[TestClient]:
    """An in-process client of a registry on `database_url` with authentication on."""
    configured = Settings(database_url=database_url, auth_credentials=credentials.toml(), **settings)
    with TestClient(create_app(configured), raise_server_exceptions=False) as client:
        yield client
