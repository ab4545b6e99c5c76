"""GDPR duties: export everything the companion holds about a member, and delete it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from companion.circles.changes import handle_member_departure
from companion.outbox.states import OUTBOX, OutboxStatus
from companion.store.models import (
    BadgeGrant,
    CheckIn,
    CircleMember,
    ConsentEvent,
    Like,
    MeetingCheck,
    MeetupRegistration,
    Member,
    MemberField,
    MemberInterest,
    MemberPreferences,
    MemberRelation,
    OutboxItem,
    Post,
    Project,
    Rsvp,
    SignUp,
    Suggestion,
)
from companion.store.types import utcnow
from companion.suggestions.feedback import suggestion_key


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj: Any, columns: list[str]) -> dict[str, Any]:
    return {column: _plain(getattr(obj, column)) for column in columns}


def export_member_data(session: Session, member_id: int) -> dict[str, Any]:
    """Everything stored about one member, as JSON-ready data."""
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    preferences = session.get(MemberPreferences, member_id)
    data: dict[str, Any] = {
        "member": _row(
            member,
            [
                "forum_user_id",
                "username",
                "name",
                "email",
                "locale",
                "bio",
                "active",
                "admin",
                "moderator",
                "trust_level",
                "last_seen_at",
                "forum_created_at",
                "synced_at",
                "organisation_source",
            ],
        ),
        "organisation": member.organisation.name if member.organisation else None,
        "preferences": _row(preferences, ["matching_consent", "circles_consent", "cadence", "paused_until", "locale"])
        if preferences
        else None,
        "consent_history": [
            _row(e, ["kind", "granted", "policy_version", "at"])
            for e in session.scalars(
                select(ConsentEvent).where(ConsentEvent.member_id == member_id).order_by(ConsentEvent.at)
            )
        ],
        "profile_fields": {
            f.name: f.value for f in session.scalars(select(MemberField).where(MemberField.member_id == member_id))
        },
        "interests_edited": [
            _row(i, ["term", "action", "at"])
            for i in session.scalars(select(MemberInterest).where(MemberInterest.member_id == member_id))
        ],
        "ignored_or_muted": [
            {"kind": r.kind, "member_id": r.other_member_id}
            for r in session.scalars(select(MemberRelation).where(MemberRelation.member_id == member_id))
        ],
        "posts": [
            _row(p, ["id", "topic_id", "post_number", "created_at"])
            for p in session.scalars(select(Post).where(Post.member_id == member_id).order_by(Post.id))
        ],
        "likes": [
            _row(like, ["post_id", "created_at"])
            for like in session.scalars(select(Like).where(Like.member_id == member_id))
        ],
        "suggestions_received": [
            {
                **_row(s, ["run_date", "rank", "score", "shared_terms", "status", "feedback_at"]),
                "suggested": s.suggested.username,
            }
            for s in session.scalars(
                select(Suggestion).where(Suggestion.member_id == member_id).order_by(Suggestion.id)
            )
        ],
        "circle_signups": [
            {
                "season": s.season.name,
                "willing_to_host": s.willing_to_host,
                "mode": s.mode,
                "availability": [f"{a.weekday}:{a.block}" for a in s.availability],
                "interests": [i.term for i in s.interests],
            }
            for s in session.scalars(select(SignUp).where(SignUp.member_id == member_id))
        ],
        "circles": [
            c.circle_id for c in session.scalars(select(CircleMember).where(CircleMember.member_id == member_id))
        ],
        "rsvps": [
            _row(r, ["meeting_id", "answer", "at"])
            for r in session.scalars(select(Rsvp).where(Rsvp.member_id == member_id))
        ],
        "meetups": [
            _row(r, ["meetup_id", "status", "registered_at"])
            for r in session.scalars(select(MeetupRegistration).where(MeetupRegistration.member_id == member_id))
        ],
        "badges": [
            {"badge": g.badge.key, "granted_at": _plain(g.granted_at), "revoked_at": _plain(g.revoked_at)}
            for g in session.scalars(select(BadgeGrant).where(BadgeGrant.member_id == member_id))
        ],
        "did_you_meet": [
            {**_row(c, ["introduced_at", "asked_on", "status", "answered_at"]), "colleague": c.other.username}
            for c in session.scalars(select(MeetingCheck).where(MeetingCheck.member_id == member_id))
        ],
        "change_projects": [
            _row(p, ["circle_id", "what", "why", "first_step", "due_on", "publish_summary", "summary", "created_at"])
            for p in session.scalars(select(Project).where(Project.member_id == member_id))
        ],
        "check_ins": [
            _row(c, ["meeting_id", "done", "next_step", "stuck", "confidence", "wants_advice", "created_at"])
            for c in session.scalars(select(CheckIn).where(CheckIn.member_id == member_id))
        ],
    }
    return data


def delete_member_data(session: Session, member_id: int) -> bool:
    """Delete the member and, by cascade, everything the companion holds about them; False if unknown."""
    member = session.get(Member, member_id)
    if member is None:
        return False
    # Queued messages that mention the member by name in someone else's PM are cancelled too.
    suggestion_keys = [
        suggestion_key(s.member_id, s.run_date)
        for s in session.scalars(select(Suggestion).where(Suggestion.suggested_member_id == member_id))
    ]
    if suggestion_keys:
        for item in session.scalars(
            select(OutboxItem).where(
                OutboxItem.idempotency_key.in_(suggestion_keys), OutboxItem.status == OutboxStatus.PENDING
            )
        ):
            OUTBOX.move(item, OutboxStatus.CANCELLED)
            item.last_error = "a suggested member deleted their account"
    _leave_circles(session, member)
    session.execute(delete(Member).where(Member.id == member_id))
    return True


def _leave_circles(session: Session, member: Member) -> None:
    # A circle is told once that someone left and the forum group drops them; their rows then cascade away.
    handle_member_departure(session, member, now=utcnow(), actor="forum")


def delete_forum_user(session: Session, forum_user_id: int) -> bool:
    """Delete the companion's data about a member deleted in the forum."""
    member_id = session.scalar(select(Member.id).where(Member.forum_user_id == forum_user_id))
    return delete_member_data(session, member_id) if member_id is not None else False
