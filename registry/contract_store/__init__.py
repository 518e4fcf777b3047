"""The contract store: what consumers expect and producers send, how they were verified against each
other, where each version runs, and whether a version can be deployed; and consumer-aware
registration, the guard that refuses a schema version breaking a published expectation.

    publishing.py   consumers' expectations and producers' samples (one Publications serves both)
    results.py      verification results and the matrix of them
    deployments.py  deployments, releases and can-i-deploy
    guard.py        ContractRegistrationGuard and per-subject enforcement
    versions.py     application versions, and which of them count
    views.py        the web UI's read models (event types, the verification matrix)
    repository.py   all SQL
    wire.py         the JSON shapes of /contracts (the harness in contracts/ speaks them)
    api.py          the /contracts routes (`api.router`, imported from its module: it needs the web layer)
"""

from registry.contract_store.deployments import can_i_deploy, list_deployments, record_deployment
from registry.contract_store.guard import ContractRegistrationGuard, get_enforcement, set_enforcement
from registry.contract_store.publishing import EXPECTATIONS, SAMPLES, Publications, Published
from registry.contract_store.results import get_result, list_results, record_result

__all__ = [
    "EXPECTATIONS",
    "SAMPLES",
    "ContractRegistrationGuard",
    "Publications",
    "Published",
    "can_i_deploy",
    "get_enforcement",
    "get_result",
    "list_deployments",
    "list_results",
    "record_deployment",
    "record_result",
    "set_enforcement",
]
