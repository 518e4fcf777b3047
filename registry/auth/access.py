"""Authentication and authorization of every route, in one place.

`RULES` names what each route needs; `authorize` runs before every route of the application (it is
the application's own dependency), authenticates the caller and applies the route's rule. Routes
whose answer depends on more than their path (listings, schemas by id, references, contracts naming
subjects) take the caller's `Access` (AccessDep) and ask it. A route missing from `RULES` is refused,
and a test checks that every route has a rule.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from enum import Enum
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from registry import errors
from registry.auth import Access, CredentialStore, LoginThrottle, Principal, Role, login_name
from registry.auth.permissions import UNRESTRICTED

log = logging.getLogger("registry.auth")
LOGGED_SCHEMES = frozenset({"basic", "bearer"})


class Scope(Enum):
    PUBLIC = "public"  # no credentials needed
    CALLER = "caller"  # any authenticated caller; the route filters what it shows
    SUBJECT = "subject"  # the role on the subject in the path
    REGISTRY = "registry"  # the role on every subject (a grant on '*')
    SOMEWHERE = "somewhere"  # the role on any subject (contracts, which belong to no one subject)


@dataclass(frozen=True, slots=True)
class Rule:
    scope: Scope
    role: Role = Role.READER


PUBLIC = Rule(Scope.PUBLIC)
CALLER = Rule(Scope.CALLER)
READ_SUBJECT = Rule(Scope.SUBJECT, Role.READER)
WRITE_SUBJECT = Rule(Scope.SUBJECT, Role.WRITER)
ADMINISTER_SUBJECT = Rule(Scope.SUBJECT, Role.ADMIN)
ADMINISTER_REGISTRY = Rule(Scope.REGISTRY, Role.ADMIN)
WRITE_CONTRACTS = Rule(Scope.SOMEWHERE, Role.WRITER)
ADMINISTER_SOMEWHERE = Rule(Scope.SOMEWHERE, Role.ADMIN)

RULES: dict[tuple[str, str], Rule] = {
    # server
    ("GET", "/"): CALLER,
    ("GET", "/contexts"): CALLER,
    ("GET", "/v1/metadata/id"): CALLER,
    ("GET", "/v1/metadata/version"): CALLER,
    ("GET", "/health/live"): PUBLIC,
    ("GET", "/health/ready"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    # subjects
    ("GET", "/subjects"): CALLER,
    ("POST", "/subjects/{subject}"): READ_SUBJECT,
    ("DELETE", "/subjects/{subject}"): ADMINISTER_SUBJECT,
    ("GET", "/subjects/{subject}/versions"): READ_SUBJECT,
    ("POST", "/subjects/{subject}/versions"): WRITE_SUBJECT,
    ("GET", "/subjects/{subject}/versions/{version}"): READ_SUBJECT,
    ("GET", "/subjects/{subject}/versions/{version}/schema"): READ_SUBJECT,
    ("DELETE", "/subjects/{subject}/versions/{version}"): ADMINISTER_SUBJECT,
    ("GET", "/subjects/{subject}/versions/{version}/referencedby"): READ_SUBJECT,
    # schemas (by id: readable when one of the subjects using the schema is)
    ("GET", "/schemas"): CALLER,
    ("GET", "/schemas/types"): CALLER,
    ("GET", "/schemas/ids/{id}"): CALLER,
    ("GET", "/schemas/ids/{id}/schema"): CALLER,
    ("GET", "/schemas/ids/{id}/subjects"): CALLER,
    ("GET", "/schemas/ids/{id}/versions"): CALLER,
    # compatibility
    ("POST", "/compatibility/subjects/{subject}/versions/{version}"): READ_SUBJECT,
    ("POST", "/compatibility/subjects/{subject}/versions"): READ_SUBJECT,
    # config and mode
    ("GET", "/config"): CALLER,
    ("PUT", "/config"): ADMINISTER_REGISTRY,
    ("DELETE", "/config"): ADMINISTER_REGISTRY,
    ("GET", "/config/{subject}"): READ_SUBJECT,
    ("PUT", "/config/{subject}"): ADMINISTER_SUBJECT,
    ("DELETE", "/config/{subject}"): ADMINISTER_SUBJECT,
    ("GET", "/mode"): CALLER,
    ("PUT", "/mode"): ADMINISTER_REGISTRY,
    ("DELETE", "/mode"): ADMINISTER_REGISTRY,
    ("GET", "/mode/{subject}"): READ_SUBJECT,
    ("PUT", "/mode/{subject}"): ADMINISTER_SUBJECT,
    ("DELETE", "/mode/{subject}"): ADMINISTER_SUBJECT,
    # contracts: publishing needs the writer role somewhere (and reading the subjects expected);
    # turning enforcement off for a subject is administering it
    ("PUT", "/contracts/consumers/{consumer}/versions/{version}/expectations"): WRITE_CONTRACTS,
    ("GET", "/contracts/consumers/{consumer}/versions/{version}/expectations"): CALLER,
    ("GET", "/contracts/expectations"): CALLER,
    ("PUT", "/contracts/producers/{producer}/versions/{version}/samples"): WRITE_CONTRACTS,
    ("GET", "/contracts/producers/{producer}/versions/{version}/samples"): CALLER,
    ("GET", "/contracts/samples"): CALLER,
    ("POST", "/contracts/results"): WRITE_CONTRACTS,
    ("GET", "/contracts/matrix"): CALLER,
    ("POST", "/contracts/deployments"): WRITE_CONTRACTS,
    ("GET", "/contracts/deployments"): CALLER,
    ("GET", "/contracts/can-i-deploy"): CALLER,
    ("GET", "/contracts/subjects/{subject}/enforcement"): READ_SUBJECT,
    ("PUT", "/contracts/subjects/{subject}/enforcement"): ADMINISTER_SUBJECT,
    # the event catalog: what the caller may read of subjects and contracts
    ("GET", "/catalog/asyncapi"): CALLER,
    # the audit log: administrators see the entries of what they administer
    ("GET", "/audit"): ADMINISTER_SOMEWHERE,
    # the API's documentation page, as the OpenAPI document it shows
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    # the web UI: pages check each subject they show through the catalog
    ("GET", "/ui"): CALLER,
    ("GET", "/ui/"): CALLER,
    ("GET", "/ui/subjects"): CALLER,
    ("GET", "/ui/subjects/{subject:path}/versions/{version}"): READ_SUBJECT,
    ("GET", "/ui/subjects/{subject:path}/diff"): READ_SUBJECT,
    ("GET", "/ui/subjects/{subject:path}"): READ_SUBJECT,
    ("GET", "/ui/schemas"): CALLER,
    ("GET", "/ui/schemas/{schema_id}"): CALLER,
    ("GET", "/ui/{unknown:path}"): CALLER,
    # its catalog pages show what GET /catalog/asyncapi shows the caller
    ("GET", "/ui/catalog"): CALLER,
    ("GET", "/ui/catalog/event-types/{event_type:path}"): CALLER,
    # its contract pages read what the contract API lets every caller read
    ("GET", "/ui/contracts"): CALLER,
    ("GET", "/ui/contracts/event-types/{event_type:path}"): CALLER,
    ("GET", "/ui/contracts/can-i-deploy"): CALLER,
    ("GET", "/ui/contracts/results"): CALLER,
    # and its audit log page, as GET /audit
    ("GET", "/ui/audit"): ADMINISTER_SOMEWHERE,
}


class Gate:
    """Turns a request's Authorization header into the caller's `Access`.

    A header verified before is answered from the credential store's cache. Any other costs one scrypt:
    at most `checks_at_once` run together, so wrong passwords cannot take every thread and core, and
    failures are throttled per client address and user name (429 with Retry-After).
    """

    def __init__(self, store: CredentialStore, *, throttle: LoginThrottle, checks_at_once: int) -> None:
        self.store = store
        self.throttle = throttle
        self.checks_at_once = checks_at_once
        self._checks: asyncio.Semaphore | None = None  # made on the serving event loop, on first use

    async def access_for(self, request: Request) -> Access:
        authorization = request.headers.get("authorization")
        if not authorization:
            raise errors.UnauthenticatedError()
        return self.store.cached(authorization) or Access(await self._check(request, authorization))

    async def _check(self, request: Request, authorization: str) -> Principal:
        address = request.client.host if request.client else None
        name = login_name(authorization)
        if self._checks is None:
            self._checks = asyncio.Semaphore(self.checks_at_once)
        self._refuse_if_throttled(address, name)
        async with self._checks:
            self._refuse_if_throttled(address, name)  # failures may have been counted while waiting
            principal = await run_in_threadpool(self.store.authenticate, authorization)
        if principal is None:
            self.throttle.record_failure(address=address, name=name)
            # Only a known scheme's name is logged: no part of a credential ever is.
            scheme = authorization.split(" ", 1)[0].lower()
            log.warning(
                "authentication failed",
                extra={"scheme": scheme if scheme in LOGGED_SCHEMES else "other", "path": request.url.path},
            )
            raise errors.UnauthenticatedError("Unauthorized: the credentials match no user or API key")
        return principal

    def _refuse_if_throttled(self, address: str | None, name: str | None) -> None:
        wait = self.throttle.retry_after(address=address, name=name)
        if wait is not None:
            raise errors.TooManyRequestsError(
                f"Too many failed logins from this address or for this user: try again in {wait} s",
                retry_after=wait,
            )


def rule_of(request: Request) -> Rule | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    method = "GET" if request.method == "HEAD" else request.method
    return RULES.get((method, path)) if path is not None else None


async def authorize(request: Request) -> Access:
    """The caller's Access, once it passed the rule of the route (401, 403 or 404 otherwise)."""
    gate: Gate | None = request.app.state.gate
    rule = rule_of(request)
    if rule is None:
        log.error("route without an authorization rule refused", extra={"path": request.url.path})
        raise errors.ForbiddenError("This route has no authorization rule; it is refused to everyone")
    if gate is None or rule.scope is Scope.PUBLIC:
        request.state.access = UNRESTRICTED
        return UNRESTRICTED
    access = await gate.access_for(request)
    if rule.scope is Scope.SUBJECT:
        access.require(rule.role, request.path_params["subject"])
    elif rule.scope is Scope.REGISTRY:
        access.require_registry(rule.role)
    elif rule.scope is Scope.SOMEWHERE:
        access.require_somewhere(rule.role)
    request.state.access = access
    return access


AccessDep = Annotated[Access, Depends(authorize)]


def access_of(request: Request) -> Access:
    """The caller's Access that `authorize` (which runs before every route) left on the request."""
    access: Access = request.state.access
    return access
