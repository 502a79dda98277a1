"""A covering index of a batch's records for its dashboard: the ranking's window
functions read the index alone, not the records' large result documents."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ["batch_id", "grade", "total", "unit_parent", "batch_row", "unit_id", "unit_name", "status", "id"]


def upgrade() -> None:
    op.create_index(
        "ix_batch_ranking",
        "score_records",
        COLUMNS,
        sqlite_where=sa.text("batch_id IS NOT NULL"),
        postgresql_where=sa.text("batch_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_batch_ranking", table_name="score_records")
