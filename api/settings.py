"""Service settings, read once from the environment (KAOPING_*)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAOPING_")

    data_dir: Path = Path("data")
    database_url: str | None = None
    max_body_bytes: int = 2 * 1024 * 1024
    max_upload_bytes: int = 200 * 1024 * 1024
    page_size_limit: int = 500
    migrate_on_start: bool = True
    batch_workers: int | None = None  # scoring processes per batch; default one per core
    batch_lease_seconds: float = 60
    log_level: str = "INFO"
    metrics_access: Literal["auditor", "localhost", "both"] = "both"  # who may read /metrics

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
