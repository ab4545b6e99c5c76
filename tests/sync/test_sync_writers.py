"""Writers: idempotent PMs, topics, groups, memberships, badges and grants."""

from __future__ import annotations

import pytest
import requests
import responses

from sync.client import ForumClient
from sync.errors import ForumRejected, ForumUnavailable
from sync.writers import ForumWriter, external_id_for, idempotency_marker, with_marker
from tests.support.fakeforum import FakeForum
from tests.support.synckit import BASE_URL, FakeClock

TIMEOUT = requests.exceptions.ReadTimeout("no answer")


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def make_writer() -> tuple[ForumWriter, ForumClient]:
    clock = FakeClock()
    client = ForumClient(BASE_URL, "key", "system", clock=clock, sleep=clock.sleep)
    return ForumWriter(client), client


def posts_sent(rsps) -> list:
    return [c for c in rsps.calls if c.request.method == "POST" and c.request.url.endswith("/posts.json")]


def pms(forum: FakeForum) -> list[dict]:
    return [p for p in forum.posts if p["archetype"] == "private_message"]


def test_marker_is_invisible_comment_and_safe_for_odd_keys():
    assert with_marker("Hallo\n", "suggestion:42:2024-05-01") == "Hallo\n\n<!-- companion:suggestion:42:2024-05-01 -->"
    odd = idempotency_marker("a b-->c")
    assert "-->" not in odd[len("<!-- companion:") : -4] and odd.startswith("<!-- companion:")
    assert len(external_id_for("x" * 500)) <= 50
    assert external_id_for("k1") != external_id_for("k2")


def test_pm_is_sent_with_target_recipients(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    sent = writer.send_private_message(["user1", "user2"], "Dein Vorschlag", "Hallo!", "s-1")
    assert not sent.already_existed
    [pm] = pms(forum)
    assert pm["recipients"] == "user1,user2"
    assert pm["raw"].endswith("<!-- companion:s-1 -->")
    assert (sent.post_id, sent.topic_id) == (pm["id"], pm["topic_id"])


def test_pm_that_landed_before_a_timeout_is_found_not_resent(rsps):
    forum = FakeForum(rsps)
    # Two older PMs with the same title but other keys must not be mistaken for ours.
    writer, _ = make_writer()
    writer.send_private_message(["user2"], "Dein Vorschlag", "Hallo!", "s-other-1")
    writer.send_private_message(["user3"], "Dein Vorschlag", "Hallo!", "s-other-2")
    forum.inject("POST", r"^/posts\.json$", ("after", TIMEOUT))
    sent = writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1")
    assert sent.already_existed
    mine = [p for p in pms(forum) if "s-1 -->" in p["raw"]]
    assert len(mine) == 1 and mine[0]["id"] == sent.post_id
    assert len(pms(forum)) == 3


def test_pm_lost_before_it_landed_is_sent_again_once(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/posts\.json$", TIMEOUT)
    sent = writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1")
    assert not sent.already_existed
    assert len(pms(forum)) == 1
    assert len(posts_sent(rsps)) == 2


def test_pm_retry_after_crash_looks_up_before_sending(rsps):
    FakeForum(rsps)
    writer, _ = make_writer()
    first = writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1")
    again = writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1", first_attempt=False)
    assert again.already_existed and again.post_id == first.post_id
    assert len(posts_sent(rsps)) == 1


def test_pm_duplicate_refusal_after_lost_answer_resolves_to_the_first_post(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    # The answer is lost, then the forum hides it from the first look-up (still indexing).
    forum.inject("POST", r"^/posts\.json$", ("after", TIMEOUT))
    forum.inject("GET", r"^/topics/private-messages-sent/", (200, {"topic_list": {"topics": []}}))
    sent = writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1")
    assert sent.already_existed
    assert len(pms(forum)) == 1


def test_pm_gives_up_after_bounded_attempts(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/posts\.json$", TIMEOUT, TIMEOUT, TIMEOUT, TIMEOUT)
    with pytest.raises(ForumUnavailable):
        writer.send_private_message(["user1"], "Dein Vorschlag", "Hallo!", "s-1")
    assert len(posts_sent(rsps)) == 3
    assert pms(forum) == []


def test_pm_rejection_is_not_retried(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/posts\.json$", (422, {"errors": ["Title seems unclear"]}))
    with pytest.raises(ForumRejected):
        writer.send_private_message(["user1"], "x", "Hallo!", "s-1")
    assert len(posts_sent(rsps)) == 1


def test_topic_carries_external_id_and_tags_and_is_found_after_a_timeout(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/posts\.json$", ("after", TIMEOUT))
    sent = writer.create_topic("Zirkel Herbst", "Willkommen", 5, "circle-7", tags=["zirkel"])
    assert sent.already_existed
    created = [p for p in forum.posts if p["external_id"] == external_id_for("circle-7")]
    assert len(created) == 1
    assert (sent.topic_id, sent.post_id) == (created[0]["topic_id"], created[0]["id"])
    assert created[0]["tags"][0]["name"] == "zirkel"


def test_topic_retry_after_crash_finds_it_by_external_id(rsps):
    FakeForum(rsps)
    writer, _ = make_writer()
    first = writer.create_topic("Zirkel Herbst", "Willkommen", 5, "circle-7")
    again = writer.create_topic("Zirkel Herbst", "Willkommen", 5, "circle-7", first_attempt=False)
    assert again.topic_id == first.topic_id and again.already_existed
    assert len(posts_sent(rsps)) == 1


def test_group_create_is_idempotent_by_name(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    group = writer.create_group(
        "zirkel-1",
        full_name="Zirkel 1",
        usernames=["user1"],
        visibility_level=2,
        messageable_level=3,
        automatic_membership_email_domains=["essen.de"],
    )
    again = writer.create_group("zirkel-1")
    assert group.id == again.id
    assert sum(1 for g in forum.groups if g["name"] == "zirkel-1") == 1


def test_group_create_after_lost_answer_finds_the_group(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/admin/groups\.json$", ("after", TIMEOUT))
    group = writer.create_group("zirkel-2")
    assert group.name == "zirkel-2"
    assert sum(1 for g in forum.groups if g["name"] == "zirkel-2") == 1


def test_adding_present_members_and_removing_absent_ones_are_no_ops(rsps):
    forum = FakeForum(rsps, members=3)
    writer, _ = make_writer()
    assert writer.add_group_members(41, ["user1"]) == []  # already in "essen"
    assert writer.add_group_members(41, ["user2"]) == ["user2"]
    assert "essen" in forum.member("user2").groups
    assert writer.remove_group_members(41, ["user2", "user3"]) == ["user2", "user3"]
    assert writer.remove_group_members(41, ["user2"]) == []
    writer.update_group(41, "essen", full_name="Stadt Essen")


def test_badge_create_is_idempotent_and_grants_are_checked_first(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    badge = writer.create_badge("Zirkel-Gründer", badge_type_id=2, description="Hat einen Zirkel gegründet")
    assert writer.create_badge("Zirkel-Gründer").id == badge.id
    assert [b.name for b in writer.list_badges()].count("Zirkel-Gründer") == 1
    grant = writer.grant_badge("user1", badge.id, reason=f"{BASE_URL}/t/x/100")
    assert grant.badge_id == badge.id
    again = writer.grant_badge("user1", badge.id)
    assert again.id == grant.id
    assert len(forum.grants) == 1
    [held] = writer.list_badges_of("user1")
    assert held.badge_name == "Zirkel-Gründer"


def test_grant_after_lost_answer_is_not_repeated(rsps):
    forum = FakeForum(rsps)
    writer, _ = make_writer()
    forum.inject("POST", r"^/user_badges\.json$", ("after", TIMEOUT))
    grant = writer.grant_badge("user2", 101)
    assert grant.badge_id == 101
    assert len(forum.grants) == 1
