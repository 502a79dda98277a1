"""Database engine, sessions and migrations, for SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE_AT_ONCE = "kaoping_write_at_once"


class JsonText(str):
    """A value for a JSON column that is JSON text already (a result as the engine
    serialized it): stored as it is instead of being serialized a second time."""


def _serialize(value: Any) -> str:
    return value if isinstance(value, JsonText) else json.dumps(value)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, json_serializer=_serialize, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            connection.isolation_level = None  # transactions are begun below, not by the driver
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection) -> None:
            # an appending transaction takes the write lock at once, so processes and
            # threads queue for it instead of failing to upgrade a read lock
            immediate = connection.get_execution_options().get(WRITE_AT_ONCE)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, json_serializer=_serialize, pool_size=10, max_overflow=10, pool_pre_ping=True)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; on PostgreSQL under an advisory
    lock, so several processes starting at once do not race."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7404251)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
