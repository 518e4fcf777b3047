"""Settings of the registry service, read from the environment (prefix ACCORD_) and validated at startup."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry.compatibility import CompatibilityLevel

ONE_MEBIBYTE = 1024 * 1024


class Settings(BaseSettings):
    """Everything `accord serve` can be told. Tests pass `Settings(...)` instead of setting variables."""

    model_config = SettingsConfigDict(env_prefix="ACCORD_", frozen=True)

    database_url: str = Field(
        default="sqlite:///./var/accord.db",
        description="sqlite:///path/to/file.db or postgresql+psycopg://user@host:port/database",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, description="uvicorn worker processes")
    max_body_bytes: int = Field(default=ONE_MEBIBYTE, ge=1024, description="larger request bodies get 413")
    default_compatibility: CompatibilityLevel = CompatibilityLevel.BACKWARD
    cache_check_seconds: float = Field(
        default=0.5,
        gt=0,
        le=1.0,
        description="how often a process looks for deletes made by other processes (at most 1 s)",
    )
    parsed_schema_cache_size: int = Field(default=10_000, ge=1)
    search_default_limit: int = Field(default=1000, ge=1, description="GET /schemas page size by default")
    search_max_limit: int = Field(default=1000, ge=1, description="the largest page GET /schemas returns")
    db_pool_size: int = Field(
        default=10, ge=1, description="connections per process (PostgreSQL, SQLite readers)"
    )
    db_timeout_seconds: float = Field(default=10.0, gt=0, description="how long a writer waits for a lock")
    cluster_name: str = Field(default="schema-registry", description="reported by /v1/metadata/id")
    log_level: str = "INFO"
    access_log: bool = False
