"""`accord serve` runs the registry; `accord migrate` creates or upgrades its tables.

The server's modules are imported when these commands run, so that the schema commands CI runs
start fast.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer


def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (env ACCORD_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (env ACCORD_PORT)")] = None,
    database_url: Annotated[str | None, typer.Option(help="Database URL (env ACCORD_DATABASE_URL)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (env ACCORD_WORKERS)")] = None,
    migrate: Annotated[bool, typer.Option(help="Upgrade the database schema before serving")] = False,
) -> None:
    """Serve the registry's HTTP API."""
    import asyncio
    from functools import partial
    from typing import cast

    import uvicorn

    from registry import migrations
    from registry.config import Settings
    from registry.logs import logging_config
    from registry.web.connections import ConnectionLimits, GuardedHttpProtocol, default_max_connections

    options = {"host": host, "port": port, "database_url": database_url, "workers": workers}
    given = {name: value for name, value in options.items() if value is not None}
    # Worker processes build their app from the environment, so options travel there.
    for name, value in given.items():
        os.environ[f"ACCORD_{name.upper()}"] = str(value)
    settings = Settings()
    log_config = logging_config(settings.log_level)
    import logging.config

    logging.config.dictConfig(log_config)
    if migrate:
        migrations.upgrade(settings.database_url)
    limits = ConnectionLimits(
        max_header_bytes=settings.max_header_bytes,
        header_timeout_seconds=settings.header_timeout_seconds,
        max_connections=settings.max_connections or default_max_connections(),
    )
    uvicorn.run(
        "registry.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=log_config,
        access_log=False,
        server_header=False,
        # uvicorn calls its `http` with the connection's arguments: a partial with the limits bound works
        # as the class would, and pickles for worker processes.
        http=cast("type[asyncio.Protocol]", partial(GuardedHttpProtocol, limits=limits)),
        # Proxy headers are believed only from the proxies named (uvicorn's default trusts 127.0.0.1).
        proxy_headers=settings.forwarded_allow_ips is not None,
        forwarded_allow_ips=settings.forwarded_allow_ips or "",
    )


def migrate(
    database_url: Annotated[str | None, typer.Option(help="Database URL (env ACCORD_DATABASE_URL)")] = None,
) -> None:
    """Create the registry's tables, or upgrade them to the latest revision."""
    from registry import migrations
    from registry.config import Settings
    from registry.logs import logging_config

    settings = Settings() if database_url is None else Settings(database_url=database_url)
    import logging.config

    logging.config.dictConfig(logging_config(settings.log_level))
    migrations.upgrade(settings.database_url)
    typer.echo("database is at the latest revision")
