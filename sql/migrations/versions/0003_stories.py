"""Story clusters: MinHash signatures, LSH band index, story ids and relations.

Revision ID: 0003
Revises: 0002
"""
from warehouse.migrate import execute_sql_beside

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
