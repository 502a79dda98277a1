"""Member points events (docs/member-points.md): each posted or imported event, and each
withdrawal, indexed beside the chained audit event that holds it.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_events",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("ruleset_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("member", sa.String(100), nullable=False),
        sa.Column("branch", sa.String(64), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("kind", sa.String(100), nullable=True),
        sa.Column("withdraws", sa.String(36), nullable=True, unique=True),
        sa.Column("posted_by", sa.String(200), nullable=False),
        sa.Column("posted_at", sa.String(40), nullable=False),
        sa.Column("source_file", sa.String(500), nullable=True),
        sa.Column("source_row", sa.Integer, nullable=True),
    )
    op.create_index("ix_member_events_member", "member_events", ["ruleset_id", "member"])
    op.create_index("ix_member_events_branch", "member_events", ["ruleset_id", "branch", "date"])


def downgrade() -> None:
    op.drop_index("ix_member_events_branch", table_name="member_events")
    op.drop_index("ix_member_events_member", table_name="member_events")
    op.drop_table("member_events")
