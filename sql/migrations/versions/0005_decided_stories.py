"""Stories decided before the insert: the signature's reference to its article is checked at commit.

Revision ID: 0005
Revises: 0004
"""
from warehouse.migrate import execute_sql_beside

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
