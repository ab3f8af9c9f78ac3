"""Run statistics are history: every load of a run (the first, a re-run, a reprocess) keeps its own entry.

Revision ID: 0009
Revises: 0008
"""
from warehouse.migrate import execute_sql_beside

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
