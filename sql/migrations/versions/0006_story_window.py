"""The story window: signatures keep their date, and the band index leads with a bucket of days.

Revision ID: 0006
Revises: 0005
"""
from warehouse.migrate import execute_sql_beside

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from alembic import op

    from transforms.stories import rebuild_bands

    execute_sql_beside(__file__)
    # The new rows are recomputed from the stored signatures and their dates.
    rebuild_bands(op.get_bind().connection.dbapi_connection)


def downgrade() -> None:
    raise NotImplementedError("forward-only: restore from backup instead")
