"""The companion's tables: members, activity, rules, suggestions, outbox, circles and badges."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from companion.store.types import UTCDateTime, utcnow

# Named constraints keep Alembic migrations reproducible on both databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


CASCADE = "CASCADE"


# --- Organisations and members ------------------------------------------------


class Organisation(Base):
    """An administration or other organisation of the network."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[OrganisationAlias]] = relationship(back_populates="organisation", cascade="all, delete-orphan")


class OrganisationAlias(Base):
    """One way a member is mapped to an organisation: a forum group, a user-field value or an e-mail domain."""

    __tablename__ = "organisation_aliases"
    __table_args__ = (
        UniqueConstraint("kind", "value", name="uq_organisation_aliases_kind_value"),
        CheckConstraint("kind in ('group', 'user_field', 'email_domain')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete=CASCADE), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class Member(Base):
    """A forum user known to the companion."""

    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_user_id: Mapped[int] = mapped_column(unique=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    organisation_source: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(10))
    bio: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    moderator: Mapped[bool] = mapped_column(Boolean, default=False)
    staged: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    silenced: Mapped[bool] = mapped_column(Boolean, default=False)
    trust_level: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime | None]
    forum_created_at: Mapped[datetime | None]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised by logout, consent withdrawal and demotion: sessions of an older generation stop working. A new row
    # starts at a random generation, so a cookie of a deleted member cannot open the row that replaces it.
    session_generation: Mapped[int] = mapped_column(
        Integer, default=lambda: secrets.randbelow(2**31), server_default="0"
    )

    organisation: Mapped[Organisation | None] = relationship()
    preferences: Mapped[MemberPreferences | None] = relationship(
        back_populates="member", cascade="all, delete-orphan", uselist=False
    )
    fields: Mapped[list[MemberField]] = relationship(cascade="all, delete-orphan")
    group_memberships: Mapped[list[GroupMembership]] = relationship(cascade="all, delete-orphan")


class MemberField(Base):
    """A forum user-field value of a member (e.g. Arbeitsschwerpunkt)."""

    __tablename__ = "member_fields"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class ForumGroup(Base):
    """A forum group as last seen by the companion."""

    __tablename__ = "forum_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_group_id: Mapped[int | None] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))


class GroupMembership(Base):
    """A member's membership in a forum group."""

    __tablename__ = "group_memberships"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("forum_groups.id", ondelete=CASCADE), primary_key=True)

    group: Mapped[ForumGroup] = relationship()


class MemberRelation(Base):
    """Whom a member ignores or mutes in the forum: never suggested to them."""

    __tablename__ = "member_relations"
    __table_args__ = (CheckConstraint("kind in ('ignore', 'mute')", name="kind"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    other_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)


class MemberPreferences(Base):
    """A member's consent and cadence choices."""

    __tablename__ = "member_preferences"
    __table_args__ = (CheckConstraint("cadence in ('weekly', 'biweekly', 'monthly', 'paused')", name="cadence"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    matching_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    circles_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    cadence: Mapped[str] = mapped_column(String(10), default="weekly")
    paused_until: Mapped[date | None] = mapped_column(Date)
    # Why suggestions pause: None when the member chose it, "ignored" when the companion paused them.
    paused_reason: Mapped[str | None] = mapped_column(String(20))
    # The day suggestions resumed after an automatic pause: only runs after it count towards the next one.
    resumed_on: Mapped[date | None] = mapped_column(Date)
    locale: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    member: Mapped[Member] = relationship(back_populates="preferences")


class ConsentEvent(Base):
    """One consent given or withdrawn, kept as evidence for as long as the member exists."""

    __tablename__ = "consent_events"
    __table_args__ = (CheckConstraint("kind in ('matching', 'circles')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    granted: Mapped[bool] = mapped_column(Boolean)
    policy_version: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberInterest(Base):
    """An interest a member added, or an inferred one they removed."""

    __tablename__ = "member_interests"
    __table_args__ = (CheckConstraint("action in ('added', 'removed')", name="action"),)

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Activity -----------------------------------------------------------------


class Category(Base):
    """A forum category."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str | None] = mapped_column(String(200))


class Tag(Base):
    """A forum tag."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Topic(Base):
    """A public forum topic, keyed by the forum's topic id."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(500))
    category_id: Mapped[int | None] = mapped_column(Integer, index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime | None]

    tags: Mapped[list[Tag]] = relationship(secondary="topic_tags")


class TopicTag(Base):
    """A tag on a topic."""

    __tablename__ = "topic_tags"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete=CASCADE), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete=CASCADE), primary_key=True)


class Post(Base):
    """A public forum post, keyed by the forum's post id."""

    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_member_created", "member_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete=CASCADE), index=True)
    post_number: Mapped[int] = mapped_column(Integer, default=1)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete=CASCADE))
    reply_to_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    reply_to_post_number: Mapped[int | None] = mapped_column(Integer)
    raw: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]


class Like(Base):
    """A like a member gave to a post."""

    __tablename__ = "likes"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete=CASCADE), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True, index=True)
    created_at: Mapped[datetime | None]


class PrivateContact(Base):
    """Evidence that two members talked privately (a PM between them seen by webhook or by the companion)."""

    __tablename__ = "private_contacts"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    other_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncCursor(Base):
    """Where the last sync of one stream stopped (e.g. the newest post id)."""

    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- Rules, audit, configuration -------------------------------------------------


class RuleVersion(Base):
    """One saved version of the admins' matching rules; the newest is in force."""

    __tablename__ = "rule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(60))
    comment: Mapped[str] = mapped_column(Text, default="")
    rolled_back_from: Mapped[int | None] = mapped_column(Integer)


class AuditEntry(Base):
    """Who changed what, and when: every admin action."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ConfigEntry(Base):
    """A network-level configuration value admins edit on the web pages (e.g. organisation mapping)."""

    __tablename__ = "config_entries"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(60), default="system")


class MessageTemplate(Base):
    """An admin-edited message template; absent rows fall back to the shipped defaults."""

    __tablename__ = "message_templates"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(60))


# --- Jobs -----------------------------------------------------------------------


class JobRun(Base):
    """One run of a job (nightly, sync, delivery) with its counts and errors."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    run_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    steps: Mapped[list[JobStep]] = relationship(cascade="all, delete-orphan", order_by="JobStep.id")


class JobStep(Base):
    """One step of a job run."""

    __tablename__ = "job_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("job_runs.id", ondelete=CASCADE), index=True)
    name: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class JobLock(Base):
    """A lease that lets one worker run a job while a second one idles."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class WorkerHeartbeat(Base):
    """A worker's sign of life, renewed every few seconds, with its forum request counters."""

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    forum_requests: Mapped[int] = mapped_column(Integer, default=0)
    forum_rate_limited: Mapped[int] = mapped_column(Integer, default=0)


class WebhookEvent(Base):
    """A processed forum webhook delivery, for de-duplication by event id."""

    __tablename__ = "webhook_events"

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    event: Mapped[str] = mapped_column(String(50))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # SHA-256 of the signed body: a body replayed under another (unsigned) event name is recognised by it.
    body_digest: Mapped[str | None] = mapped_column(String(64), index=True)


class ConnectNonce(Base):
    """A DiscourseConnect nonce: single use, expiring."""

    __tablename__ = "connect_nonces"

    nonce: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


# --- Suggestions and the outbox ---------------------------------------------------


class Suggestion(Base):
    """One member suggested to another in one nightly run, and what came of it."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("member_id", "suggested_member_id", "run_date", name="uq_suggestions_pair_run"),
        Index("ix_suggestions_pair", "member_id", "suggested_member_id"),
        Index("ix_suggestions_suggested_pair", "suggested_member_id", "member_id"),
        CheckConstraint("status in ('new', 'contacted', 'rejected', 'talked', 'ignored')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"), index=True)
    run_date: Mapped[date] = mapped_column(Date, index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE))
    suggested_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    shared_terms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("rule_versions.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="new")
    feedback_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    suggested: Mapped[Member] = relationship(foreign_keys=[suggested_member_id])


class OutboxItem(Base):
    """A durable forum write with an idempotency key, sent by the delivery loop."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        CheckConstraint("status in ('pending', 'sending', 'uncertain', 'sent', 'failed', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    forum_post_id: Mapped[int | None] = mapped_column(Integer)
    forum_topic_id: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Who is sending this item right now, and until when that claim holds (a crashed sender's claim runs out).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_until: Mapped[datetime | None]


class MeetingCheck(Base):
    """The "did you meet?" question to one member of an introduced pair, and the member's answer."""

    __tablename__ = "meeting_checks"
    __table_args__ = (
        UniqueConstraint("member_id", "other_member_id", name="uq_meeting_checks_pair"),
        CheckConstraint("status in ('asked', 'met', 'not_met')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    other_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    # The answer link's secret: it lets its holder answer this one question, nothing else.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(24))
    introduced_at: Mapped[datetime]
    asked_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="asked")
    answered_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    other: Mapped[Member] = relationship(foreign_keys=[other_member_id])


# --- Circles ---------------------------------------------------------------------


class Season(Base):
    """A circle season: sign-up window, formation settings and a series of meetings."""

    __tablename__ = "seasons"
    __table_args__ = (
        CheckConstraint("min_size >= 2 and min_size <= target_size and target_size <= max_size", name="sizes"),
        CheckConstraint("cadence_weeks between 4 and 6", name="cadence"),
        CheckConstraint("status in ('draft', 'open', 'formed', 'published', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    signup_opens_on: Mapped[date] = mapped_column(Date)
    signup_closes_on: Mapped[date] = mapped_column(Date)
    first_meeting_on: Mapped[date] = mapped_column(Date)
    min_size: Mapped[int] = mapped_column(Integer, default=4)
    target_size: Mapped[int] = mapped_column(Integer, default=6)
    max_size: Mapped[int] = mapped_column(Integer, default=8)
    cadence_weeks: Mapped[int] = mapped_column(Integer, default=5)
    meetings_count: Mapped[int] = mapped_column(Integer, default=6)
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=90)
    time_blocks: Mapped[list[Any]] = mapped_column(JSON, default=list)
    skip_school_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    school_holidays: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Network-wide closure days as ISO dates; None means the defaults (24.12., 31.12. and the days between).
    closed_days: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    seed: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    circles: Mapped[list[Circle]] = relationship(back_populates="season", cascade="all, delete-orphan")
    signups: Mapped[list[SignUp]] = relationship(back_populates="season", cascade="all, delete-orphan")


class ClosureDay(Base):
    """A day an organisation is closed (no meetings it hosts or attends)."""

    __tablename__ = "closure_days"

    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete=CASCADE), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete=CASCADE), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class SignUp(Base):
    """A member's sign-up for a season."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("season_id", "member_id", name="uq_signups_season_member"),
        CheckConstraint("mode in ('online', 'onsite', 'either')", name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete=CASCADE), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    willing_to_host: Mapped[bool] = mapped_column(Boolean, default=False)
    mode: Mapped[str] = mapped_column(String(10), default="either")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    season: Mapped[Season] = relationship(back_populates="signups")
    member: Mapped[Member] = relationship()
    interests: Mapped[list[SignUpInterest]] = relationship(cascade="all, delete-orphan")
    availability: Mapped[list[SignUpAvailability]] = relationship(cascade="all, delete-orphan")
    keep_apart: Mapped[list[SignUpKeepApart]] = relationship(cascade="all, delete-orphan")


class SignUpInterest(Base):
    """A topic a member wants to work on in their circle."""

    __tablename__ = "signup_interests"

    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete=CASCADE), primary_key=True)
    term: Mapped[str] = mapped_column(String(100), primary_key=True)


class SignUpAvailability(Base):
    """A weekly slot (weekday and time block) a member can meet."""

    __tablename__ = "signup_availability"

    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete=CASCADE), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    block: Mapped[str] = mapped_column(String(20), primary_key=True)


class SignUpKeepApart(Base):
    """A member this sign-up asks not to share a circle with."""

    __tablename__ = "signup_keep_apart"

    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete=CASCADE), primary_key=True)
    other_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)


class Circle(Base):
    """A peer circle of one season."""

    __tablename__ = "circles"
    __table_args__ = (CheckConstraint("status in ('preview', 'published', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete=CASCADE), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    slot_weekday: Mapped[int] = mapped_column(Integer)
    slot_block: Mapped[str] = mapped_column(String(20))
    forum_group_name: Mapped[str | None] = mapped_column(String(100))
    forum_group_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="preview")

    season: Mapped[Season] = relationship(back_populates="circles")
    members: Mapped[list[CircleMember]] = relationship(cascade="all, delete-orphan")
    meetings: Mapped[list[Meeting]] = relationship(cascade="all, delete-orphan", order_by="Meeting.number")


class CircleMember(Base):
    """A member of a circle."""

    __tablename__ = "circle_members"

    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete=CASCADE), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True, index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()


class WaitingEntry(Base):
    """A signed-up member who got no circle, with the reason."""

    __tablename__ = "waiting_list"

    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id", ondelete=CASCADE), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    reason: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(Base):
    """One meeting of a circle."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_starts_at", "starts_at"),
        CheckConstraint("status in ('scheduled', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete=CASCADE), index=True)
    number: Mapped[int] = mapped_column(Integer)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    host_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Why formation moved the meeting off its planned date: matching's BlockReason code and its data
    # (holiday name, organisation id), worded in the reader's language when shown.
    move_reason: Mapped[str | None] = mapped_column(String(30))
    move_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    rsvps: Mapped[list[Rsvp]] = relationship(cascade="all, delete-orphan")


class Rsvp(Base):
    """A member's answer to a meeting."""

    __tablename__ = "rsvps"
    __table_args__ = (CheckConstraint("answer in ('yes', 'no', 'maybe')", name="answer"),)

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete=CASCADE), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True)
    answer: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    attended: Mapped[bool | None] = mapped_column(Boolean)


class CalendarToken(Base):
    """An unguessable, revocable token behind an ICS feed of a member or a circle."""

    __tablename__ = "calendar_tokens"
    __table_args__ = (CheckConstraint("(member_id is null) <> (circle_id is null)", name="one_owner"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete=CASCADE), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Meetup(Base):
    """An open event with a capacity and a first-come waiting list."""

    __tablename__ = "meetups"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    confirm_hours: Mapped[int] = mapped_column(Integer, default=48)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Confirmed guests whose names and addresses were deleted after the meetup: kept as a number for the report.
    guests_counted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MeetupRegistration(Base):
    """A member's seat or place on the waiting list of a meetup."""

    __tablename__ = "meetup_registrations"
    __table_args__ = (
        UniqueConstraint("meetup_id", "member_id", name="uq_meetup_registrations_member"),
        CheckConstraint("status in ('confirmed', 'waiting', 'offered', 'cancelled', 'expired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetups.id", ondelete=CASCADE), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    status: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    offered_until: Mapped[datetime | None]


# --- Badges ----------------------------------------------------------------------


class Badge(Base):
    """A badge of the companion's catalogue and its counterpart in the forum."""

    __tablename__ = "badges"
    __table_args__ = (CheckConstraint("badge_type in ('gold', 'silver', 'bronze')", name="badge_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name_de: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_de: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(60), default="fa-certificate")
    badge_type: Mapped[str] = mapped_column(String(10), default="bronze")
    multiple_grant: Mapped[bool] = mapped_column(Boolean, default=False)
    rule: Mapped[str] = mapped_column(String(60))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    forum_badge_id: Mapped[int | None] = mapped_column(Integer)


class BadgeGrant(Base):
    """A badge granted to a member, with its evidence; revoked grants are kept so they are not re-granted."""

    __tablename__ = "badge_grants"
    __table_args__ = (Index("ix_badge_grants_member_badge", "member_id", "badge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    badge_id: Mapped[int] = mapped_column(ForeignKey("badges.id", ondelete=CASCADE))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    forum_user_badge_id: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None]
    regrant_allowed: Mapped[bool] = mapped_column(Boolean, default=False)

    badge: Mapped[Badge] = relationship()


# --- The network's formats: Vorhaben and check-ins, Lean Coffee, guests, the camp ----------------


class Project(Base):
    """A circle member's change project ("Vorhaben"): what, why, the first step and by when."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("circle_id", "member_id", name="uq_projects_circle_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete=CASCADE), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    first_step: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    publish_summary: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship()


class CheckIn(Base):
    """A member's short check-in before a meeting: done since last time, next step, where stuck, confidence."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_check_ins_meeting_member"),
        CheckConstraint("confidence between 1 and 5", name="confidence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete=CASCADE), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    done: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str] = mapped_column(Text, default="")
    stuck: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[int] = mapped_column(Integer)
    wants_advice: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeanCoffee(Base):
    """A meetup run as Lean Coffee: dots per participant, the timebox, the topic under discussion."""

    __tablename__ = "lean_coffee"

    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetups.id", ondelete=CASCADE), primary_key=True)
    dots: Mapped[int] = mapped_column(Integer, default=3)
    timebox_minutes: Mapped[int] = mapped_column(Integer, default=8)
    extension_minutes: Mapped[int] = mapped_column(Integer, default=4)
    current_topic_id: Mapped[int | None] = mapped_column(Integer)
    timebox_ends_at: Mapped[datetime | None]
    category_id: Mapped[int | None] = mapped_column(Integer)

    topics: Mapped[list[LeanCoffeeTopic]] = relationship(cascade="all, delete-orphan")


class LeanCoffeeTopic(Base):
    """A topic proposed for a Lean Coffee; discussed ones carry notes."""

    __tablename__ = "lean_coffee_topics"
    __table_args__ = (CheckConstraint("status in ('proposed', 'discussing', 'discussed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("lean_coffee.meetup_id", ondelete=CASCADE), index=True)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    minutes_used: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    votes: Mapped[list[LeanCoffeeVote]] = relationship(cascade="all, delete-orphan")


class LeanCoffeeVote(Base):
    """One dot a participant put on a topic (several dots on one topic are allowed)."""

    __tablename__ = "lean_coffee_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("lean_coffee_topics.id", ondelete=CASCADE), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetupGuest(Base):
    """A citizen without a forum account registered for a meetup by name and e-mail (double opt-in)."""

    __tablename__ = "meetup_guests"
    __table_args__ = (
        UniqueConstraint("meetup_id", "email", name="uq_meetup_guests_email"),
        CheckConstraint("status in ('unconfirmed', 'confirmed', 'waiting', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(ForeignKey("meetups.id", ondelete=CASCADE), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="unconfirmed")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]


class Camp(Base):
    """The yearly barcamp: one day, its rooms and time slots; participants bring and vote for sessions."""

    __tablename__ = "camps"
    __table_args__ = (CheckConstraint("status in ('open', 'planned', 'published')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    day: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(300), default="")
    # [{"name": "Saal", "capacity": 60}, ...] and [{"start": "10:00", "end": "10:45"}, ...]
    rooms: Mapped[list[Any]] = mapped_column(JSON, default=list)
    slots: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sessions: Mapped[list[CampSession]] = relationship(cascade="all, delete-orphan", order_by="CampSession.id")


class CampSession(Base):
    """A session proposed for the camp by a member or a guest, and where the grid put it."""

    __tablename__ = "camp_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    camp_id: Mapped[int] = mapped_column(ForeignKey("camps.id", ondelete=CASCADE), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    proposer_name: Mapped[str] = mapped_column(String(120), default="")
    slot: Mapped[int | None] = mapped_column(Integer)
    room: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    votes: Mapped[list[CampVote]] = relationship(cascade="all, delete-orphan")


class CampVote(Base):
    """A member's interest in a camp session (one per member and session)."""

    __tablename__ = "camp_votes"

    session_id: Mapped[int] = mapped_column(ForeignKey("camp_sessions.id", ondelete=CASCADE), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete=CASCADE), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
