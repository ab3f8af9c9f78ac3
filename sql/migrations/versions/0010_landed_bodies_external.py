"""Landed bodies are stored out of line as they are: they are gzip already, and PostgreSQL's own compression
only spent the server's CPU failing to shrink them while a crawl landed them.

Revision ID: 0010
Revises: 0009
"""
from warehouse.migrate import execute_sql_beside

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    execute_sql_beside(__file__)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
