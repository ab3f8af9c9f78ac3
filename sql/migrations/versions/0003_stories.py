"""Story clusters: MinHash signatures, LSH band index, story ids and relations.

Revision ID: 0003
Revises: 0002
"""
from pathlib import Path

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The DDL lives in the .sql file beside this one, so it reads (and diffs) as plain SQL.
    op.execute(Path(__file__).with_suffix(".sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
