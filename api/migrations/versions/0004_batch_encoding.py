"""A batch remembers the encoding its uploader declared for a text file (null: the
runner detects it, as the upload's check did).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("batches", sa.Column("encoding", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batches") as table:  # SQLite drops a column by copying its table
        table.drop_column("encoding")
