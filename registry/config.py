"""Settings of the registry service, read from the environment (prefix ACCORD_) and validated at startup."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
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
    cache_schema_bytes: int = Field(
        default=256 * ONE_MEBIBYTE,
        ge=0,
        description="memory for schemas by id (least recently used ones go first; 0: no cache)",
    )
    cache_version_bytes: int = Field(
        default=32 * ONE_MEBIBYTE, ge=0, description="memory for which schema each subject version is"
    )
    cache_owners_bytes: int = Field(
        default=32 * ONE_MEBIBYTE,
        ge=0,
        description="memory for which subjects hold each schema id (permission checks with authentication)",
    )
    cache_warm_up: bool = Field(
        default=False,
        description="fill the schema cache in the background after startup, newest schemas first",
    )
    parsed_schema_cache_size: int = Field(default=10_000, ge=1)
    search_default_limit: int = Field(default=1000, ge=1, description="GET /schemas page size by default")
    search_max_limit: int = Field(default=1000, ge=1, description="the largest page GET /schemas returns")
    db_pool_size: int = Field(
        default=10, ge=1, description="connections per process (PostgreSQL, SQLite readers)"
    )
    db_lookup_pool_size: int = Field(
        default=5,
        ge=1,
        description="PostgreSQL connections per process for lookups (autocommit), apart from the writers'",
    )
    db_timeout_seconds: float = Field(default=10.0, gt=0, description="how long a writer waits for a lock")
    cluster_name: str = Field(default="schema-registry", description="reported by /v1/metadata/id")
    db_connect_timeout_seconds: float = Field(
        default=5.0, gt=0, description="how long opening a PostgreSQL connection may take before 50002"
    )
    log_level: str = "INFO"
    access_log: bool = False

    # Connections (docs/security.md): the HTTP server refuses what goes over these.
    max_header_bytes: int = Field(
        default=64 * 1024, ge=1024, description="request line and headers larger than this get 431"
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0, description="a request's headers must arrive within this, else 408 and close"
    )
    max_connections: int | None = Field(
        default=None,
        ge=1,
        description="open connections per process before new ones get 503 (default: what the file "
        "descriptor limit leaves room for, at most 4096)",
    )
    rate_limit: float | None = Field(
        default=None,
        gt=0,
        description="requests per second each client address may make, per process (off when unset)",
    )
    rate_limit_burst: int | None = Field(
        default=None, ge=1, description="requests an address may make at once (default: a second's worth)"
    )
    login_failures_allowed: int = Field(
        default=10, ge=1, description="failed logins per address or user name before 429"
    )
    login_failure_window_seconds: float = Field(
        default=60.0, gt=0, description="how long failed logins count, and how long the 429 lasts"
    )
    login_checks_at_once: int = Field(
        default=1, ge=1, description="secrets checked at the same time (each is one scrypt, one core)"
    )
    ui_pages_at_once: int = Field(
        default=2, ge=1, description="web UI pages rendered at the same time; more wait their turn"
    )
    forwarded_allow_ips: str | None = Field(
        default=None,
        description="proxies (comma-separated addresses, or *) whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; by default nobody's",
    )

    # Authentication is off unless a credentials source is given (docs/security.md).
    auth_file: Path | None = Field(
        default=None, description="credentials file (TOML); setting it turns authentication on"
    )
    auth_credentials: str | None = Field(
        default=None,
        description="the credentials file's content itself (for secrets passed as environment variables)",
    )

    # Limits on what one request may ask for; each refusal names its setting.
    max_schema_bytes: int = Field(default=512 * 1024, ge=1024, description="larger schemas get 42201")
    max_schema_depth: int = Field(default=128, ge=8, description="deeper-nested schemas get 42201")
    max_references: int = Field(
        default=256, ge=1, description="references a schema may need, transitively, before 42201"
    )
    max_reference_depth: int = Field(
        default=32, ge=1, description="how deep references of references may go before 42201"
    )
    max_page_size: int = Field(
        default=100_000, ge=1, description="the most subjects GET /subjects returns at once (else 422)"
    )

    @model_validator(mode="after")
    def _one_credentials_source(self) -> Settings:
        if self.auth_file is not None and self.auth_credentials is not None:
            raise ValueError("set ACCORD_AUTH_FILE or ACCORD_AUTH_CREDENTIALS, not both")
        return self

    @property
    def auth_enabled(self) -> bool:
        return self.auth_file is not None or self.auth_credentials is not None
