"""The event catalog: the registry's event types with their schemas, producers and consumers, as an
AsyncAPI 3.0 document (export), subjects from an AsyncAPI 2.6 or 3.0 document (import), and the read
model of the web UI's catalog pages.

    values.py       what the catalog knows of the registry, for one caller
    service.py      CatalogReader: gathers it through the schemas' and the contract store's services
    asyncapi.py     build_document: the AsyncAPI 3.0 document of it (pure)
    importing.py    the subjects an AsyncAPI document describes (pure: the CLI registers them)
    api.py          GET /catalog/asyncapi (`api.router`, imported from its module: it needs the web layer)
"""

from registry.catalog.asyncapi import build_document, safe_key, topic_of
from registry.catalog.service import CatalogReader, CatalogScope
from registry.catalog.values import CatalogContent, Consumption, EventSchema, Production, Sample

__all__ = [
    "CatalogContent",
    "CatalogReader",
    "CatalogScope",
    "Consumption",
    "EventSchema",
    "Production",
    "Sample",
    "build_document",
    "safe_key",
    "topic_of",
]
