"""Alembic environment: the warehouse URL comes from the caller (warehouse.migrate), never from a config file."""
from alembic import context
from sqlalchemy import create_engine

config = context.config
# Our own version table, so the warehouse never collides with Airflow's `alembic_version` when both share a DB.
VERSION_TABLE = "bantin_schema_version"

engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, version_table=VERSION_TABLE, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
