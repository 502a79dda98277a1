"""A batch's row count is known once its runner has read the file, not when it is
uploaded: the upload is answered at once.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batches") as table:  # SQLite alters a column by copying its table
        table.alter_column("rows", existing_type=sa.Integer, nullable=True)


def downgrade() -> None:
    op.execute("UPDATE batches SET rows = 0 WHERE rows IS NULL")
    with op.batch_alter_table("batches") as table:
        table.alter_column("rows", existing_type=sa.Integer, nullable=False)
