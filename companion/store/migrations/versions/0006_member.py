"""seasons.closed_days (NULL = the year-end defaults); member_preferences.paused_reason and resumed_on (automatic pause)

Revision ID: 0006_member
Revises: 0005_delivery
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_member"
down_revision = "0005_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_days", sa.JSON(), nullable=True))
    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_reason", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("resumed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member_preferences", schema=None) as batch_op:
        batch_op.drop_column("resumed_on")
        batch_op.drop_column("paused_reason")
    with op.batch_alter_table("seasons", schema=None) as batch_op:
        batch_op.drop_column("closed_days")
