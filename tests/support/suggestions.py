"""A small network of consenting members for the suggestion tests."""

from __future__ import annotations

from companion.members.consent import set_consent
from companion.store.models import Member, Organisation, Post, Tag, Topic, TopicTag


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
