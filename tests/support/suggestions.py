"""A small network of consenting members for the suggestion tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from companion.members.consent import set_consent
from companion.store.models import Member, Organisation, OutboxItem, Post, Tag, Topic, TopicTag
from companion.suggestions.feedback import introduction_key


def build_network(session):
    """Six consenting members in three organisations, with tagged activity."""
    orgs = [Organisation(key=f"o{i}", name=f"Org {i}") for i in range(3)]
    session.add_all(orgs)
    session.flush()
    members = []
    for i in range(6):
        m = Member(
            forum_user_id=i + 1,
            username=f"m{i}",
            name=f"M {i}",
            organisation_id=orgs[i % 3].id,
            bio="OZG E-Akte Digitalisierung",
        )
        session.add(m)
        members.append(m)
    session.flush()
    tag = Tag(name="ozg")
    session.add(tag)
    session.flush()
    for i, m in enumerate(members):
        session.add(Topic(id=100 + i, title=f"OZG Umsetzung {i}", member_id=m.id))
        session.flush()
        session.add(TopicTag(topic_id=100 + i, tag_id=tag.id))
        session.add(Post(id=500 + i, topic_id=100 + i, member_id=m.id, raw="OZG"))
        set_consent(session, m.id, "matching", True)
    return members


WIDE_TERMS = ("ozg", "e-akte", "open data", "ki", "cloud", "barrierefreiheit", "datenschutz", "agil")


def build_wide_network(session, seen_on: date, size: int = 24, organisations: int = 4) -> list[Member]:
    """Consenting members in several organisations, seen on that day, whose overlapping interests leave near ties."""
    import random

    rng = random.Random(7)
    orgs = [Organisation(key=f"w{i}", name=f"Verwaltung {i}") for i in range(organisations)]
    session.add_all(orgs)
    session.flush()
    tags = [Tag(name=term) for term in WIDE_TERMS]
    session.add_all(tags)
    session.flush()
    members = []
    for i in range(size):
        terms = rng.sample(WIDE_TERMS, 3)
        m = Member(
            forum_user_id=5000 + i,
            username=f"w{i}",
            name=f"W {i}",
            organisation_id=orgs[i % organisations].id,
            bio=" ".join(terms),
            last_seen_at=datetime.combine(seen_on, time(9), tzinfo=UTC),
        )
        session.add(m)
        session.flush()
        topic = Topic(id=9000 + i, title=f"{terms[0]} und {terms[1]}", member_id=m.id)
        session.add(topic)
        session.flush()
        for tag in tags:
            if tag.name in terms:
                session.add(TopicTag(topic_id=topic.id, tag_id=tag.id))
        session.add(Post(id=90000 + i, topic_id=topic.id, member_id=m.id, raw=" ".join(terms)))
        set_consent(session, m.id, "matching", True)
        members.append(m)
    session.flush()
    return members


MEETING_CHECK_TODAY = date(2026, 12, 15)


def introduced_pair(session, *, sent_days_ago: int, status: str = "sent", locales=("de", "en")):
    """Mia (Stadt Essen) and Ole (Kreis Wesel), both consenting, introduced by a PM days before the check day."""
    essen = Organisation(key="essen", name="Stadt Essen")
    wesel = Organisation(key="wesel", name="Kreis Wesel")
    session.add_all([essen, wesel])
    session.flush()
    mia = Member(forum_user_id=801, username="mia", name="Mia", organisation_id=essen.id, locale=locales[0])
    ole = Member(forum_user_id=802, username="ole", name="Ole", organisation_id=wesel.id, locale=locales[1])
    session.add_all([mia, ole])
    session.flush()
    for member in (mia, ole):
        set_consent(session, member.id, "matching", True)
    sent_at = datetime.combine(
        MEETING_CHECK_TODAY - timedelta(days=sent_days_ago), datetime.min.time(), UTC
    ) + timedelta(hours=9)
    session.add(
        OutboxItem(
            idempotency_key=introduction_key(mia.id, ole.id),
            kind="pm",
            payload={"recipients": ["mia", "ole"], "title": "t", "raw": "r"},
            status=status,
            sent_at=sent_at if status == "sent" else None,
        )
    )
    session.flush()
    return mia, ole
