"""Jurisdictions, people and governance: the tree of units, users with grants and
tokens that expire and can be revoked, the periods a version is in force for, the
current record of each unit and period, and administrative events in the chain.

Existing tokens become tokens of a user of the same name with their role on the
whole tree; a ruleset's published version is in force for every period; of several
records for one unit, period and ruleset the newest not superseded is current.

Revision ID: 0005
Revises: 0004
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("parent_code", sa.String(64), sa.ForeignKey("units.code"), nullable=True, index=True),
        sa.Column("path", sa.String(1000), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(64), sa.ForeignKey("units.code"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "ruleset_periods",
        sa.Column("ruleset_id", sa.String(100), sa.ForeignKey("rulesets.id"), primary_key=True),
        sa.Column("period", sa.String(50), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "current_scores",
        sa.Column("ruleset_id", sa.String(100), primary_key=True),
        sa.Column("unit_id", sa.String(200), primary_key=True),
        sa.Column("period", sa.String(50), primary_key=True),
        sa.Column("record_id", sa.String(36), nullable=False, unique=True),
    )
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
    )
    with op.batch_alter_table("rulesets") as table:
        table.add_column(sa.Column("owner_unit", sa.String(64), nullable=True))
        table.create_foreign_key("fk_rulesets_owner_unit", "units", ["owner_unit"], ["code"])
    with op.batch_alter_table("ruleset_versions") as table:
        table.add_column(sa.Column("author_user_id", sa.Integer, nullable=True))
        table.add_column(sa.Column("approver_user_id", sa.Integer, nullable=True))
        table.add_column(sa.Column("tests_passed", sa.Integer, nullable=True))
    with op.batch_alter_table("batches") as table:
        table.add_column(sa.Column("unit_code", sa.String(64), nullable=True))
        table.add_column(sa.Column("create_units", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("batches") as table:
        table.alter_column("create_units", server_default=None)
    _tokens_to_users()
    _published_in_force()
    _current_records()
    with op.batch_alter_table("score_records") as table:
        table.create_unique_constraint("uq_superseded_once", ["supersedes"])


def _tokens_to_users() -> None:
    """Each token's name becomes a user holding the token's role on the whole tree."""
    connection = op.get_bind()
    moment = datetime.now(UTC)
    with op.batch_alter_table("tokens") as table:
        table.add_column(sa.Column("user_id", sa.Integer, nullable=True))
        table.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    users: dict[str, int] = {}
    for token_id, name, role in connection.execute(sa.text("SELECT id, name, role FROM tokens ORDER BY id")):
        if name not in users:
            connection.execute(
                sa.text("INSERT INTO users (name, created_at) VALUES (:name, :at)"), {"name": name, "at": moment}
            )
            users[name] = connection.execute(sa.text("SELECT id FROM users WHERE name = :n"), {"n": name}).scalar()
        connection.execute(
            sa.text(
                "INSERT INTO grants (user_id, role, unit_code, created_at, created_by) "
                "VALUES (:user, :role, NULL, :at, 'migration 0005')"
            ),
            {"user": users[name], "role": role, "at": moment},
        )
        connection.execute(sa.text("UPDATE tokens SET user_id = :u WHERE id = :t"), {"u": users[name], "t": token_id})
    with op.batch_alter_table("tokens") as table:
        table.alter_column("user_id", existing_type=sa.Integer, nullable=False)
        table.create_foreign_key("fk_tokens_user_id", "users", ["user_id"], ["id"])
        table.create_index("ix_tokens_user_id", ["user_id"])
        table.drop_column("role")


def _published_in_force() -> None:
    op.execute(
        "INSERT INTO ruleset_periods (ruleset_id, period, version, set_at, set_by) "
        "SELECT id, '*', published_version, created_at, 'migration 0005' FROM rulesets "
        "WHERE published_version IS NOT NULL"
    )


def _current_records() -> None:
    """The newest record not superseded counts for its unit, period and ruleset."""
    op.execute(
        "INSERT INTO current_scores (ruleset_id, unit_id, period, record_id) "
        "SELECT r.ruleset_id, r.unit_id, r.period, r.id FROM score_records r "
        "WHERE r.seq = (SELECT MAX(o.seq) FROM score_records o WHERE o.ruleset_id = r.ruleset_id "
        "AND o.unit_id = r.unit_id AND o.period = r.period "
        "AND NOT EXISTS (SELECT 1 FROM score_records s WHERE s.supersedes = o.id))"
    )


def downgrade() -> None:
    with op.batch_alter_table("score_records") as table:
        table.drop_constraint("uq_superseded_once", type_="unique")
    with op.batch_alter_table("tokens") as table:
        table.add_column(sa.Column("role", sa.String(20), nullable=False, server_default="admin"))
    op.execute(
        "UPDATE tokens SET role = COALESCE((SELECT g.role FROM grants g WHERE g.user_id = tokens.user_id "
        "ORDER BY g.id LIMIT 1), 'admin')"
    )
    with op.batch_alter_table("tokens") as table:
        table.drop_constraint("fk_tokens_user_id", type_="foreignkey")
        table.drop_index("ix_tokens_user_id")
        table.drop_column("user_id")
        table.drop_column("expires_at")
        table.drop_column("revoked_at")
    with op.batch_alter_table("batches") as table:
        table.drop_column("unit_code")
        table.drop_column("create_units")
    with op.batch_alter_table("ruleset_versions") as table:
        table.drop_column("author_user_id")
        table.drop_column("approver_user_id")
        table.drop_column("tests_passed")
    with op.batch_alter_table("rulesets") as table:
        table.drop_constraint("fk_rulesets_owner_unit", type_="foreignkey")
        table.drop_column("owner_unit")
    for table in ("audit_events", "current_scores", "ruleset_periods", "grants", "users", "units"):
        op.drop_table(table)
