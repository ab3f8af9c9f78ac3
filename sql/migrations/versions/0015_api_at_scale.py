"""What the api views need at a million articles, kept as the loads write: stories and daily counts as tables,
and indexes for freshness, run statistics and time-bounded search.

Revision ID: 0015
Revises: 0014
"""
from warehouse.migrate import execute_sql_beside

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
