"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""
from pathlib import Path

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute((Path(__file__).with_suffix(".sql")).read_text(encoding="utf-8"))


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
