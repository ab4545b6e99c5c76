"""seasons.closed_days: network-wide closure days per season (NULL = the year-end defaults)

Revision ID: 0002_member
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_member"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_days", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.drop_column("closed_days")
