"""PostgreSQL round trips per registration, counted at the driver: `.venv/bin/python -m bench.round_trips`.

Forces psycopg's pure-Python libpq binding (PSYCOPG_IMPL=python) so that every message the registry
sends to the server (a query, a prepared statement, BEGIN, COMMIT) can be counted, then registers new
versions and re-registers an existing one through the app, and prints what one request of each sent
once psycopg's statements are prepared (from their fifth use).
"""

from __future__ import annotations

import os

os.environ["PSYCOPG_IMPL"] = "python"

from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi.testclient import TestClient
from psycopg.pq import pq_ctypes

from bench.load import registration_body
from bench.registry import database

SENDS = ("send_query", "send_query_params", "send_prepare", "send_query_prepared")
HEADERS = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
sent: list[str] = []


def _counting(name: str, send: Callable[..., Any]) -> Callable[..., Any]:
    def counted(self: Any, command: bytes, *args: Any, **kwargs: Any) -> Any:
        sent.append(f"{name} {command.decode()[:60]}")
        return send(self, command, *args, **kwargs)

    return counted


def sent_by(request: Callable[[], Any]) -> list[str]:
    sent.clear()
    request()
    return list(sent)


def main() -> None:
    for name in SENDS:
        setattr(pq_ctypes.PGconn, name, _counting(name, getattr(pq_ctypes.PGconn, name)))
    with database("postgresql") as url:
        os.environ["ACCORD_DATABASE_URL"] = url
        from registry.app import create_app

        with TestClient(create_app()) as client:

            def register(revision: int) -> None:
                body = registration_body(revision)
                client.post("/subjects/measured/versions", content=body, headers=HEADERS)

            for revision in range(10):  # past psycopg's prepare threshold for every statement
                register(revision)
                register(0)
            for label, revision in (("new version", 100), ("re-register", 0)):
                messages = sent_by(partial(register, revision))
                print(f"{label}: {len(messages)} round trips")
                for message in messages:
                    print(f"    {message}")


if __name__ == "__main__":
    main()
