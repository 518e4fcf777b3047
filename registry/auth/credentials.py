"""The credentials file: users (HTTP Basic) and API keys (Bearer), each with its grants, hashed at rest.

    [users.alice]
    password = "scrypt$16384$8$1$..."            # `accord users add` writes these entries
    grants = [{ role = "writer", subjects = ["orders-*"] }, { role = "reader", subjects = ["*"] }]

    [keys.ci-pipeline]
    id = "9f2c41d07ab3"                          # the token is accord.<id>.<secret>
    secret = "scrypt$16384$8$1$..."
    grants = [{ role = "admin" }]

`CredentialStore` reads the file (or the same text from the environment), notices when the file
changes and reloads it without a restart, and turns an Authorization header into a `Principal`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import os
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from registry.auth.hashing import MalformedHashError, check_hash, hash_secret, verify_secret
from registry.auth.permissions import Access, Grant, Principal, Role
from registry.bounded_cache import BoundedCache

log = logging.getLogger("registry.auth")

TOKEN_PREFIX = "accord"
RELOAD_CHECK_SECONDS = 1.0


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user or key does not exist, so that a miss takes as long as a wrong
    secret. Made by the first credential store, not at import: hashing is slow on purpose."""
    return hash_secret(secrets.token_urlsafe(16))


class CredentialsError(ValueError):
    """The credentials file is missing, not TOML, or has an entry of the wrong shape."""


class _GrantEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str
    subjects: list[str] = Field(default_factory=lambda: ["*"], min_length=1)

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        Role.parse(value)
        return value

    def grant(self) -> Grant:
        return Grant(Role.parse(self.role), tuple(self.subjects))


def _hash_field(value: str) -> str:
    try:
        check_hash(value)
    except MalformedHashError as error:
        raise ValueError(f"{error}; write entries with `accord users add`") from None
    return value


class _UserEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str
    grants: list[_GrantEntry] = Field(min_length=1)

    _check_password = field_validator("password")(_hash_field)


class _KeyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")
    secret: str
    grants: list[_GrantEntry] = Field(min_length=1)

    _check_secret = field_validator("secret")(_hash_field)


class _CredentialsDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    users: dict[str, _UserEntry] = Field(default_factory=dict)
    keys: dict[str, _KeyEntry] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Secret:
    principal: Principal
    hashed: str


@dataclass(frozen=True, slots=True)
class Credentials:
    """The users by name and the API keys by id, as one file states them."""

    users: dict[str, _Secret]
    keys: dict[str, _Secret]

    @classmethod
    def parse(cls, text: str, *, source: str) -> Credentials:
        try:
            document = _CredentialsDocument.model_validate(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise CredentialsError(f"{source} is not TOML: {error}") from None
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
            )
            raise CredentialsError(f"{source} has malformed entries: {problems}") from None
        users = {
            name: _Secret(Principal(name, tuple(g.grant() for g in entry.grants)), entry.password)
            for name, entry in document.users.items()
        }
        keys: dict[str, _Secret] = {}
        for name, entry in document.keys.items():
            if entry.id in keys:
                raise CredentialsError(
                    f"{source}: keys '{keys[entry.id].principal.name}' and '{name}' share id"
                )
            keys[entry.id] = _Secret(
                Principal(name, tuple(g.grant() for g in entry.grants), "key"), entry.secret
            )
        return cls(users, keys)

    def authenticate(self, authorization: str) -> Principal | None:
        """The principal whose secret the Authorization header carries, or None (slow: scrypt)."""
        scheme, _, value = authorization.strip().partition(" ")
        scheme = scheme.lower()
        if scheme == "basic":
            name, secret = _basic_credentials(value.strip())
            entry = self.users.get(name) if name is not None else None
        elif scheme == "bearer":
            key_id, secret = _token_parts(value.strip())
            entry = self.keys.get(key_id) if key_id is not None else None
        else:
            return None
        if entry is None or secret is None:
            verify_secret("", _dummy_hash())
            return None
        return entry.principal if verify_secret(secret, entry.hashed) else None


def login_name(authorization: str) -> str | None:
    """The user name of Basic credentials or the key id of a Bearer token (not secret), if any."""
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "basic":
        return _basic_credentials(value.strip())[0]
    if scheme.lower() == "bearer":
        return _token_parts(value.strip())[0]
    return None


def new_api_key() -> tuple[str, str, str]:
    """A fresh API key: its id, its secret's hash to store, and the token to hand out once."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return key_id, hash_secret(secret), f"{TOKEN_PREFIX}.{key_id}.{secret}"


def _basic_credentials(value: str) -> tuple[str | None, str | None]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None, None
    name, separator, secret = decoded.partition(":")
    return (name, secret) if separator else (None, None)


def _token_parts(token: str) -> tuple[str | None, str | None]:
    prefix, _, rest = token.partition(".")
    key_id, _, secret = rest.partition(".")
    if prefix != TOKEN_PREFIX or not key_id or not secret:
        return None, None
    return key_id, secret


class CredentialStore:
    """The current credentials: from a file (reloaded when it changes) or from fixed text.

    Verified Authorization headers are remembered with their caller's `Access` (keyed by a MAC with a
    per-process key, so the cache holds no secret) until the credentials change, so clients that send
    Basic auth on every request pay for scrypt once, and every request of a caller shares its decisions.
    """

    def __init__(self, *, path: Path | None = None, text: str | None = None) -> None:
        if (path is None) == (text is None):
            raise ValueError("give the credentials file or its text, not both")
        _dummy_hash()
        self._path = path
        self._lock = threading.Lock()
        self._cache_key = secrets.token_bytes(32)
        self._verified = BoundedCache[bytes, Access](4096)
        self._next_check = time.monotonic() + RELOAD_CHECK_SECONDS
        self._stamp: tuple[int, int, int] | None = None
        if path is not None:
            self._stamp = _stamp(path)
            self._credentials = Credentials.parse(_read(path), source=str(path))
        else:
            assert text is not None
            self._credentials = Credentials.parse(text, source="ACCORD_AUTH_CREDENTIALS")

    def cached(self, authorization: str) -> Access | None:
        """The caller of an Authorization header verified before, if the credentials did not change."""
        self._reload_if_changed()
        return self._verified.get(self._fingerprint(authorization))

    def authenticate(self, authorization: str) -> Principal | None:
        """Verify the header (scrypt, so call it off the event loop); remember it when it is right."""
        credentials = self._credentials
        principal = credentials.authenticate(authorization)
        if principal is not None and credentials is self._credentials:
            self._verified.put(self._fingerprint(authorization), Access(principal))
        return principal

    def _fingerprint(self, authorization: str) -> bytes:
        # Keyed BLAKE2 is a MAC in one call, several times cheaper than HMAC-SHA256 per request.
        return hashlib.blake2b(
            authorization.encode("utf-8", "surrogatepass"), key=self._cache_key, digest_size=32
        ).digest()

    def _reload_if_changed(self) -> None:
        if self._path is None or time.monotonic() < self._next_check:
            return
        with self._lock:
            if time.monotonic() < self._next_check:
                return
            self._next_check = time.monotonic() + RELOAD_CHECK_SECONDS
            try:
                stamp = _stamp(self._path)
                if stamp == self._stamp:
                    return
                credentials = Credentials.parse(_read(self._path), source=str(self._path))
            except CredentialsError as error:
                log.error("credentials not reloaded, the previous ones stay in force: %s", error)
                return
            self._credentials = credentials
            self._stamp = stamp
            self._verified = BoundedCache[bytes, Access](4096)
            log.info("credentials reloaded from %s", self._path)


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        status = os.stat(path)
    except OSError as error:
        raise CredentialsError(f"cannot read the credentials file {path}: {error.strerror}") from None
    return status.st_mtime_ns, status.st_size, status.st_ino


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CredentialsError(f"cannot read the credentials file {path}: {error}") from None


def load_document(path: Path) -> dict[str, Any]:
    """The credentials file as TOML data, for `accord users` to edit (an absent file is empty)."""
    if not path.exists():
        return {}
    text = _read(path)
    Credentials.parse(text, source=str(path))
    return tomllib.loads(text)
