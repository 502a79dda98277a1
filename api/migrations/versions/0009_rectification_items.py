"""Rectification items (docs/rectification.md): each item as it stands now, for listing
by unit, state and due day; its changes are audit events in the chain.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rectification_items",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("ruleset_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(200), nullable=False),
        sa.Column("period", sa.String(50), nullable=False),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("because", sa.Text, nullable=False),
        sa.Column("opened_record", sa.String(36), nullable=False),
        sa.Column("opened_on", sa.String(10), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done_on", sa.String(10), nullable=True),
        sa.Column("done_by", sa.String(200), nullable=True),
        sa.Column("evidence", sa.Text, nullable=True),
        sa.Column("closed_record", sa.String(36), nullable=True),
    )
    op.create_index("ix_rectification_unit", "rectification_items", ["unit_id", "ruleset_id", "period", "state"])
    op.create_index("ix_rectification_due", "rectification_items", ["state", "due"])


def downgrade() -> None:
    op.drop_index("ix_rectification_due", table_name="rectification_items")
    op.drop_index("ix_rectification_unit", table_name="rectification_items")
    op.drop_table("rectification_items")
