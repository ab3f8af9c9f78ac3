"""Articles keep the outlet or agency they credit as their source (`Theo TTXVN`), apart from their authors.

Revision ID: 0011
Revises: 0010
"""
from warehouse.migrate import execute_sql_beside

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
