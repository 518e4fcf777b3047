"""Structured logs: one JSON object per line, carrying the request id and correlation id."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class RequestIds:
    request_id: str
    correlation_id: str


current_request: ContextVar[RequestIds | None] = ContextVar("current_request", default=None)


class JsonFormatter(logging.Formatter):
    """Render a record as JSON with the ids of the request being served, if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ids = current_request.get()
        if ids is not None:
            entry["request_id"] = ids.request_id
            entry["correlation_id"] = ids.correlation_id
        for key in ("method", "path", "status", "duration_ms", "scheme", "audit"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


def logging_config(level: str) -> dict[str, Any]:
    """A dictConfig for the registry and uvicorn (which every worker process applies itself)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"level": level.upper()},
            "uvicorn.access": {"level": "WARNING"},
        },
    }
