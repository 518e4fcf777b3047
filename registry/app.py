"""create_app(settings): the registry's ASGI application. Nothing is built at import time.

This is where the parts meet: create_app builds every service once, with its collaborators, keeps
them on `app.state.services`, and includes every feature's routes.
"""

from __future__ import annotations

import gc
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline

from registry.audit import api as audit
from registry.auth import CredentialStore, LoginThrottle
from registry.auth.access import Gate, authorize
from registry.catalog import api as catalog
from registry.config import Settings
from registry.contract_store import api as contracts
from registry.contract_store.guard import ContractRegistrationGuard
from registry.db import Database
from registry.metrics import Metrics
from registry.schemas import (
    CandidateParser,
    CompatibilityChecker,
    DeletionService,
    ImportPurge,
    OutputFormats,
    RegistrationGuard,
    RegistrationService,
    SchemaLookup,
    SchemaStore,
    SchemaViews,
)
from registry.schemas.api import compatibility_router, subjects_router
from registry.schemas.schemas_api import by_id_router, schemas_router
from registry.schemas.warm_up import CacheWarmUp
from registry.settings import SettingsService
from registry.settings.api import config_router, mode_router
from registry.ui import install_ui
from registry.web import server
from registry.web.dependencies import Services
from registry.web.error_handlers import install_error_handlers
from registry.web.media import RegistryJSONResponse
from registry.web.middleware import RequestGuard
from registry.web.rate_limit import RateLimiter

DOCUMENTATION_ASSETS = "/docs/assets"
# Routes are matched in order, and the router tries a request against each route before the one that
# answers it: GET /schemas/ids/{id} first (the hottest route), then the subjects' routes (the other hot
# reads, and registration), then the rest of /schemas. Swagger UI's sections keep their order: it
# groups operations by tag, in the order each tag first appears.
ROUTERS = (
    by_id_router,
    subjects_router,
    schemas_router,
    compatibility_router,
    config_router,
    mode_router,
    server.router,
    server.health_router,
    contracts.router,
    audit.router,
    catalog.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The registry on the database of `settings` (from the environment when not given)."""
    settings = settings or Settings()
    database = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        lookup_pool_size=settings.db_lookup_pool_size,
        timeout_seconds=settings.db_timeout_seconds,
        connect_timeout_seconds=settings.db_connect_timeout_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What the process has built by now lives as long as it serves: frozen, the garbage collector
        # stops walking it, and a full collection during a burst of cache misses pauses every request
        # for a few milliseconds instead of about 200.
        gc.freeze()
        warm_up = None
        if settings.cache_warm_up:
            warm_up = CacheWarmUp(database=database, lookup=app.state.services.lookup)
            warm_up.start()
        app.state.warm_up = warm_up
        yield
        if warm_up is not None:
            warm_up.stop()
        database.dispose()
        gc.unfreeze()

    # The documentation page serves Swagger UI from the package, not a CDN: it works on networks
    # without internet access. (ReDoc would fetch its logo from its CDN.)
    app = FastAPIOffline(
        static_url=DOCUMENTATION_ASSETS,
        redoc_url=None,
        title="Accord schema registry",
        description="The Confluent Schema Registry REST API, on SQLite or PostgreSQL.",
        version=package_version("accord"),
        lifespan=lifespan,
        default_response_class=RegistryJSONResponse,
        dependencies=[Depends(authorize)],
    )
    app.state.settings = settings
    app.state.gate = _gate(settings)
    app.state.database = database
    app.state.metrics = Metrics()
    app.state.services = build_services(
        settings=settings, metrics=app.state.metrics, guard=ContractRegistrationGuard()
    )
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    install_ui(app)
    # Routes are matched in order: the API's before FastAPI's documentation pages.
    documentation = {app.openapi_url, "/docs", app.swagger_ui_oauth2_redirect_url, DOCUMENTATION_ASSETS}
    app.router.routes.sort(key=lambda route: getattr(route, "path", None) in documentation)
    app.add_middleware(
        RequestGuard,
        max_body_bytes=settings.max_body_bytes,
        access_log=settings.access_log,
        metrics=app.state.metrics,
        rate_limiter=_rate_limiter(settings),
    )
    return app


def build_services(*, settings: Settings, metrics: Metrics | None, guard: RegistrationGuard) -> Services:
    """Every service of one application, each given its collaborators."""
    store = SchemaStore(settings=settings, metrics=metrics)
    parser = CandidateParser(store=store, max_schema_bytes=settings.max_schema_bytes)
    config_and_mode = SettingsService(
        default_level=settings.default_compatibility, import_preparation=ImportPurge(store=store)
    )
    checker = CompatibilityChecker(store=store, parser=parser, settings=config_and_mode, guard=guard)
    lookup = SchemaLookup(
        store=store,
        parser=parser,
        settings=config_and_mode,
        search_default_limit=settings.search_default_limit,
        search_max_limit=settings.search_max_limit,
        max_page_size=settings.max_page_size,
    )
    return Services(
        settings=config_and_mode,
        lookup=lookup,
        registration=RegistrationService(
            store=store, parser=parser, settings=config_and_mode, checker=checker, guard=guard
        ),
        checker=checker,
        deletion=DeletionService(store=store, settings=config_and_mode),
        output_formats=OutputFormats(store=store, lookup=lookup),
        views=SchemaViews(store=store, lookup=lookup, settings=config_and_mode),
    )


def _rate_limiter(settings: Settings) -> RateLimiter | None:
    """Requests per client address, or None when ACCORD_RATE_LIMIT is not set."""
    if settings.rate_limit is None:
        return None
    burst = settings.rate_limit_burst or max(math.ceil(settings.rate_limit), 1)
    return RateLimiter(rate=settings.rate_limit, burst=burst)


def _gate(settings: Settings) -> Gate | None:
    """The credentials check, or None when authentication is off."""
    if settings.auth_file is not None:
        store = CredentialStore(path=settings.auth_file)
    elif settings.auth_credentials is not None:
        store = CredentialStore(text=settings.auth_credentials)
    else:
        return None
    throttle = LoginThrottle(
        allowed_failures=settings.login_failures_allowed,
        window_seconds=settings.login_failure_window_seconds,
    )
    return Gate(store, throttle=throttle, checks_at_once=settings.login_checks_at_once)
