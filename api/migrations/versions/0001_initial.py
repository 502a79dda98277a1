"""Tokens, rulesets and versions, score records and the audit chain's head.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rulesets",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("published_version", sa.Integer, nullable=True),
        sa.Column("latest_version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "ruleset_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ruleset_id", sa.String(100), sa.ForeignKey("rulesets.id"), nullable=False, index=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.UniqueConstraint("ruleset_id", "number", name="uq_version_number"),
    )
    op.create_table(
        "score_records",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("ruleset_id", sa.String(100), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("engine_version", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(200), nullable=False, index=True),
        sa.Column("unit_name", sa.String(500), nullable=True),
        sa.Column("unit_parent", sa.String(200), nullable=True),
        sa.Column("period", sa.String(50), nullable=False, index=True),
        sa.Column("input", sa.JSON, nullable=False),
        sa.Column("normalized", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("total", sa.String(50), nullable=False),
        sa.Column("grade", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_token_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("supersedes", sa.String(36), nullable=True),
        sa.Column("batch_id", sa.String(36), nullable=True, index=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("actor_token_id", "idempotency_key", name="uq_idempotency"),
    )
    head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])


def downgrade() -> None:
    for table in ("chain_head", "score_records", "ruleset_versions", "rulesets", "tokens"):
        op.drop_table(table)
