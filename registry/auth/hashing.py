"""Hashing secrets (passwords and API key secrets) at rest with scrypt, and checking them.

A hash is stored as `scrypt$<n>$<r>$<p>$<salt>$<digest>` (salt and digest in URL-safe base64), so the
cost can be raised later without invalidating existing entries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt's interactive-login parameters: about 16 MiB and some tens of milliseconds per check.
COST = 2**14
BLOCK_SIZE = 8
PARALLELISM = 1
_SALT_BYTES = 16
_DIGEST_BYTES = 32
_PREFIX = "scrypt"


class MalformedHashError(ValueError):
    """A stored hash is not in the `scrypt$n$r$p$salt$digest` form."""


def hash_secret(secret: str) -> str:
    """A salted scrypt hash of `secret`, to store in the credentials file."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(secret, salt, COST, BLOCK_SIZE, PARALLELISM)
    return "$".join((_PREFIX, str(COST), str(BLOCK_SIZE), str(PARALLELISM), _encode(salt), _encode(digest)))


def check_hash(stored: str) -> None:
    """Raise MalformedHashError unless `stored` is a hash this module can verify."""
    _parse(stored)


def verify_secret(secret: str, stored: str) -> bool:
    """Whether `secret` is the one `stored` was made from (constant-time comparison)."""
    cost, block_size, parallelism, salt, digest = _parse(stored)
    return hmac.compare_digest(_scrypt(secret, salt, cost, block_size, parallelism), digest)


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _PREFIX:
        raise MalformedHashError("not a scrypt$n$r$p$salt$digest hash")
    try:
        cost, block_size, parallelism = (int(part) for part in parts[1:4])
        salt, digest = _decode(parts[4]), _decode(parts[5])
    except ValueError:
        raise MalformedHashError("the scrypt parameters or encodings are malformed") from None
    if (
        cost < 2
        or cost & (cost - 1)
        or cost > 2**20
        or not 1 <= block_size <= 32
        or not 1 <= parallelism <= 16
    ):
        raise MalformedHashError("the scrypt parameters are out of range")
    if not salt or len(digest) != _DIGEST_BYTES:
        raise MalformedHashError("the salt is empty or the digest has the wrong length")
    return cost, block_size, parallelism, salt, digest


def _scrypt(secret: str, salt: bytes, cost: int, block_size: int, parallelism: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"),
        salt=salt,
        n=cost,
        r=block_size,
        p=parallelism,
        maxmem=256 * cost * block_size + 2**20,
        dklen=_DIGEST_BYTES,
    )


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
