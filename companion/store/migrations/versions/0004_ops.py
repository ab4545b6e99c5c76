"""worker heartbeats: each worker's sign of life and its forum request counters

Revision ID: 0004_ops
Revises: 0003_forum
Create Date: 2026-12-01 10:05:20.461883
"""

from alembic import op
import sqlalchemy as sa
import companion.store.types


revision = '0004_ops'
down_revision = '0003_forum'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worker_heartbeats',
    sa.Column('worker_id', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('started_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('beat_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('forum_requests', sa.Integer(), nullable=False),
    sa.Column('forum_rate_limited', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('worker_id', name=op.f('pk_worker_heartbeats'))
    )
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeats_beat_at'), ['beat_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeats_beat_at'))

    op.drop_table('worker_heartbeats')
