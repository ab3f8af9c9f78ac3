"""Diacritic-insensitive search: unaccent + simple text search, trigram title index.

Revision ID: 0002
Revises: 0001
"""
from warehouse.migrate import execute_sql_beside

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
