"""Initial warehouse: raw landing, staging, core articles with history, rejects and run stats.

Revision ID: 0001
Revises:
"""
from warehouse.migrate import execute_sql_beside

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
