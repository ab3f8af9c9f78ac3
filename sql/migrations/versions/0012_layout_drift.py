"""Each load records, per source and field, which extraction method gave its articles that field, and the layout
drift it read from that: a field the profile's rule stopped giving (a site redesign).

Revision ID: 0012
Revises: 0011
"""
from warehouse.migrate import execute_sql_beside

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
