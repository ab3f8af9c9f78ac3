"""Band keys: 32-bit keys with the band folded in, in an unlogged table rebuilt from the signatures.

Revision ID: 0004
Revises: 0003
"""
from warehouse.migrate import execute_sql_beside

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The old keys cannot be converted, only recomputed from the stored signatures: 0006 does that, with the
    # code of today (which expects 0006's columns), and every upgrade through here goes on to it.
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
