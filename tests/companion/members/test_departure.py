"""A member deleted in the forum mid-season: their circle is told once, their data is gone, others' stays."""

from datetime import date

from sqlalchemy import func, select

from companion.members.privacy import delete_forum_user
from companion.store.models import Circle, CircleMember, Member, OutboxItem, Season


def test_deleted_member_leaves_their_circle_with_one_announcement(store):
    with store.transaction() as session:
        members = [Member(forum_user_id=10 + i, username=f"m{i}") for i in range(4)]
        session.add_all(members)
        season = Season(
            name="Herbst",
            signup_opens_on=date(2026, 9, 1),
            signup_closes_on=date(2026, 9, 30),
            first_meeting_on=date(2026, 10, 15),
            status="published",
        )
        session.add(season)
        session.flush()
        circle = Circle(
            season_id=season.id,
            number=1,
            name="Zirkel 1",
            slot_weekday=2,
            slot_block="vormittag",
            forum_group_name="zirkel-herbst-1",
            status="published",
        )
        session.add(circle)
        session.flush()
        session.add_all([CircleMember(circle_id=circle.id, member_id=m.id) for m in members])
    with store.transaction() as session:
        assert delete_forum_user(session, 10)
        assert not delete_forum_user(session, 10)
    with store.transaction() as session:
        assert session.scalar(select(Member).where(Member.forum_user_id == 10)) is None
        assert session.scalar(select(func.count()).select_from(CircleMember)) == 3
        items = {item.kind: item for item in session.scalars(select(OutboxItem))}
        assert set(items) == {"group_remove", "pm"}
        assert items["group_remove"].payload == {"group_name": "zirkel-herbst-1", "usernames": ["m0"]}
        assert items["pm"].payload["recipients"] == ["zirkel-herbst-1"]
