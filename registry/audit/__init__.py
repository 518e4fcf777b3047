"""The audit log: who changed what in the registry or the contract store, when and from where.

Every change is recorded by an `AuditTrail` in the change's own write transaction (so a change that
rolls back leaves no entry) and logged once it commits; `list_entries` reads the log back, newest
first. The routes (`api.router`: GET /audit) and the request dependency that gives a route its trail
(`dependencies.AuditDep`) are imported from their modules, as they need the web layer.

    service.py       AuditTrail, Actor, AuditEntry, list_entries
    repository.py    the SQL, and AuditFilter (which entries a query wants)
    wire.py          AuditEntryRead, an entry as GET /audit answers it
    api.py           GET /audit
    dependencies.py  AuditDep, get_audit, actor_of
"""

from registry.audit.repository import AuditFilter
from registry.audit.service import Actor, AuditEntry, AuditTrail, list_entries

__all__ = ["Actor", "AuditEntry", "AuditFilter", "AuditTrail", "list_entries"]
