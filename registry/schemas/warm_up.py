"""Filling the schema cache in the background after startup (ACCORD_CACHE_WARM_UP), so that a process
started under load (a deploy, a new pod) answers lookups by id from memory within seconds rather than
once each id has been asked for.

Schemas are read newest first, a page at a time, until the schema cache is nine tenths full
(ACCORD_CACHE_SCHEMA_BYTES) or every registered schema is cached. Requests are served meanwhile: the
interpreter switches between the serving thread and this one every few milliseconds whatever the page
size, so pages are large; small ones made the warm-up wait for the interpreter at every query.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registry.db import Database
    from registry.schemas.lookup import SchemaLookup

log = logging.getLogger(__name__)

PAGE_ROWS = 5000


class CacheWarmUp:
    """One warm-up of one process's schema cache, run by its own thread until done or stopped."""

    def __init__(self, *, database: Database, lookup: SchemaLookup) -> None:
        self._database = database
        self._lookup = lookup
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="accord-cache-warm-up", daemon=True)
        self.done = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        started = time.monotonic()
        at_most: int | None = 2**31 - 1  # the highest id a schema can have
        try:
            while at_most is not None and not self._stopping.is_set():
                with self._database.lookup_session() as session:
                    at_most = self._lookup.warm_up(session=session, at_most=at_most, rows=PAGE_ROWS)
        except Exception:  # the registry serves without it, reading what requests ask for
            log.exception("cache warm-up stopped")
        else:
            # What the warm-up cached lives as long as the process serves: frozen, as the application
            # froze what it built at startup, full collections stop walking it (about 270 ms per
            # million cached schemas, during which no request is answered).
            gc.freeze()
            log.info("cache warm-up done in %.1f s", time.monotonic() - started)
        finally:
            self.done.set()
