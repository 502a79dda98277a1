"""What the service stores: tokens, rulesets with immutable versions, score records
that form a hash chain, and the chain's head. Nothing here updates a score record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The service's tables (the migrations in api/migrations create them)."""


class UtcDateTime(TypeDecorator):
    """Timestamps always come back timezone-aware in UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RulesetRow(Base):
    __tablename__ = "rulesets"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))


class RulesetVersionRow(Base):
    __tablename__ = "ruleset_versions"
    __table_args__ = (UniqueConstraint("ruleset_id", "number", name="uq_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ruleset_id: Mapped[str] = mapped_column(ForeignKey("rulesets.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ScoreRecord(Base):
    """One score, append-only. `record_hash` covers every field and `prev_hash`."""

    __tablename__ = "score_records"
    __table_args__ = (UniqueConstraint("actor_token_id", "idempotency_key", name="uq_idempotency"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    ruleset_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(80))
    engine_version: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[str] = mapped_column(String(200), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    unit_parent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    period: Mapped[str] = mapped_column(String(50), index=True)
    input: Mapped[dict] = mapped_column(JSON)
    normalized: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    total: Mapped[str] = mapped_column(String(50))
    grade: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    actor_token_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))
    supersedes: Mapped[str | None] = mapped_column(String(36), nullable=True)
    batch_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    batch_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class Batch(Base):
    """A file of units scored together; its units become ordinary score records."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20))  # queued | running | storing | done | failed
    filename: Mapped[str] = mapped_column(String(500))
    encoding: Mapped[str | None] = mapped_column(String(20), nullable=True)  # as declared at upload
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only to score it
    rows: Mapped[int | None] = mapped_column(Integer, nullable=True)  # counted when the file is read
    scored: Mapped[int] = mapped_column(Integer)
    stored: Mapped[int] = mapped_column(Integer)
    error_rows: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    errors: Mapped[list | None] = mapped_column(JSON, nullable=True)
    failure: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    actor_token_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ChainHead(Base):
    """One row: the last record's sequence and hash. Locking it serializes appends."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
