"""meeting_checks: the "did you meet?" question to both members of an introduction and their answers;
meetups.guests_counted: confirmed guests kept as a number once their names are deleted

Revision ID: 0008_meeting_checks
Revises: 0007_codes
"""

import sqlalchemy as sa
from alembic import op

from companion.store.types import UTCDateTime

revision = "0008_meeting_checks"
down_revision = "0007_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meeting_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("other_member_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("introduced_at", UTCDateTime(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("status in ('asked', 'met', 'not_met')", name=op.f("ck_meeting_checks_status")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_meeting_checks_member_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["other_member_id"],
            ["members.id"],
            name=op.f("fk_meeting_checks_other_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_checks")),
        sa.UniqueConstraint("member_id", "other_member_id", name="uq_meeting_checks_pair"),
        sa.UniqueConstraint("token", name=op.f("uq_meeting_checks_token")),
    )
    with op.batch_alter_table("meeting_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_checks_asked_on"), ["asked_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_checks_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_checks_other_member_id"), ["other_member_id"], unique=False)


    with op.batch_alter_table("meetups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guests_counted", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("meetups", schema=None) as batch_op:
        batch_op.drop_column("guests_counted")
    op.drop_table("meeting_checks")
