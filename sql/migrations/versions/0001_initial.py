"""Initial warehouse: raw landing, staging, core articles with history, rejects and run stats.

Revision ID: 0001
Revises:
"""
from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The DDL lives in the .sql file beside this one, so it reads (and diffs) as plain SQL.
    op.execute(Path(__file__).with_suffix(".sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
