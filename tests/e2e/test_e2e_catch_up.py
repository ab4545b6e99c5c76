"""Reading at scale against the sandbox: full syncs while members visit, and catch-up reads after downtime."""

import pytest
from sqlalchemy import select

from companion.forum.reading import run_sync
from companion.store.models import ForumGroup, GroupMembership, Member, MemberField
from sandbox import SandboxSettings, run_sandbox_server
from sync.population import is_member_account
from sync.records import ForumUser
from tests.support.env import companion_context

pytestmark = pytest.mark.e2e


def is_member(user) -> bool:
    return is_member_account(
        ForumUser(id=user.id, username=user.username, email=user.email, active=user.active, staged=user.staged)
    )


def stored_members(store) -> dict[int, dict]:
    """What the store holds per forum user id: bio, fields by name and custom group names."""
    with store.transaction() as session:
        members = {m.id: m for m in session.scalars(select(Member))}
        fields: dict[int, dict[str, str]] = {}
        for field in session.scalars(select(MemberField)):
            fields.setdefault(field.member_id, {})[field.name] = field.value
        groups: dict[int, set[str]] = {}
        for member_id, name in session.execute(
            select(GroupMembership.member_id, ForumGroup.name).join(
                ForumGroup, ForumGroup.id == GroupMembership.group_id
            )
        ):
            groups.setdefault(member_id, set()).add(name)
        return {
            m.forum_user_id: {"bio": m.bio or "", "fields": fields.get(i, {}), "groups": groups.get(i, set())}
            for i, m in members.items()
        }


def forum_members(state) -> dict[int, dict]:
    """The same view of the sandbox forum's members (custom groups only: automatic ones are derived)."""
    names = {str(f.id): f.name for f in state.user_fields.values()}
    result = {}
    for user in state.users.values():
        if not is_member(user):
            continue
        result[user.id] = {
            "bio": user.bio_raw or "",
            "fields": {names[k]: v for k, v in user.user_fields.items() if v not in (None, "")},
            "groups": {g.name for g in state.groups_of(user) if not g.automatic},
        }
    return result


def custom_groups_only(view: dict[int, dict], custom: set[str]) -> dict[int, dict]:
    return {k: {**v, "groups": v["groups"] & custom} for k, v in view.items()}


def test_a_full_sync_while_members_keep_visiting_stores_every_member(store, settings):
    # 450 members, 8 of them visiting the forum each time a page of the admin list is served: the walk of
    # the last-seen order skipped members and read others twice (IntegrityError on member_relations).
    with run_sandbox_server(SandboxSettings(members=450, admin_requests_per_minute=0)) as forum:
        forum.state.faults.visit_while_listing(8)
        context = companion_context(settings, store, forum.url, forum_bulk="off")
        summary = run_sync(context, full=True)
        expected = {u.id for u in forum.state.users.values() if is_member(u)}
    assert not summary.used_bulk_path
    assert set(stored_members(store)) == expected
    assert summary.members == len(expected) and summary.deactivated == 0


@pytest.mark.parametrize("bulk", ["off", "auto"])
def test_after_an_hour_down_the_next_catch_up_brings_the_store_level_with_the_forum(store, settings, bulk):
    sandbox = SandboxSettings(members=120, admin_requests_per_minute=0, data_explorer=bulk == "auto")
    with run_sandbox_server(sandbox) as forum:
        state = forum.state
        context = companion_context(settings, store, forum.url, forum_bulk=bulk)
        run_sync(context, full=True)
        # The companion is down: no webhooks reach it while members and admins change things.
        members = [u for u in state.users.values() if is_member(u)]
        for index, user in enumerate(members[:12]):
            state.edit_own_profile(
                user.username,
                bio_raw=f"Neu seit heute: Projekt {index} zur E-Akte",
                user_fields={"2": f"Thema {index}"},
            )
        custom = [g for g in state.groups.values() if not g.automatic]
        for user in members[20:26]:
            home = next(g for g in custom if user.id in g.members)
            state.remove_group_members(home, [user])
            state.add_group_members(next(g for g in custom if g is not home), [user])
        newcomer = state.create_user("neu.dabei", "Neu Dabei", "neu.dabei@essen.de", bio_raw="Hallo zusammen")
        summary = run_sync(context)
        wanted = forum_members(state)
        names = {g.name for g in custom}
    assert not summary.full
    assert newcomer.id in wanted
    stored = stored_members(store)
    assert custom_groups_only(stored, names) == custom_groups_only(wanted, names)
