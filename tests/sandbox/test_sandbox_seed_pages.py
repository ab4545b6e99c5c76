"""The seeded sample network (deterministic, realistic, with a matching signal) and the HTML views."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sandbox import ForumState, SandboxSettings, create_app
from sandbox.seed import NON_MEMBER_ACCOUNTS, seed_network


def _seeded(members: int = 300, organisations: int = 12, seed: int = 1) -> ForumState:
    state = ForumState(SandboxSettings(members=members, organisations=organisations, seed=seed))
    seed_network(state, members, organisations, seed)
    return state


def _snapshot(state: ForumState) -> tuple:
    return (
        [
            (
                u.id,
                u.username,
                u.name,
                u.email,
                u.bio_raw,
                tuple(sorted(u.user_fields.items())),
                u.staged,
                u.admin,
                u.moderator,
                u.suspended_till,
                tuple(u.ignored_user_ids),
                tuple(u.muted_user_ids),
            )
            for u in state.users.values()
        ],
        [(p.id, p.topic_id, p.user_id, p.raw, p.created_at, tuple(p.likes)) for p in state.posts.values()],
        [(t.id, t.title, t.category_id, tuple(t.tags)) for t in state.topics.values()],
        [(g.name, tuple(g.members)) for g in state.groups.values()],
    )


@pytest.fixture(scope="module")
def network() -> ForumState:
    return _seeded()


def test_same_seed_gives_the_same_network_and_another_seed_a_different_one(network):
    assert _snapshot(_seeded()) == _snapshot(network)
    assert _snapshot(_seeded(seed=2)) != _snapshot(network)


def test_administrations_groups_domains_and_user_field_agree(network):
    organisations = network.seed_summary.organisations
    assert len(organisations) == 12
    assert {"Kreis Wesel", "Stadt Essen", "Stadt Lünen"} <= {o.name for o in organisations}
    members = [u for u in network.users.values() if u.id > 0 and not u.staged]
    for org in organisations:
        group = network.find_group(org.group)
        assert group.full_name == org.name and group.automatic_membership_email_domains == org.domain
        in_org = [u for u in members if u.email.endswith("@" + org.domain)]
        assert in_org, org.name
        assert all(u.user_fields["1"] == org.name for u in in_org)
        assert {u.id for u in in_org} == set(group.members)
    sizes = sorted(len(network.find_group(o.group).members) for o in organisations)
    assert sizes[-1] >= 3 * sizes[0], "administrations should have unequal sizes"


def test_members_look_real(network):
    summary = network.seed_summary
    users = [u for u in network.users.values() if u.id > 0 and u.username not in NON_MEMBER_ACCOUNTS]
    assert len(users) == 300
    assert network.users[-1].username == "system" and network.users[-1].admin
    assert len({u.username.lower() for u in users}) == 300
    assert all(re.fullmatch(r"[a-z0-9._-]{3,20}", u.username) for u in users)
    assert len(summary.admins) == 2 and len(summary.moderators) == 3
    assert sum(u.staged for u in users) > 0
    assert sum(u.suspended_till is not None for u in users) > 0
    assert sum(u.silenced_till is not None for u in users) > 0
    assert sum(bool(u.ignored_user_ids) for u in users) > 0 and sum(bool(u.muted_user_ids) for u in users) > 0
    bios = [u.bio_raw for u in users if not u.staged]
    english = [b for b in bios if b.startswith("I work for")]
    empty = [b for b in bios if not b]
    german = [b for b in bios if b and b not in english]
    assert english and empty and len(german) > 0.7 * len(bios)
    assert any(ch in "äöüß" for b in german for ch in b)
    fields = {f.name: f for f in network.user_fields.values()}
    assert fields["Verwaltung"].field_type == "dropdown" and fields["Fachbereich"].field_type == "dropdown"
    assert all(u.user_fields["2"] for u in users if not u.staged)
    assert {"Allgemein", "Austausch", "Zirkel", "Veranstaltungen"} <= {c.name for c in network.categories.values()}


def test_activity_follows_interest_groups_across_administrations(network):
    interests = network.seed_summary.interests_by_username
    orgs = network.seed_summary.organisation_by_username
    same_interest = cross_org = replies = 0
    for topic in network.topics.values():
        if topic.is_private_message:
            continue
        posts = [network.posts[i] for i in topic.post_ids]
        author = network.user_by_id(posts[0].user_id).username
        topic_interests = set(interests[author])
        for reply in posts[1:]:
            replier = network.user_by_id(reply.user_id).username
            replies += 1
            same_interest += bool(topic_interests & set(interests[replier]))
            cross_org += orgs[replier] != orgs[author]
    assert replies > 300
    assert same_interest / replies > 0.6
    assert cross_org / replies > 0.5
    liked_same = sum(
        bool(
            set(interests[network.user_by_id(like.user_id).username])
            & set(interests[network.user_by_id(network.posts[like.post_id].user_id).username])
        )
        for like in network.likes
    )
    assert len(network.likes) > 300 and liked_same / len(network.likes) > 0.5
    tags = Counter(tag for t in network.topics.values() for tag in t.tags)
    assert len(tags) > 20


def test_ten_thousand_members_seed():
    state = _seeded(members=10_000)
    assert sum(1 for u in state.users.values() if u.id > 0 and u.username not in NON_MEMBER_ACCOUNTS) == 10_000
    assert len(state.topics) > 2_000 and len(state.likes) > 10_000
    assert max(len(g.members) for g in state.groups.values()) < 2_500


def test_more_organisations_than_the_sample_list():
    state = _seeded(members=60, organisations=20)
    assert len(state.seed_summary.organisations) == 20
    assert len({o.domain for o in state.seed_summary.organisations}) == 20


# ---- HTML views --------------------------------------------------------------


@pytest.fixture(scope="module")
def pages():
    app = create_app(SandboxSettings(members=150, seed=7))
    client = app.test_client()
    client.forum = app.config["SANDBOX_STATE"]
    return client


def test_index_lists_searches_and_pages_members(pages):
    first = pages.get("/sandbox/").get_data(as_text=True)
    assert "Posteingang / Inbox" in first and "page 1 von / of 2" in first
    second = pages.get("/sandbox/?page=2").get_data(as_text=True)
    member = next(u for u in pages.forum.users.values() if u.id > 0)
    assert member.username in first + second
    found = pages.get(f"/sandbox/?q={member.username}").get_data(as_text=True)
    assert f"/sandbox/inbox/{member.username}" in found and "1 Mitglieder" in found


def test_inbox_shows_escaped_text_with_clickable_links(pages):
    forum = pages.forum
    member = next(u for u in forum.users.values() if u.id > 0 and not u.staged and not u.staff)
    forum.create_post(
        "system",
        "Hallo <b>du</b>! Hier dein Vorschlag: https://companion.example/v/1?a=1&b=2",
        title="Dein Vorschlag",
        archetype="private_message",
        target_recipients=member.username,
    )
    html = pages.get(f"/sandbox/inbox/{member.username}").get_data(as_text=True)
    assert "Dein Vorschlag" in html
    assert "&lt;b&gt;du&lt;/b&gt;" in html and "<b>du</b>" not in html
    assert '<a href="https://companion.example/v/1?a=1&amp;b=2"' in html
    assert pages.get("/sandbox/inbox/nobody-here").status_code == 404


def test_badge_page_lists_granted_badges(pages):
    forum = pages.forum
    member = next(u for u in forum.users.values() if u.id > 0 and not u.staged and not u.staff)
    badge = forum.create_badge("Brückenbauer:in", 2, description="Verbindet Verwaltungen")
    forum.grant_badge(member.username, badge.id)
    html = pages.get(f"/sandbox/u/{member.username}").get_data(as_text=True)
    assert "Brückenbauer:in" in html and "Verbindet Verwaltungen" in html
