"""End to end over real HTTP: sandbox forum -> full sync -> store; changes by webhook and incremental sync."""

import time

import pytest
from sqlalchemy import func, select

from companion.forum.reading import run_sync
from companion.store.models import Like, Member, Organisation, Post, Topic, WebhookEvent
from companion.web import create_app
from sandbox import SandboxSettings, run_sandbox_server
from sync.population import is_member_account
from sync.records import ForumUser
from tests.support.env import LiveServer, companion_context, free_port

pytestmark = pytest.mark.e2e


def count(store, model, *where):
    with store.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def is_member(user) -> bool:
    """The companion's population rule applied to a sandbox account."""
    return is_member_account(
        ForumUser(id=user.id, username=user.username, email=user.email, active=user.active, staged=user.staged)
    )


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def network(store, settings):
    """A 500-member sandbox forum that sends signed webhooks to a live companion."""
    port = free_port()
    sandbox_settings = SandboxSettings(
        members=500,
        admin_requests_per_minute=0,
        webhook_url=f"http://127.0.0.1:{port}/webhooks/discourse",
        webhook_secret=settings.webhook_secret,
    )
    with run_sandbox_server(sandbox_settings) as forum:
        context = companion_context(settings, store, forum.url)
        web = LiveServer(create_app(context), port=port)
        try:
            yield forum, context
        finally:
            web.stop()


def test_full_sync_stores_all_members_organisations_and_activity(network):
    forum, context = network
    summary = run_sync(context, full=True)
    state = forum.state
    expected_members = [u for u in state.users.values() if is_member(u)]
    assert len(expected_members) < len(state.users) - 4, "the forum also has system, discobot and other non-members"
    assert summary.members == len(expected_members) == count(context.store, Member)
    assert count(context.store, Organisation) == 12
    assert count(context.store, Member, Member.organisation_id.is_(None)) == 0
    public_posts = [
        p
        for p in state.posts.values()
        if p.deleted_at is None and state.find_topic(p.topic_id).archetype != "private_message"
    ]
    assert count(context.store, Post) == len(public_posts)
    assert count(context.store, Topic) == len({p.topic_id for p in public_posts})
    assert summary.rate_limited == 0


def test_changes_arrive_by_webhook_and_by_incremental_sync(network):
    forum, context = network
    run_sync(context, full=True)
    posts_before = count(context.store, Post)
    author = next(
        u for u in forum.state.users.values() if u.id > 0 and u.active and not u.staged and not u.suspended_till
    )
    created = forum.state.create_post(
        author.username,
        "Wir führen gerade die E-Akte in allen Fachbereichen ein.",
        title="E-Akte: Erfahrungen aus der Einführung",
        tags=["e-akte"],
    )
    assert wait_for(lambda: count(context.store, Post) == posts_before + 1), "post_created webhook did not arrive"
    with context.store.transaction() as session:
        stored = session.get(Post, created.id)
        assert session.get(Member, stored.member_id).username == author.username
        assert session.get(Topic, created.topic_id).title.startswith("E-Akte")
    # A post made while webhooks are lost still arrives with the next incremental sync.
    forum.state.webhooks = None
    reply = forum.state.create_post(
        author.username, "Nachtrag: die Schulungen laufen ab Januar.", topic_id=created.topic_id
    )
    summary = run_sync(context)
    assert not summary.full
    assert summary.posts >= 1
    with context.store.transaction() as session:
        assert session.get(Post, reply.id) is not None
    assert count(context.store, Post) == posts_before + 2


def test_user_destroyed_webhook_deletes_everything_about_the_member(network):
    forum, context = network
    run_sync(context, full=True)
    victim = next(
        u
        for u in forum.state.users.values()
        if u.id > 0 and u.active and not u.staged and any(p.user_id == u.id for p in forum.state.posts.values())
    )
    assert count(context.store, Member, Member.username == victim.username) == 1
    forum.state.destroy_user(victim.username)
    assert wait_for(lambda: count(context.store, Member, Member.username == victim.username) == 0)
    with context.store.transaction() as session:
        member_posts = session.scalar(
            select(func.count())
            .select_from(Post)
            .join(Member, Member.id == Post.member_id)
            .where(Member.username == victim.username)
        )
    assert member_posts == 0
    assert count(context.store, WebhookEvent) >= 1


def test_a_member_deleted_while_webhooks_were_lost_is_forgotten_by_the_next_full_sync(network):
    forum, context = network
    run_sync(context, full=True)
    forum.state.webhooks = None
    victim = next(u for u in forum.state.users.values() if u.id > 0 and u.active and not u.staged)
    forum.state.destroy_user(victim.username)
    summary = run_sync(context, full=True)
    assert summary.deleted == 1
    assert count(context.store, Member, Member.username == victim.username) == 0


def test_bulk_path_reads_members_and_likes_in_a_few_requests(store, settings):
    with run_sandbox_server(SandboxSettings(members=500, data_explorer=True, admin_requests_per_minute=0)) as forum:
        context = companion_context(settings, store, forum.url)
        summary = run_sync(context, full=True)
        state = forum.state
    assert summary.used_bulk_path
    assert summary.members == count(context.store, Member) > 450
    with context.store.transaction() as session:
        stored = set(
            map(
                tuple,
                session.execute(
                    select(Like.post_id, Member.forum_user_id).join(Member, Member.id == Like.member_id)
                ).all(),
            )
        )
    public = {
        (like.post_id, like.user_id)
        for like in state.likes
        if state.posts[like.post_id].deleted_at is None
        and state.find_topic(state.posts[like.post_id].topic_id).archetype != "private_message"
        and like.user_id in {m.id for m in state.users.values() if is_member(m)}
    }
    assert stored == public and len(stored) > 100
    # Members and likes in a handful of queries; posts and topics are paged as on the other path.
    assert summary.requests < summary.members * 0.5
