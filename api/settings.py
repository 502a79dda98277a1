"""Service settings, read once from the environment (KAOPING_*)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.messages import say

RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(s|min|h)\s*$")
PER_SECOND = {"s": 1, "min": 60, "h": 3600}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAOPING_")

    data_dir: Path = Path("data")
    database_url: str | None = None
    max_body_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 200 * 1024 * 1024
    page_size_limit: int = 500
    migrate_on_start: bool = True
    batch_workers: int | None = None  # scoring processes per batch; default one per core
    batch_cluster: str | None = None  # a Dask scheduler's address (tcp://host:8786): batches score there
    batch_lease_seconds: float = 60
    log_level: str = "INFO"
    metrics_access: Literal["auditor", "localhost", "both"] = "both"  # who may read /metrics
    rate_limit: str = ""  # requests per token, "20/s", "600/min" or "3600/h"; empty: no limit
    rate_limit_burst: int | None = None  # requests allowed at once; default twice the rate per second
    rate_limit_localhost: bool = False  # whether clients on this machine are limited too
    token_days: float = 90  # a new token's lifetime
    session_hours: float = 12  # a page session's lifetime (its token's)
    auth_failures: int = 10  # failed sign-ins or unknown tokens allowed per client and per account ...
    auth_failure_window: float = 60  # ... within this many seconds

    @field_validator("rate_limit")
    @classmethod
    def _rate_readable(cls, value: str) -> str:
        found = RATE.match(value)
        if value.strip() and (found is None or float(found[1]) <= 0):
            raise ValueError(say("settings.rate_limit", value=value))
        return value

    @field_validator("rate_limit_burst")
    @classmethod
    def _burst_positive(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError(say("settings.burst", value=value))
        return value

    @property
    def rate_per_second(self) -> float | None:
        """The rate limit in requests per second, None when there is none."""
        found = RATE.match(self.rate_limit)
        return float(found[1]) / PER_SECOND[found[2]] if found else None

    @property
    def burst(self) -> int:
        return self.rate_limit_burst or max(1, round(2 * (self.rate_per_second or 0)))

    @property
    def url(self) -> str:
        """PostgreSQL when KAOPING_DATABASE_URL is set, else SQLite under the data directory."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'kaoping.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
