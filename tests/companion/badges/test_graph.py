"""The interaction graph built from the store holds exactly the contacts the badge rules may count."""

from __future__ import annotations

from datetime import timedelta

from companion.badges.graph import build_graph, post_url
from tests.support.badges import (
    T0,
    at,
    circle_with_meetings,
    contact,
    like,
    member,
    organisation,
    post,
    rsvp,
    suggestion,
    topic,
)

FORUM = "https://forum.example.org"


def kinds(graph, kind):
    return [i for i in graph.interactions if i.kind == kind]


def test_replies_link_author_to_replied_member_with_post_url(store):
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben = member(session, "anna", essen), member(session, "ben", wesel)
        topic_id = topic(session, anna)
        reply_id = post(session, topic_id, ben, number=2, reply_to=anna, minutes=5)
        graph = build_graph(session, forum_url=FORUM)
    replies = kinds(graph, "reply")
    assert [(r.actor_id, r.target_id, r.post_id) for r in replies] == [(ben, anna, reply_id)]
    assert replies[0].url == f"{FORUM}/t/{topic_id}/2"
    assert replies[0].topic_id == topic_id and replies[0].at == at(5)
    assert graph.members == {anna: essen, ben: wesel}


def test_self_replies_and_self_likes_are_no_interactions(store):
    with store.transaction() as session:
        essen = organisation(session, "essen")
        anna = member(session, "anna", essen)
        topic_id = topic(session, anna)
        own_reply = post(session, topic_id, anna, number=2, reply_to=anna, minutes=1)
        like(session, own_reply, anna, minutes=2)
        graph = build_graph(session, forum_url=FORUM)
    assert graph.interactions == []


def test_replies_within_one_organisation_are_kept_with_both_organisations(store):
    with store.transaction() as session:
        essen = organisation(session, "essen")
        anna, carl = member(session, "anna", essen), member(session, "carl", essen)
        topic_id = topic(session, anna)
        post(session, topic_id, carl, number=2, reply_to=anna, minutes=1)
        graph = build_graph(session)
    [reply] = kinds(graph, "reply")
    # The graph reports the contact; deciding that it crosses no organisation border is the rules' job.
    assert graph.members[reply.actor_id] == graph.members[reply.target_id] == essen
    assert reply.url is None  # no forum URL configured, so no link


def test_members_without_organisation_are_listed_with_none(store):
    with store.transaction() as session:
        essen = organisation(session, "essen")
        anna, dora = member(session, "anna", essen), member(session, "dora", None)
        topic_id = topic(session, anna)
        post(session, topic_id, dora, number=2, reply_to=anna)
        graph = build_graph(session)
    assert graph.members[dora] is None
    assert [(i.actor_id, i.target_id) for i in kinds(graph, "reply")] == [(dora, anna)]


def test_likes_point_from_liker_to_post_author(store):
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben = member(session, "anna", essen), member(session, "ben", wesel)
        topic_id = topic(session, anna)
        answer = post(session, topic_id, anna, number=2, minutes=1)
        like(session, answer, ben, minutes=9)
        graph = build_graph(session, forum_url=FORUM + "/")
    [liked] = kinds(graph, "like")
    assert (liked.actor_id, liked.target_id, liked.post_id, liked.at) == (ben, anna, answer, at(9))
    assert liked.url == f"{FORUM}/t/{topic_id}/2"


def test_left_and_staged_members_are_marked_deleted_and_removed_ones_vanish(store):
    with store.transaction() as session:
        essen = organisation(session, "essen")
        anna = member(session, "anna", essen)
        gone = member(session, "gone", essen, active=False)
        staged = member(session, "staged", essen, staged=True)
        removed = member(session, "removed", essen)
        topic_id = topic(session, anna)
        post(session, topic_id, removed, number=2, reply_to=anna)
        session.delete(session.get(__import__("companion.store.models", fromlist=["Member"]).Member, removed))
        graph = build_graph(session)
    assert graph.deleted == {gone, staged}
    assert removed not in graph.members
    # The removed member's posts went with them (cascade), so no reply remains.
    assert kinds(graph, "reply") == []


def test_private_contacts_give_one_interaction_per_pair(store):
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben = member(session, "anna", essen), member(session, "ben", wesel)
        contact(session, anna, ben, minutes=3)
        graph = build_graph(session)
    [pm] = kinds(graph, "pm")
    assert {pm.actor_id, pm.target_id} == {anna, ben} and pm.at == at(3)


def test_only_acted_on_suggestions_count(store):
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben, carl, dora = (
            member(session, n, o) for n, o in [("anna", essen), ("ben", wesel), ("carl", wesel), ("dora", wesel)]
        )
        suggestion(session, anna, ben, "contacted", minutes=1)
        suggestion(session, anna, carl, "talked", minutes=2)
        suggestion(session, anna, dora, "rejected", minutes=3)
        suggestion(session, ben, anna, "new")
        graph = build_graph(session)
    accepted = kinds(graph, "suggestion_accepted")
    assert [(s.actor_id, s.target_id, s.at) for s in accepted] == [(anna, ben, at(1)), (anna, carl, at(2))]


def test_meetings_count_when_past_and_attended_and_hosts_come_from_the_host_organisation(store):
    now = T0 + timedelta(days=30)
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben, carl, dora = (
            member(session, n, o) for n, o in [("anna", essen), ("ben", wesel), ("carl", wesel), ("dora", None)]
        )
        circle_id, (past, future) = circle_with_meetings(
            session, [anna, ben, carl, dora], [T0 + timedelta(days=1), T0 + timedelta(days=60)], essen
        )
        rsvp(session, past, anna, "yes")  # said yes, attendance not recorded: counts
        rsvp(session, past, ben, "yes", attended=False)  # said yes but did not come: no
        rsvp(session, past, carl, "no", attended=True)  # came after all: counts
        rsvp(session, past, dora, "maybe")  # no
        rsvp(session, future, anna, "yes")  # not yet held: no
        graph = build_graph(session, now=now)
    attended = kinds(graph, "meeting_attended")
    assert sorted(i.actor_id for i in attended) == sorted([anna, carl])
    assert {(i.circle_id, i.meeting_id) for i in attended} == {(circle_id, past)}
    hosted = kinds(graph, "meeting_hosted")
    assert [(i.actor_id, i.meeting_id) for i in hosted] == [(anna, past)]


def test_cancelled_meetings_do_not_count(store):
    with store.transaction() as session:
        essen = organisation(session, "essen")
        anna = member(session, "anna", essen)
        _, (meeting_id,) = circle_with_meetings(session, [anna], [T0], essen)
        rsvp(session, meeting_id, anna, "yes", attended=True)
        from companion.store.models import Meeting

        session.get(Meeting, meeting_id).status = "cancelled"
        session.flush()
        graph = build_graph(session, now=T0 + timedelta(days=1))
    assert graph.interactions == []


def test_interactions_come_in_time_order_across_kinds(store):
    with store.transaction() as session:
        essen, wesel = organisation(session, "essen"), organisation(session, "wesel")
        anna, ben = member(session, "anna", essen), member(session, "ben", wesel)
        topic_id = topic(session, anna)
        late = post(session, topic_id, ben, number=2, reply_to=anna, minutes=30)
        like(session, late, anna, minutes=40)
        contact(session, anna, ben, minutes=10)
        suggestion(session, ben, anna, "talked", minutes=20)
        graph = build_graph(session)
    assert [i.kind for i in graph.interactions] == ["pm", "suggestion_accepted", "reply", "like"]
    times = [i.at for i in graph.interactions]
    assert times == sorted(times)


def test_post_url_needs_forum_and_topic():
    assert post_url(None, 5, 2) is None
    assert post_url(FORUM, None, 2) is None
    assert post_url(FORUM, 5, None) == f"{FORUM}/t/5/1"
