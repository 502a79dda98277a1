"""Alembic environment: the URL comes from the caller (api.db.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from api.tables import Base

config = context.config
connectable = config.attributes.get("connection")

if connectable is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connectable, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
