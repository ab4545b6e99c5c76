"""Lean Coffee: topics proposed and voted with dots, an agenda run in timeboxes, notes posted to the forum once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from companion.circles.common import local
from companion.circles.errors import MeetupRefused
from companion.meetups.states import TOPIC, RegistrationStatus, TopicStatus
from companion.messages.dates import day_text
from companion.messages.gettext import text_in
from companion.messages.markdown import escape_markdown, escape_markdown_text, plain_line
from companion.outbox.delivery import enqueue_once
from companion.settings import Settings
from companion.store.models import LeanCoffee, LeanCoffeeTopic, LeanCoffeeVote, Meetup, MeetupRegistration, Member

MAX_TITLE = 200
MAX_TOPICS_PER_MEMBER = 3


@dataclass(frozen=True)
class AgendaItem:
    """A topic with its dots, in agenda order."""

    topic: LeanCoffeeTopic
    votes: int
    mine: int


def lean_coffee_of(session: Session, meetup: Meetup) -> LeanCoffee | None:
    """The meetup's Lean Coffee settings, or None when it is not run as Lean Coffee."""
    return session.get(LeanCoffee, meetup.id)


def enable(
    session: Session, meetup: Meetup, *, dots: int = 3, timebox_minutes: int = 8, extension_minutes: int = 4
) -> LeanCoffee:
    """Run the meetup as Lean Coffee (or change its dots and timebox)."""
    if not 1 <= dots <= 10:
        raise MeetupRefused("dots must be 1 to 10")
    if not 2 <= timebox_minutes <= 60 or not 1 <= extension_minutes <= 30:
        raise MeetupRefused("a timebox is 2 to 60 minutes, an extension 1 to 30")
    row = lean_coffee_of(session, meetup)
    if row is None:
        row = LeanCoffee(meetup_id=meetup.id)
        session.add(row)
    row.dots, row.timebox_minutes, row.extension_minutes = dots, timebox_minutes, extension_minutes
    session.flush()
    return row


def is_participant(session: Session, meetup: Meetup, member: Member) -> bool:
    """Whether the member holds a confirmed seat (only participants propose and vote)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(MeetupRegistration)
            .where(
                MeetupRegistration.meetup_id == meetup.id,
                MeetupRegistration.member_id == member.id,
                MeetupRegistration.status == RegistrationStatus.CONFIRMED,
            )
        )
        or 0
    ) > 0


def _require(session: Session, meetup: Meetup, member: Member) -> LeanCoffee:
    row = lean_coffee_of(session, meetup)
    if row is None:
        raise MeetupRefused("this meetup is not a Lean Coffee")
    if not is_participant(session, meetup, member):
        raise MeetupRefused("only registered participants propose topics and vote")
    return row


def propose(session: Session, meetup: Meetup, member: Member, title: str) -> LeanCoffeeTopic:
    """Add a topic to the board (a few per person, no empty or duplicate titles)."""
    _require(session, meetup, member)
    clean = " ".join((title or "").split())[:MAX_TITLE]
    if not clean:
        raise MeetupRefused("a topic needs a title")
    topics = session.scalars(select(LeanCoffeeTopic).where(LeanCoffeeTopic.meetup_id == meetup.id)).all()
    if any(t.title.casefold() == clean.casefold() for t in topics):
        raise MeetupRefused("this topic is already on the board")
    if sum(1 for t in topics if t.proposer_id == member.id) >= MAX_TOPICS_PER_MEMBER:
        raise MeetupRefused("at most %(count)s topics per person", count=MAX_TOPICS_PER_MEMBER)
    topic = LeanCoffeeTopic(meetup_id=meetup.id, proposer_id=member.id, title=clean)
    session.add(topic)
    session.flush()
    return topic


def dots_used(session: Session, meetup: Meetup, member: Member) -> int:
    """How many of the member's dots are on the board."""
    return (
        session.scalar(
            select(func.count())
            .select_from(LeanCoffeeVote)
            .join(LeanCoffeeTopic, LeanCoffeeTopic.id == LeanCoffeeVote.topic_id)
            .where(LeanCoffeeTopic.meetup_id == meetup.id, LeanCoffeeVote.member_id == member.id)
        )
        or 0
    )


def vote(session: Session, topic: LeanCoffeeTopic, member: Member) -> None:
    """Put one dot on a proposed topic, within the member's dots."""
    meetup = session.get(Meetup, topic.meetup_id)
    if meetup is None:
        raise MeetupRefused("no such meetup")
    row = _require(session, meetup, member)
    if topic.status != TopicStatus.PROPOSED:
        raise MeetupRefused("this topic is no longer open for votes")
    if dots_used(session, meetup, member) >= row.dots:
        raise MeetupRefused("all your dots are used (%(dots)s)", dots=row.dots)
    session.add(LeanCoffeeVote(topic_id=topic.id, member_id=member.id))
    session.flush()


def unvote(session: Session, topic: LeanCoffeeTopic, member: Member) -> None:
    """Take one of the member's dots back from a topic."""
    if topic.status != TopicStatus.PROPOSED:
        raise MeetupRefused("this topic is no longer open for votes")
    dot = session.scalar(
        select(LeanCoffeeVote)
        .where(LeanCoffeeVote.topic_id == topic.id, LeanCoffeeVote.member_id == member.id)
        .order_by(LeanCoffeeVote.id.desc())
        .limit(1)
    )
    if dot is not None:
        session.delete(dot)
        session.flush()


def agenda(session: Session, meetup: Meetup, member: Member | None = None) -> list[AgendaItem]:
    """The board ordered as Lean Coffee runs it: most dots first, earlier proposals first among equals."""
    topics = session.scalars(
        select(LeanCoffeeTopic).where(LeanCoffeeTopic.meetup_id == meetup.id).order_by(LeanCoffeeTopic.id)
    ).all()
    counts = dict(
        session.execute(
            select(LeanCoffeeVote.topic_id, func.count())
            .join(LeanCoffeeTopic, LeanCoffeeTopic.id == LeanCoffeeVote.topic_id)
            .where(LeanCoffeeTopic.meetup_id == meetup.id)
            .group_by(LeanCoffeeVote.topic_id)
        ).all()
    )
    mine: dict[int, int] = {}
    if member is not None:
        mine = dict(
            session.execute(
                select(LeanCoffeeVote.topic_id, func.count())
                .join(LeanCoffeeTopic, LeanCoffeeTopic.id == LeanCoffeeVote.topic_id)
                .where(LeanCoffeeTopic.meetup_id == meetup.id, LeanCoffeeVote.member_id == member.id)
                .group_by(LeanCoffeeVote.topic_id)
            ).all()
        )
    items = [AgendaItem(topic, int(counts.get(topic.id, 0)), int(mine.get(topic.id, 0))) for topic in topics]
    return sorted(items, key=lambda item: (-item.votes, item.topic.created_at, item.topic.id))


def current_topic(session: Session, meetup: Meetup) -> LeanCoffeeTopic | None:
    """The topic under discussion, or None."""
    row = lean_coffee_of(session, meetup)
    return session.get(LeanCoffeeTopic, row.current_topic_id) if row and row.current_topic_id else None


def start_next(session: Session, meetup: Meetup, now: datetime, notes: str = "") -> LeanCoffeeTopic | None:
    """Close the current topic (with its notes) and start the most-voted open one in a fresh timebox."""
    row = lean_coffee_of(session, meetup)
    if row is None:
        raise MeetupRefused("this meetup is not a Lean Coffee")
    finish_current(session, meetup, now, notes)
    following = next(
        (item.topic for item in agenda(session, meetup) if item.topic.status == TopicStatus.PROPOSED), None
    )
    if following is None:
        return None
    TOPIC.move(following, TopicStatus.DISCUSSING)
    row.current_topic_id = following.id
    row.timebox_ends_at = now + timedelta(minutes=row.timebox_minutes)
    following.minutes_used = row.timebox_minutes
    session.flush()
    return following


def finish_current(session: Session, meetup: Meetup, now: datetime, notes: str = "") -> None:
    """Mark the topic under discussion discussed, keeping the facilitator's notes."""
    row = lean_coffee_of(session, meetup)
    topic = current_topic(session, meetup)
    if row is None or topic is None:
        return
    TOPIC.move(topic, TopicStatus.DISCUSSED)
    topic.notes = (notes or topic.notes).strip()[:4000]
    row.current_topic_id = None
    row.timebox_ends_at = None
    session.flush()


def extend(session: Session, meetup: Meetup, now: datetime, *, thumbs_up: int, thumbs_down: int) -> bool:
    """The quick vote at the end of a timebox: more thumbs up than down extends it once more; returns whether it did."""
    row = lean_coffee_of(session, meetup)
    topic = current_topic(session, meetup)
    if row is None or topic is None:
        raise MeetupRefused("no topic is being discussed")
    if thumbs_up <= thumbs_down:
        return False
    row.timebox_ends_at = max(row.timebox_ends_at or now, now) + timedelta(minutes=row.extension_minutes)
    topic.minutes_used += row.extension_minutes
    session.flush()
    return True


def notes_key(meetup: Meetup) -> str:
    """The outbox key of the meetup's notes topic (posted once, however often an admin asks)."""
    return f"lean-coffee-notes:{meetup.id}"


def notes_topic(session: Session, meetup: Meetup, settings: Settings) -> tuple[str, str]:
    """Title and Markdown of the notes in the network's language: the agenda in order with votes, minutes and notes."""
    locale = settings.default_locale
    day = day_text(local(meetup.starts_at, settings).date(), locale, "medium")
    lines = [text_in(locale, "Lean Coffee “%(meetup)s” on %(day)s.", meetup=escape_markdown(meetup.title), day=day), ""]
    columns = [text_in(locale, "Topic"), text_in(locale, "Dots"), text_in(locale, "Minutes"), text_in(locale, "Status")]
    lines += ["| " + " | ".join(columns) + " |", "|---|---:|---:|---|"]
    labels = {
        "proposed": text_in(locale, "not discussed"),
        "discussing": text_in(locale, "under discussion"),
        "discussed": text_in(locale, "discussed"),
    }
    items = agenda(session, meetup)
    for item in items:
        lines.append(
            f"| {escape_markdown(item.topic.title)} | {item.votes} | {item.topic.minutes_used or '–'} | "
            f"{labels[item.topic.status]} |"
        )
    for item in items:
        if item.topic.notes:
            lines += ["", f"### {escape_markdown(item.topic.title)}", "", escape_markdown_text(item.topic.notes)]
    return text_in(locale, "Notes: %(meetup)s", meetup=plain_line(meetup.title)), "\n".join(lines)


def post_notes(session: Session, meetup: Meetup, settings: Settings) -> bool:
    """Queue the notes topic once; returns False when it was queued before."""
    category_id = settings.sharing_category_id
    if not category_id:
        raise MeetupRefused("COMPANION_SHARING_CATEGORY_ID is not set: name the forum category for the notes")
    if lean_coffee_of(session, meetup) is None:
        raise MeetupRefused("this meetup is not a Lean Coffee")
    title, raw = notes_topic(session, meetup, settings)
    _, created = enqueue_once(
        session,
        key=notes_key(meetup),
        kind="topic",
        payload={"title": title, "raw": raw, "category_id": category_id, "tags": ["lean-coffee"]},
    )
    return created
