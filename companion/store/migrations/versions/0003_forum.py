"""webhook events remember the digest of their signed body

Revision ID: 0003_forum
Revises: 0002_formats
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_forum"
down_revision = "0002_formats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_webhook_events_body_digest"), ["body_digest"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_body_digest"))
        batch_op.drop_column("body_digest")
