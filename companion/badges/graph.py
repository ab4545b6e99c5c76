"""Build the interaction graph the badge rules read: who replied to, liked, wrote to, met or hosted whom.

Sources in the store:
- replies: `posts.reply_to_member_id` (a reply to one's own post is no interaction);
- likes: `likes` joined to the liked post's author (self-likes are dropped too);
- private messages: `private_contacts`;
- circle meetings attended: past, not cancelled meetings with an RSVP that
  says the member attended (`attended` true, or `answer = yes` while nobody
  recorded attendance);
- circle meetings hosted: attendees of such a meeting whose organisation is
  the meeting's host organisation (the store keeps the host organisation,
  not a host member);
- accepted suggestions: `suggestions.status` in contacted / talked.

Members who left the forum (inactive or staged rows) are reported as
`deleted` so the rules neither award them nor count contacts with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from companion.circles.states import MeetingStatus
from companion.store.models import (
    Like,
    Meeting,
    Member,
    Organisation,
    Post,
    PrivateContact,
    Rsvp,
    Suggestion,
)
from companion.store.types import utcnow
from companion.suggestions.states import ACCEPTED
from matching.badges.rules import Interaction

# Interactions without a timestamp sort first, so they never hide a dated one as "the first".
_UNDATED = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class InteractionGraph:
    """Members with their organisation, members who left, and every interaction in time order."""

    members: dict[int, int | None]
    deleted: set[int]
    interactions: list[Interaction] = field(default_factory=list)


def post_url(forum_url: str | None, topic_id: int | None, post_number: int | None) -> str | None:
    """The forum link of a post (`/t/{topic}/{number}`), or None without a forum URL or topic."""
    if not forum_url or topic_id is None:
        return None
    base = forum_url.rstrip("/")
    return f"{base}/t/{topic_id}/{post_number or 1}"


def load_members(session: Session) -> tuple[dict[int, int | None], set[int]]:
    """Every member's organisation (None when unknown) and the ids of members who left the forum."""
    members: dict[int, int | None] = {}
    deleted: set[int] = set()
    rows = session.execute(select(Member.id, Member.organisation_id, Member.active, Member.staged))
    for member_id, organisation_id, active, staged in rows:
        members[member_id] = organisation_id
        if not active or staged:
            deleted.add(member_id)
    return members, deleted


def organisation_labels(session: Session) -> dict[int, str]:
    """A readable, unique label per organisation id (its name, with the key when two share a name)."""
    rows = session.execute(select(Organisation.id, Organisation.key, Organisation.name)).all()
    names = [name for _id, _key, name in rows]
    return {
        organisation_id: name if names.count(name) == 1 else f"{name} ({key})" for organisation_id, key, name in rows
    }


def reply_interactions(session: Session, forum_url: str | None) -> Iterable[Interaction]:
    """One interaction per reply to another member's post."""
    rows = session.execute(
        select(Post.id, Post.topic_id, Post.post_number, Post.member_id, Post.reply_to_member_id, Post.created_at)
        .where(Post.member_id.is_not(None))
        .where(Post.reply_to_member_id.is_not(None))
        .where(Post.member_id != Post.reply_to_member_id)
    )
    for post_id, topic_id, post_number, author_id, target_id, created_at in rows:
        if author_id is None or target_id is None:
            continue  # the query excludes these; the check tells the type checker
        yield Interaction(
            kind="reply",
            actor_id=author_id,
            target_id=target_id,
            at=created_at or _UNDATED,
            post_id=post_id,
            topic_id=topic_id,
            url=post_url(forum_url, topic_id, post_number),
        )


def like_interactions(session: Session, forum_url: str | None) -> Iterable[Interaction]:
    """One interaction per like of another member's post."""
    rows = session.execute(
        select(
            Like.member_id, Like.created_at, Post.id, Post.topic_id, Post.post_number, Post.member_id, Post.created_at
        )
        .join(Post, Post.id == Like.post_id)
        .where(Post.member_id.is_not(None))
        .where(Post.member_id != Like.member_id)
    )
    for liker_id, liked_at, post_id, topic_id, post_number, author_id, posted_at in rows:
        yield Interaction(
            kind="like",
            actor_id=liker_id,
            target_id=author_id,
            at=liked_at or posted_at or _UNDATED,
            post_id=post_id,
            topic_id=topic_id,
            url=post_url(forum_url, topic_id, post_number),
        )


def private_message_interactions(session: Session) -> Iterable[Interaction]:
    """One interaction per pair of members seen writing each other privately (the store keeps both directions)."""
    rows = session.execute(
        select(PrivateContact.member_id, PrivateContact.other_member_id, PrivateContact.first_at).where(
            PrivateContact.member_id != PrivateContact.other_member_id
        )
    )
    first: dict[tuple[int, int], tuple[datetime, int, int]] = {}
    for member_id, other_id, first_at in rows:
        pair = (min(member_id, other_id), max(member_id, other_id))
        moment = first_at or _UNDATED
        if pair not in first or (moment, member_id) < first[pair][:2]:
            first[pair] = (moment, member_id, other_id)
    for moment, member_id, other_id in first.values():
        yield Interaction(kind="pm", actor_id=member_id, target_id=other_id, at=moment)


def meeting_interactions(session: Session, now: datetime) -> Iterable[Interaction]:
    """Attendance of past meetings, and hosting by attendees from the meeting's host organisation."""
    attended = or_(Rsvp.attended.is_(True), and_(Rsvp.attended.is_(None), Rsvp.answer == "yes"))
    rows = session.execute(
        select(
            Rsvp.member_id,
            Meeting.id,
            Meeting.circle_id,
            Meeting.starts_at,
            Meeting.host_organisation_id,
            Member.organisation_id,
        )
        .join(Meeting, Meeting.id == Rsvp.meeting_id)
        .join(Member, Member.id == Rsvp.member_id)
        .where(Meeting.status == MeetingStatus.SCHEDULED)
        .where(Meeting.starts_at <= now)
        .where(attended)
    )
    for member_id, meeting_id, circle_id, starts_at, host_organisation_id, organisation_id in rows:
        yield Interaction(
            kind="meeting_attended",
            actor_id=member_id,
            target_id=None,
            at=starts_at,
            circle_id=circle_id,
            meeting_id=meeting_id,
        )
        if host_organisation_id is not None and organisation_id == host_organisation_id:
            yield Interaction(
                kind="meeting_hosted",
                actor_id=member_id,
                target_id=None,
                at=starts_at,
                circle_id=circle_id,
                meeting_id=meeting_id,
            )


def suggestion_interactions(session: Session) -> Iterable[Interaction]:
    """One interaction per suggestion the member acted on (contacted or talked)."""
    rows = session.execute(
        select(Suggestion.member_id, Suggestion.suggested_member_id, Suggestion.feedback_at, Suggestion.created_at)
        .where(Suggestion.status.in_(ACCEPTED))
        .where(Suggestion.member_id != Suggestion.suggested_member_id)
    )
    for member_id, suggested_id, feedback_at, created_at in rows:
        yield Interaction(
            kind="suggestion_accepted",
            actor_id=member_id,
            target_id=suggested_id,
            at=feedback_at or created_at or _UNDATED,
        )


def _order(interaction: Interaction) -> tuple:
    # Time first; ties broken by stable fields so the same store always yields the same evidence.
    return (
        interaction.at,
        interaction.kind,
        interaction.post_id or 0,
        interaction.meeting_id or 0,
        interaction.actor_id,
        interaction.target_id or 0,
    )


def build_graph(session: Session, *, forum_url: str | None = None, now: datetime | None = None) -> InteractionGraph:
    """Read members and every kind of interaction from the store, in chronological order."""
    moment = now or utcnow()
    members, deleted = load_members(session)
    interactions: list[Interaction] = []
    interactions.extend(reply_interactions(session, forum_url))
    interactions.extend(like_interactions(session, forum_url))
    interactions.extend(private_message_interactions(session))
    interactions.extend(meeting_interactions(session, moment))
    interactions.extend(suggestion_interactions(session))
    interactions.sort(key=_order)
    return InteractionGraph(members=members, deleted=deleted, interactions=interactions)
