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


class RequestIdFilter(logging.Filter):
    """Stamp each record with the ids of the request being served, when it is created."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current_request.get()
        if ids is not None:
            record.request_id = ids.request_id
            record.correlation_id = ids.correlation_id
        return True


# Record attributes that become fields of the line when present (`extra=` of a log call, or the filter).
_FIELDS = ("request_id", "correlation_id", "method", "path", "status", "duration_ms", "scheme", "audit")


class JsonFormatter(logging.Formatter):
    """Render a record as JSON, with the request's ids that RequestIdFilter put on it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in (
            "request_id",
            "correlation_id",
            "method",
            "path",
            "status",
            "duration_ms",
            "scheme",
            "audit",
        ):
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
        "filters": {"request_ids": {"()": RequestIdFilter}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_ids"]}
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"level": level.upper()},
            "uvicorn.access": {"level": "WARNING"},
        },
    }
