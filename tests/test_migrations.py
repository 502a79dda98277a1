"""The migrations build exactly the tables the code defines, and upgrade an old database."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from api.db import make_engine, migrate
from api.tables import Base


def test_the_migrations_match_the_table_definitions(settings):
    engine = make_engine(settings.url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_an_old_database_keeps_its_tokens_records_and_published_versions(settings):
    from alembic import command
    from alembic.config import Config

    from api.db import MIGRATIONS

    engine = make_engine(settings.url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            connection.execute(
                text("INSERT INTO tokens (name, role, token_hash, created_at) VALUES ('老管理员', 'admin', :h, :at)"),
                {"h": "a" * 64, "at": "2024-01-01 00:00:00"},
            )
            connection.execute(
                text(
                    "INSERT INTO rulesets (id, title, published_version, latest_version, created_at, created_by) "
                    "VALUES ('r', 'R', 1, 1, '2024-01-01 00:00:00', 'x')"
                )
            )
            for seq, unit in ((1, "u1"), (2, "u1"), (3, "u2")):
                connection.execute(
                    text(
                        "INSERT INTO score_records (seq, id, ruleset_id, version, content_hash, engine_version, "
                        "unit_id, period, input, normalized, result, total, status, actor, actor_token_id, "
                        "created_at, prev_hash, record_hash) VALUES (:seq, :id, 'r', 1, 'h', 'e', :unit, '2025', "
                        "'{}', '{}', '{}', '1', 'scored', 'a', 1, 't', 'p', 'h')"
                    ),
                    {"seq": seq, "id": f"rec-{seq}", "unit": unit},
                )
        migrate(engine)
        with engine.connect() as connection:
            user = connection.execute(text("SELECT u.name, t.user_id FROM tokens t JOIN users u ON u.id = t.user_id"))
            assert user.one()[0] == "老管理员"
            grant = connection.execute(text("SELECT role, unit_code FROM grants")).one()
            assert tuple(grant) == ("admin", None)
            in_force = connection.execute(text("SELECT period, version FROM ruleset_periods")).one()
            assert tuple(in_force) == ("*", 1)
            current = dict(connection.execute(text("SELECT unit_id, record_id FROM current_scores")).all())
            assert current == {"u1": "rec-2", "u2": "rec-3"}
    finally:
        engine.dispose()


def test_0007_indexes_the_stage_events_of_a_database_at_0006(settings):
    """docs/stages.md: stage events are found by kind and subject; the events already
    stored stay, and the revision goes down and up again."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from api.db import MIGRATIONS

    engine = make_engine(settings.url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def indexes() -> set[str]:
        return {i["name"] for i in inspect(engine).get_indexes("audit_events")}

    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0006")
            connection.execute(
                text(
                    "INSERT INTO audit_events (seq, id, kind, subject, data, actor, created_at, prev_hash, "
                    "record_hash) VALUES (1, 'e1', 'unit.created', 'cgz', '{}', 'a', 't', 'p', 'h')"
                )
            )
        assert "ix_audit_kind_subject" not in indexes()
        migrate(engine)
        assert "ix_audit_kind_subject" in indexes()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        assert "ix_audit_kind_subject" not in indexes()
        migrate(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id FROM audit_events")).scalars().all() == ["e1"]
        assert "ix_audit_kind_subject" in indexes()
    finally:
        engine.dispose()
