"""The HTTP API: Confluent Schema Registry's paths, as thin routers over registry.service."""

from registry.api import compatibility, config, mode, schemas, server, subjects

ROUTERS = (subjects.router, schemas.router, compatibility.router, config.router, mode.router, server.router)

__all__ = ["ROUTERS"]
