"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 12:49:16.634797
"""

from alembic import op
import sqlalchemy as sa
import companion.store.types


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('badges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('name_de', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('description_de', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('icon', sa.String(length=60), nullable=False),
    sa.Column('badge_type', sa.String(length=10), nullable=False),
    sa.Column('multiple_grant', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('forum_badge_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("badge_type in ('gold', 'silver', 'bronze')", name=op.f('ck_badges_badge_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges')),
    sa.UniqueConstraint('key', name=op.f('uq_badges_key'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories'))
    )
    op.create_table('config_entries',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_config_entries'))
    )
    op.create_table('connect_nonces',
    sa.Column('nonce', sa.String(length=100), nullable=False),
    sa.Column('expires_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_connect_nonces'))
    )
    with op.batch_alter_table('connect_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connect_nonces_expires_at'), ['expires_at'], unique=False)

    op.create_table('forum_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_group_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_groups')),
    sa.UniqueConstraint('forum_group_id', name=op.f('uq_forum_groups_forum_group_id')),
    sa.UniqueConstraint('name', name=op.f('uq_forum_groups_name'))
    )
    op.create_table('job_locks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('acquired_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_locks'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=True),
    sa.Column('started_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_job_started', ['job', 'started_at'], unique=False)

    op.create_table('meetups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('confirm_hours', sa.Integer(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetups'))
    )
    op.create_table('message_templates',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('key', 'locale', name=op.f('pk_message_templates'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('key', name=op.f('uq_organisations_key'))
    )
    op.create_table('rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rolled_back_from', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_versions'))
    )
    op.create_table('seasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('signup_opens_on', sa.Date(), nullable=False),
    sa.Column('signup_closes_on', sa.Date(), nullable=False),
    sa.Column('first_meeting_on', sa.Date(), nullable=False),
    sa.Column('min_size', sa.Integer(), nullable=False),
    sa.Column('target_size', sa.Integer(), nullable=False),
    sa.Column('max_size', sa.Integer(), nullable=False),
    sa.Column('cadence_weeks', sa.Integer(), nullable=False),
    sa.Column('meetings_count', sa.Integer(), nullable=False),
    sa.Column('meeting_minutes', sa.Integer(), nullable=False),
    sa.Column('time_blocks', sa.JSON(), nullable=False),
    sa.Column('skip_school_holidays', sa.Boolean(), nullable=False),
    sa.Column('school_holidays', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('draft', 'open', 'formed', 'published', 'closed')", name=op.f('ck_seasons_status')),
    sa.CheckConstraint('cadence_weeks between 4 and 6', name=op.f('ck_seasons_cadence')),
    sa.CheckConstraint('min_size >= 2 and min_size <= target_size and target_size <= max_size', name=op.f('ck_seasons_sizes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seasons')),
    sa.UniqueConstraint('name', name=op.f('uq_seasons_name'))
    )
    op.create_table('sync_cursors',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sync_cursors'))
    )
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_tags_name'))
    )
    op.create_table('webhook_events',
    sa.Column('event_id', sa.String(length=100), nullable=False),
    sa.Column('event', sa.String(length=50), nullable=False),
    sa.Column('received_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_webhook_events'))
    )
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_events_received_at'), ['received_at'], unique=False)

    op.create_table('circles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slot_weekday', sa.Integer(), nullable=False),
    sa.Column('slot_block', sa.String(length=20), nullable=False),
    sa.Column('forum_group_name', sa.String(length=100), nullable=True),
    sa.Column('forum_group_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.CheckConstraint("status in ('preview', 'published', 'closed')", name=op.f('ck_circles_status')),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_circles_season_id_seasons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circles'))
    )
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circles_season_id'), ['season_id'], unique=False)

    op.create_table('closure_days',
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_closure_days_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_closure_days_season_id_seasons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('season_id', 'organisation_id', 'day', name=op.f('pk_closure_days'))
    )
    op.create_table('job_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('started_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('finished_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_job_steps_run_id_job_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_steps'))
    )
    with op.batch_alter_table('job_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_steps_run_id'), ['run_id'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum_user_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_source', sa.String(length=20), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('admin', sa.Boolean(), nullable=False),
    sa.Column('moderator', sa.Boolean(), nullable=False),
    sa.Column('staged', sa.Boolean(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('silenced', sa.Boolean(), nullable=False),
    sa.Column('trust_level', sa.Integer(), nullable=False),
    sa.Column('last_seen_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('forum_created_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('synced_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_members_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('forum_user_id', name=op.f('uq_members_forum_user_id')),
    sa.UniqueConstraint('username', name=op.f('uq_members_username'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind in ('group', 'user_field', 'email_domain')", name=op.f('ck_organisation_aliases_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_aliases_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_aliases')),
    sa.UniqueConstraint('kind', 'value', name='uq_organisation_aliases_kind_value')
    )
    with op.batch_alter_table('organisation_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_aliases_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('badge_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('badge_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('evidence_url', sa.String(length=500), nullable=True),
    sa.Column('forum_user_badge_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('regrant_allowed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['badge_id'], ['badges.id'], name=op.f('fk_badge_grants_badge_id_badges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_badge_grants_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_grants'))
    )
    with op.batch_alter_table('badge_grants', schema=None) as batch_op:
        batch_op.create_index('ix_badge_grants_member_badge', ['member_id', 'badge_id'], unique=False)

    op.create_table('calendar_tokens',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('circle_id', sa.Integer(), nullable=True),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('(member_id is null) <> (circle_id is null)', name=op.f('ck_calendar_tokens_one_owner')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_calendar_tokens_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_calendar_tokens_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_calendar_tokens'))
    )
    with op.batch_alter_table('calendar_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_tokens_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_tokens_member_id'), ['member_id'], unique=False)

    op.create_table('circle_members',
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('left_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_members_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_circle_members_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('circle_id', 'member_id', name=op.f('pk_circle_members'))
    )
    with op.batch_alter_table('circle_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_circle_members_member_id'), ['member_id'], unique=False)

    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('policy_version', sa.String(length=20), nullable=False),
    sa.Column('at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind in ('matching', 'circles')", name=op.f('ck_consent_events_kind')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_consent_events_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_member_id'), ['member_id'], unique=False)

    op.create_table('group_memberships',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['forum_groups.id'], name=op.f('fk_group_memberships_group_id_forum_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_group_memberships_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'group_id', name=op.f('pk_group_memberships'))
    )
    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=200), nullable=False),
    sa.Column('starts_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('host_organisation_id', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("status in ('scheduled', 'cancelled')", name=op.f('ck_meetings_status')),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_meetings_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_organisation_id'], ['organisations.id'], name=op.f('fk_meetings_host_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('uid', name=op.f('uq_meetings_uid'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_circle_id'), ['circle_id'], unique=False)
        batch_op.create_index('ix_meetings_starts_at', ['starts_at'], unique=False)

    op.create_table('meetup_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meetup_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('registered_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('offered_until', companion.store.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status in ('confirmed', 'waiting', 'offered', 'cancelled', 'expired')", name=op.f('ck_meetup_registrations_status')),
    sa.ForeignKeyConstraint(['meetup_id'], ['meetups.id'], name=op.f('fk_meetup_registrations_meetup_id_meetups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meetup_registrations_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetup_registrations')),
    sa.UniqueConstraint('meetup_id', 'member_id', name='uq_meetup_registrations_member')
    )
    with op.batch_alter_table('meetup_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetup_registrations_meetup_id'), ['meetup_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetup_registrations_member_id'), ['member_id'], unique=False)

    op.create_table('member_fields',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_fields_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'name', name=op.f('pk_member_fields'))
    )
    op.create_table('member_interests',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("action in ('added', 'removed')", name=op.f('ck_member_interests_action')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_interests_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'term', name=op.f('pk_member_interests'))
    )
    op.create_table('member_preferences',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('matching_consent', sa.Boolean(), nullable=False),
    sa.Column('circles_consent', sa.Boolean(), nullable=False),
    sa.Column('cadence', sa.String(length=10), nullable=False),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=True),
    sa.Column('updated_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("cadence in ('weekly', 'biweekly', 'monthly', 'paused')", name=op.f('ck_member_preferences_cadence')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_preferences_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_member_preferences'))
    )
    op.create_table('member_relations',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('other_member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.CheckConstraint("kind in ('ignore', 'mute')", name=op.f('ck_member_relations_kind')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_relations_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_member_id'], ['members.id'], name=op.f('fk_member_relations_other_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'other_member_id', 'kind', name=op.f('pk_member_relations'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('forum_post_id', sa.Integer(), nullable=True),
    sa.Column('forum_topic_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.CheckConstraint("status in ('pending', 'sending', 'sent', 'failed', 'cancelled')", name=op.f('ck_outbox_status')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_outbox_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_outbox_run_id_job_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('private_contacts',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('other_member_id', sa.Integer(), nullable=False),
    sa.Column('first_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_private_contacts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_member_id'], ['members.id'], name=op.f('fk_private_contacts_other_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('member_id', 'other_member_id', name=op.f('pk_private_contacts'))
    )
    op.create_table('signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('willing_to_host', sa.Boolean(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("mode in ('online', 'onsite', 'either')", name=op.f('ck_signups_mode')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_signups_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_signups_season_id_seasons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signups')),
    sa.UniqueConstraint('season_id', 'member_id', name='uq_signups_season_member')
    )
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signups_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signups_season_id'), ['season_id'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('suggested_member_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('shared_terms', sa.JSON(), nullable=False),
    sa.Column('rule_version_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('feedback_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status in ('new', 'contacted', 'rejected', 'talked', 'ignored')", name=op.f('ck_suggestions_status')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_suggestions_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_version_id'], ['rule_versions.id'], name=op.f('fk_suggestions_rule_version_id_rule_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_suggestions_run_id_job_runs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['suggested_member_id'], ['members.id'], name=op.f('fk_suggestions_suggested_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('member_id', 'suggested_member_id', 'run_date', name='uq_suggestions_pair_run')
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_pair', ['member_id', 'suggested_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_run_date'), ['run_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_suggestions_suggested_pair', ['suggested_member_id', 'member_id'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_topics_member_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topics_member_id'), ['member_id'], unique=False)

    op.create_table('waiting_list',
    sa.Column('season_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=50), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_waiting_list_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['season_id'], ['seasons.id'], name=op.f('fk_waiting_list_season_id_seasons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('season_id', 'member_id', name=op.f('pk_waiting_list'))
    )
    op.create_table('posts',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('post_number', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('reply_to_member_id', sa.Integer(), nullable=True),
    sa.Column('reply_to_post_number', sa.Integer(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.Column('updated_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_posts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_to_member_id'], ['members.id'], name=op.f('fk_posts_reply_to_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_posts_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_member_created', ['member_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_reply_to_member_id'), ['reply_to_member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_topic_id'), ['topic_id'], unique=False)

    op.create_table('rsvps',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=False),
    sa.Column('at', companion.store.types.UTCDateTime(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.CheckConstraint("answer in ('yes', 'no', 'maybe')", name=op.f('ck_rsvps_answer')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_rsvps_meeting_id_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_rsvps_member_id_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_rsvps'))
    )
    op.create_table('signup_availability',
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('block', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_signup_availability_signup_id_signups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('signup_id', 'weekday', 'block', name=op.f('pk_signup_availability'))
    )
    op.create_table('signup_interests',
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_signup_interests_signup_id_signups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('signup_id', 'term', name=op.f('pk_signup_interests'))
    )
    op.create_table('signup_keep_apart',
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('other_member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['other_member_id'], ['members.id'], name=op.f('fk_signup_keep_apart_other_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_signup_keep_apart_signup_id_signups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('signup_id', 'other_member_id', name=op.f('pk_signup_keep_apart'))
    )
    op.create_table('topic_tags',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_topic_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_tags_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', 'tag_id', name=op.f('pk_topic_tags'))
    )
    op.create_table('likes',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', companion.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_likes_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_likes_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'member_id', name=op.f('pk_likes'))
    )
    with op.batch_alter_table('likes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_likes_member_id'), ['member_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('likes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_likes_member_id'))

    op.drop_table('likes')
    op.drop_table('topic_tags')
    op.drop_table('signup_keep_apart')
    op.drop_table('signup_interests')
    op.drop_table('signup_availability')
    op.drop_table('rsvps')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_topic_id'))
        batch_op.drop_index(batch_op.f('ix_posts_reply_to_member_id'))
        batch_op.drop_index('ix_posts_member_created')

    op.drop_table('posts')
    op.drop_table('waiting_list')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_member_id'))
        batch_op.drop_index(batch_op.f('ix_topics_category_id'))

    op.drop_table('topics')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_suggested_pair')
        batch_op.drop_index(batch_op.f('ix_suggestions_run_id'))
        batch_op.drop_index(batch_op.f('ix_suggestions_run_date'))
        batch_op.drop_index('ix_suggestions_pair')

    op.drop_table('suggestions')
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signups_season_id'))
        batch_op.drop_index(batch_op.f('ix_signups_member_id'))

    op.drop_table('signups')
    op.drop_table('private_contacts')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')
        batch_op.drop_index(batch_op.f('ix_outbox_run_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_member_id'))

    op.drop_table('outbox')
    op.drop_table('member_relations')
    op.drop_table('member_preferences')
    op.drop_table('member_interests')
    op.drop_table('member_fields')
    with op.batch_alter_table('meetup_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetup_registrations_member_id'))
        batch_op.drop_index(batch_op.f('ix_meetup_registrations_meetup_id'))

    op.drop_table('meetup_registrations')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_starts_at')
        batch_op.drop_index(batch_op.f('ix_meetings_circle_id'))

    op.drop_table('meetings')
    op.drop_table('group_memberships')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_member_id'))

    op.drop_table('consent_events')
    with op.batch_alter_table('circle_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circle_members_member_id'))

    op.drop_table('circle_members')
    with op.batch_alter_table('calendar_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_tokens_member_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_tokens_circle_id'))

    op.drop_table('calendar_tokens')
    with op.batch_alter_table('badge_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_badge_grants_member_badge')

    op.drop_table('badge_grants')
    with op.batch_alter_table('organisation_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_aliases_organisation_id'))

    op.drop_table('organisation_aliases')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_organisation_id'))

    op.drop_table('members')
    with op.batch_alter_table('job_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_steps_run_id'))

    op.drop_table('job_steps')
    op.drop_table('closure_days')
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_circles_season_id'))

    op.drop_table('circles')
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_events_received_at'))

    op.drop_table('webhook_events')
    op.drop_table('tags')
    op.drop_table('sync_cursors')
    op.drop_table('seasons')
    op.drop_table('rule_versions')
    op.drop_table('organisations')
    op.drop_table('message_templates')
    op.drop_table('meetups')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_job_started')

    op.drop_table('job_runs')
    op.drop_table('job_locks')
    op.drop_table('forum_groups')
    with op.batch_alter_table('connect_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connect_nonces_expires_at'))

    op.drop_table('connect_nonces')
    op.drop_table('config_entries')
    op.drop_table('categories')
    op.drop_table('badges')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
