"""The change feed: one row per article stored or changed, numbered in commit order (core.article_changes).

Revision ID: 0013
Revises: 0012
"""
from warehouse.migrate import execute_sql_beside

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
