"""The registry app plus one bare endpoint, for comparing GET /schemas/ids/{id} with the floor.

`GET /bench/bare` returns the bytes of ACCORD_BENCH_BARE_BODY with the same response class, from the
same app, middleware and server configuration: everything a request costs except the registry's own
work (routing parameters, dependencies, cache lookup).
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from registry.app import create_app
from registry.auth.access import RULES
from registry.web.media import RegistryJSONResponse


def create_bench_app() -> FastAPI:
    app = create_app()
    body = os.environ.get("ACCORD_BENCH_BARE_BODY", "{}").encode()

    async def bare() -> RegistryJSONResponse:
        return RegistryJSONResponse(body)

    # The same authorization rule as GET /schemas/ids/{id}, so the floor pays for the same check.
    RULES[("GET", "/bench/bare")] = RULES[("GET", "/schemas/ids/{id}")]
    # First in the routing table, so routing costs it the least: the floor to compare against.
    app.add_api_route("/bench/bare", bare, methods=["GET"], include_in_schema=False)
    app.router.routes.insert(0, app.router.routes.pop())
    return app
