"""What the service stores: the tree of units, people with their grants and tokens,
rulesets with immutable versions and the periods they are in force for, score records
and administrative events that form one hash chain, and the chain's head. Nothing here
updates a score record or an event."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
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


class Unit(Base):
    """A unit of the appraisal tree: a place (province down to village) or a body attached
    under one. `path` is the codes from the root down, "/510000/513300/513321/", so that
    "under X" is a prefix match; moving a unit rewrites the paths of its subtree."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True, index=True)
    path: Mapped[str] = mapped_column(String(1000), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Grant(Base):
    """A role on a subtree: the unit and everything under it (no unit: the whole tree)."""

    __tablename__ = "grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Token(Base):
    """An API token of a user, stored as a hash; it acts with its user's grants."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class RulesetRow(Base):
    __tablename__ = "rulesets"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(200))
    owner_unit: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)


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
    author_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approver_user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tests_passed: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RulesetPeriod(Base):
    """Which version of a ruleset is in force for an appraisal period ("*": any period)."""

    __tablename__ = "ruleset_periods"

    ruleset_id: Mapped[str] = mapped_column(ForeignKey("rulesets.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(50), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())
    set_by: Mapped[str] = mapped_column(String(200))


class ScoreRecord(Base):
    """One score, append-only. `record_hash` covers every field and `prev_hash`."""

    __tablename__ = "score_records"
    __table_args__ = (
        UniqueConstraint("actor_token_id", "idempotency_key", name="uq_idempotency"),
        UniqueConstraint("supersedes", name="uq_superseded_once"),
        Index(  # the batch dashboard's ranking reads this index alone (migration 0006)
            "ix_batch_ranking",
            "batch_id",
            "grade",
            "total",
            "unit_parent",
            "batch_row",
            "unit_id",
            "unit_name",
            "status",
            "id",
            sqlite_where=text("batch_id IS NOT NULL"),
            postgresql_where=text("batch_id IS NOT NULL"),
        ),
    )

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
    unit_code: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the subtree it is for
    create_units: Mapped[bool] = mapped_column(Boolean, default=False)


class CurrentScore(Base):
    """The record that counts for a unit, period and ruleset: one at a time."""

    __tablename__ = "current_scores"

    ruleset_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    period: Mapped[str] = mapped_column(String(50), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), unique=True)


class AuditEvent(Base):
    """A change to the rules (rulesets, periods, grants, units, tokens), append-only and
    chained with the score records: the same sequence, head and hash rule."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_kind_subject", "kind", "subject"),)  # a unit's stages (migration 0007)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    data: Mapped[dict] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[str] = mapped_column(String(40))
    prev_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """One row: the last record's sequence and hash. Locking it serializes appends."""

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class RectificationItem(Base):
    """A rectification item (docs/rectification.md) as it stands now, for listing and
    filtering; each change to it (opened, done, no longer needed) is an audit event of
    kind `rectification` in the chain, which is what `GET /audit/verify` vouches for."""

    __tablename__ = "rectification_items"
    __table_args__ = (
        Index("ix_rectification_unit", "unit_id", "ruleset_id", "period", "state"),
        Index("ix_rectification_due", "state", "due"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(100))  # the id the ruleset declares it by
    unit_id: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(50))
    responsible: Mapped[str] = mapped_column(String(200))  # the unit code that answers for it
    title: Mapped[str] = mapped_column(Text)
    because: Mapped[str] = mapped_column(Text)
    opened_record: Mapped[str] = mapped_column(String(36))
    opened_on: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, the service's day
    due: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))  # open, done, closed
    done_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_record: Mapped[str | None] = mapped_column(String(36), nullable=True)


class MemberEvent(Base):
    """A party member's event (docs/member-points.md), or the withdrawal of one: the index
    of a chained audit event (`seq`), whose data is what points are computed from. A
    correction is an event that withdraws the one it corrects; nothing here is updated."""

    __tablename__ = "member_events"
    __table_args__ = (
        Index("ix_member_events_member", "ruleset_id", "member"),
        Index("ix_member_events_branch", "ruleset_id", "branch", "date"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    ruleset_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    member: Mapped[str] = mapped_column(String(100))
    branch: Mapped[str] = mapped_column(String(64))
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # None: a withdrawal
    kind: Mapped[str | None] = mapped_column(String(100), nullable=True)  # None: a withdrawal
    withdraws: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    posted_by: Mapped[str] = mapped_column(String(200))
    posted_at: Mapped[str] = mapped_column(String(40))
    source_file: Mapped[str | None] = mapped_column(String(500), nullable=True)
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)
