"""The example asset consumer's table: api.daily_source_summary, kept by the news_daily_summary DAG.

Revision ID: 0014
Revises: 0013
"""
from warehouse.migrate import execute_sql_beside

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
