"""Authentication (users with passwords, API keys) and authorization (roles on subject patterns).

Off unless a credentials source is configured (ACCORD_AUTH_FILE or ACCORD_AUTH_CREDENTIALS); see
docs/security.md for the model. The HTTP side (which route needs what, and the dependency that
checks it before every route) is registry.auth.access.
"""

from registry.auth.credentials import (
    Credentials,
    CredentialsError,
    CredentialStore,
    login_name,
    new_api_key,
)
from registry.auth.hashing import hash_secret, verify_secret
from registry.auth.permissions import ANONYMOUS, Access, Grant, Principal, Role
from registry.auth.throttle import LoginThrottle

__all__ = [
    "ANONYMOUS",
    "Access",
    "CredentialStore",
    "Credentials",
    "CredentialsError",
    "Grant",
    "LoginThrottle",
    "Principal",
    "Role",
    "hash_secret",
    "login_name",
    "new_api_key",
    "verify_secret",
]
