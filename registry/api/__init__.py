"""The HTTP API: Confluent Schema Registry's paths, as thin routers over registry.service."""

from registry.api import compatibility, config, mode, schemas, server, subjects
from registry.audit import api as audit
from registry.contract_store import api as contracts

# /schemas first: GET /schemas/ids/{id} is the hottest route, and routes are matched in order.
ROUTERS = (
    schemas.router,
    subjects.router,
    compatibility.router,
    config.router,
    mode.router,
    server.router,
    contracts.router,
    audit.router,
)

__all__ = ["ROUTERS"]
