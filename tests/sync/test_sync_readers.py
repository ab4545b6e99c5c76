"""Readers: members (per-member and bulk), groups, posts, topics, likes, full and incremental syncs."""

from __future__ import annotations

import pytest
import responses

from sync import parse
from sync.client import ForumClient
from sync.readers import ForumReader
from tests.support.fakeforum import FakeForum
from tests.support.synckit import BASE_URL, FakeClock, fixture


def make_reader(clock: FakeClock | None = None) -> tuple[ForumReader, ForumClient]:
    clock = clock or FakeClock()
    client = ForumClient(BASE_URL, "key", "system", clock=clock, sleep=clock.sleep)
    return ForumReader(client), client


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def test_members_with_details_resolve_user_fields_by_name(rsps):
    FakeForum(rsps, members=3)
    reader, _client = make_reader()
    members = list(reader.iter_members(details=True))
    assert [m.username for m in members] == ["user1", "user2", "user3"]
    second = members[1]
    assert second.user_fields == {"Verwaltung": "Kreis Wesel", "Interessen": "Thema 2"}
    assert second.groups == ("wesel",)
    assert second.ignored_usernames == ("user1",)
    assert second.email == "user2@example.org"
    assert second.locale == "de" and second.bio == "Ich mag Daten" and second.details_loaded


def test_per_member_path_costs_at_most_1_1_requests_per_member(rsps):
    FakeForum(rsps, members=250)
    reader, client = make_reader()
    members = list(reader.iter_members(details=True))
    assert len(members) == 250
    # 1 site.json + 3 list pages + 250 details
    assert client.requests_made == 254
    assert client.requests_made / len(members) <= 1.1


def test_bulk_path_reads_everything_in_a_few_requests(rsps):
    forum = FakeForum(rsps, members=250, data_explorer=True)
    reader, client = make_reader()
    members, used_bulk = reader.read_members()
    assert used_bulk
    assert len(members) == 250
    assert members[1].user_fields == {"Verwaltung": "Kreis Wesel", "Interessen": "Thema 2"}
    assert members[1].ignored_usernames == ("user1",)
    assert members[1].groups == ("wesel",)
    assert client.requests_made <= 5
    assert [q["name"] for q in forum.queries] == ["companion_members_v2"]
    # The saved query is reused, not saved twice.
    reader2, _ = make_reader()
    reader2.read_members()
    assert len(forum.queries) == 1


def test_bulk_path_pages_by_offset(rsps):
    FakeForum(rsps, members=25, data_explorer=True)
    reader, _client = make_reader()
    reader.data_explorer.page_size = 10
    members, used_bulk = reader.read_members()
    assert used_bulk and [m.id for m in members] == list(range(1, 26))


def test_bulk_path_falls_back_when_data_explorer_is_off(rsps):
    FakeForum(rsps, members=3, data_explorer=False)
    reader, _client = make_reader()
    members, used_bulk = reader.read_members()
    assert not used_bulk
    assert [m.user_fields["Verwaltung"] for m in members] == ["Stadt Essen", "Kreis Wesel", "Stadt Essen"]


def test_bulk_path_falls_back_when_a_run_fails(rsps):
    forum = FakeForum(rsps, members=3, data_explorer=True)
    forum.inject("POST", r"/run\.json$", (422, {"success": False, "errors": ["PG::UndefinedTable"]}))
    reader, _ = make_reader()
    members, used_bulk = reader.read_members()
    assert not used_bulk and len(members) == 3


def test_groups_and_group_members(rsps):
    FakeForum(rsps, members=5)
    reader, _ = make_reader()
    groups = list(reader.iter_groups())
    assert [g.name for g in groups] == ["essen", "wesel"]
    essen = list(reader.iter_group_members("essen"))
    assert [m.username for m in essen] == ["user1", "user3", "user5"]
    assert [m.owner for m in essen] == [True, False, False]


def test_posts_walk_back_to_the_last_stored_id(rsps):
    FakeForum(rsps, members=1)
    reader, client = make_reader()
    posts = list(reader.iter_posts())
    assert [p.id for p in posts] == list(range(120, 0, -1))
    assert client.requests_made == 3
    newer = list(reader.iter_posts(since_post_id=95))
    assert [p.id for p in newer] == list(range(120, 95, -1))
    assert posts[0].topic_title and posts[0].category_id == 5


def test_since_latest_post_makes_one_request(rsps):
    FakeForum(rsps, members=1)
    reader, client = make_reader()
    assert list(reader.iter_posts(since_post_id=120)) == []
    assert client.requests_made == 1


def test_topics_accept_tags_as_strings(rsps):
    FakeForum(rsps, members=1)
    reader, _ = make_reader()
    topics = list(reader.iter_topics())
    assert len(topics) == 40
    assert topics[0].tags == ("ki",)
    assert topics[0].username == "user1"


def test_topic_show_accepts_tags_as_objects(rsps):
    FakeForum(rsps, members=1)
    reader, _ = make_reader()
    topic = reader.read_topic(100)
    assert topic.tags == ("ki",) and topic.category_id == 5


def test_likes_per_member_and_in_bulk(rsps):
    forum = FakeForum(rsps, members=2)
    reader, _ = make_reader()
    likes, used_bulk = reader.read_likes(["user1", "user2"])
    assert not used_bulk
    assert {(l.post_id, l.username) for l in likes} == {(3, "user1"), (3, "user2")}
    forum.data_explorer = True
    reader2, _client = make_reader()
    likes, used_bulk = reader2.read_likes(["user1", "user2"])
    assert used_bulk and {(l.post_id, l.username) for l in likes} == {(3, "user1"), (3, "user2")}


def test_full_sync_snapshot(rsps):
    FakeForum(rsps, members=4)
    reader, _client = make_reader()
    snapshot = reader.read_all(prefer_bulk=True, include_likes=False)
    assert len(snapshot.members) == 4 and not snapshot.used_bulk_path
    assert {d.name for d in snapshot.user_fields} == {"Verwaltung", "Interessen"}
    assert len(snapshot.group_members) == 4
    assert len(snapshot.posts) == 120 and len(snapshot.topics) == 40


def test_incremental_sync_reports_newest_post_id(rsps):
    FakeForum(rsps, members=2)
    reader, _ = make_reader()
    changes = reader.read_changes(since_post_id=110)
    assert [p.id for p in changes.posts] == list(range(120, 110, -1))
    assert changes.newest_post_id == 120
    unchanged = reader.read_changes(since_post_id=120)
    assert unchanged.posts == () and unchanged.newest_post_id == 120


def test_unknown_extra_fields_and_missing_optionals_are_tolerated():
    full = fixture("admin_user_list_response", "items", id=5, username="anna")
    full["brand_new_field"] = {"x": [1, 2]}
    user = parse.user_summary(full)
    assert (user.id, user.username, user.email) == (5, "anna", None)
    bare = parse.user_summary({"id": 6, "username": "bob"})
    assert bare.name is None and bare.last_seen_at is None and bare.trust_level == 0 and bare.active
    post = parse.post({"id": 1, "topic_id": 2, "future": True})
    assert post.post_number == 1 and post.reply_to_post_number is None and not post.is_private
    topic = parse.topic({"id": 3, "title": "T", "tags": None})
    assert topic.tags == () and topic.category_id is None


def test_multi_select_user_fields_are_joined():
    fields = parse.user_fields_by_name({"1": ["KI", "Open Data"], "3": {"value": ["x"]}}, {"1": "Interessen"})
    assert fields == {"Interessen": "KI, Open Data", "3": "x"}


def test_bulk_path_keeps_the_same_population_as_the_admin_list():
    row = {"uid": 9, "username": "staged1", "active": True, "staged": True, "user_fields": "{}"}
    inactive = {"uid": 10, "username": "new1", "active": "f", "staged": "f", "user_fields": {}}
    real = {"uid": 11, "username": "real", "active": "t", "staged": "f", "user_fields": '{"1": "Stadt Essen"}'}
    system = {"uid": -1, "username": "system", "active": "t", "staged": "f", "user_fields": {}}
    anonymized = {"uid": 12, "username": "anon1a2b", "email": "anon1a2b@anonymized.invalid", "active": "t"}

    class Explorer:
        def rows(self, query):
            return [system, row, inactive, real, anonymized]

    reader = ForumReader(None, data_explorer=Explorer())  # type: ignore[arg-type]
    reader._field_names = {"1": "Verwaltung"}
    [member] = reader.read_members_bulk()
    assert member.username == "real" and member.user_fields == {"Verwaltung": "Stadt Essen"}


def test_member_reads_do_not_count_as_profile_views_and_walk_a_stable_order(rsps):
    FakeForum(rsps, members=3)
    reader, _client = make_reader()
    list(reader.iter_members(details=True))
    urls = [call.request.url for call in rsps.calls]
    profile_reads = [u for u in urls if "/u/user" in u]
    assert profile_reads and all("skip_track_visit=true" in u for u in profile_reads)
    listing = [u for u in urls if "/admin/users/list/" in u]
    assert listing and all("order=created" in u and "asc=true" in u for u in listing)


def test_a_member_listed_twice_is_returned_once(rsps):
    forum = FakeForum(rsps, members=3)
    forum.members.insert(2, forum.members[0])  # moved down the list while it was walked
    reader, _client = make_reader()
    members, _ = reader.read_members(prefer_bulk=False)
    assert sorted(m.id for m in members) == sorted({m.id for m in forum.members})


def test_user_field_requirement_replaces_required():
    site = {
        "user_fields": [
            {"id": 1, "name": "Verwaltung", "requirement": "for_all_users"},
            {"id": 2, "name": "Thema", "requirement": "optional", "required": True},
            {"id": 3, "name": "Alt", "required": True},
        ]
    }
    assert [d.required for d in parse.user_field_definitions(site)] == [True, False, True]
