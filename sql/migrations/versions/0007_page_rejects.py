"""Per-page rejects name their page; a canonical URL the page may not claim is kept aside and counted.

Revision ID: 0007
Revises: 0006
"""
from warehouse.migrate import execute_sql_beside

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
