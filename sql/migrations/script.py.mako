"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""
from warehouse.migrate import execute_sql_beside

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
