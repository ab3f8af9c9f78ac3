"""Diacritic-insensitive search: unaccent + simple text search, trigram title index.

Revision ID: 0002
Revises: 0001
"""
from pathlib import Path

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The DDL lives in the .sql file beside this one, so it reads (and diffs) as plain SQL.
    op.execute(Path(__file__).with_suffix(".sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
