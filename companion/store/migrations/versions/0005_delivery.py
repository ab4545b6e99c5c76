"""delivery: outbox claims and the uncertain state, member session generations

Revision ID: 0005_delivery
Revises: 0004_ops
"""

import sqlalchemy as sa
from alembic import op

import companion.store.types

revision = "0005_delivery"
down_revision = "0004_ops"
branch_labels = None
depends_on = None

OLD_STATUSES = "status in ('pending', 'sending', 'sent', 'failed', 'cancelled')"
NEW_STATUSES = "status in ('pending', 'sending', 'uncertain', 'sent', 'failed', 'cancelled')"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", companion.store.types.UTCDateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_status"), NEW_STATUSES)
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
    op.execute("UPDATE outbox SET status = 'sending' WHERE status = 'uncertain'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_outbox_status"), OLD_STATUSES)
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
