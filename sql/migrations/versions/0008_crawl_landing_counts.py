"""raw.crawls records how many items its crawl handed to landing and how many landed.

Revision ID: 0008
Revises: 0007
"""
from warehouse.migrate import execute_sql_beside

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
