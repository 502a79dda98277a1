"""Stage events (docs/stages.md) are audit events found by their kind and subject:
an index for a unit's stages in a period and its timeline."""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_kind_subject", "audit_events", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_audit_kind_subject", table_name="audit_events")
