"""The HTTP API: Confluent Schema Registry's paths, as thin routers over registry.service."""

from registry.api import audit, compatibility, config, contracts, mode, schemas, server, subjects

ROUTERS = (
    subjects.router,
    schemas.router,
    compatibility.router,
    config.router,
    mode.router,
    server.router,
    contracts.router,
    audit.router,
)

__all__ = ["ROUTERS"]
