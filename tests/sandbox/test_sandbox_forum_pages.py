"""The sandbox serves the forum's own pages as HTML: profile, topic and post, badge, start page."""

from __future__ import annotations

import pytest

from sandbox import SandboxSettings, create_app

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def forum_client():
    app = create_app(SandboxSettings(members=60, seed=5))
    client = app.test_client()
    client.forum = app.config["SANDBOX_STATE"]
    return client


def _member_with_posts(forum):
    authors = {p.user_id for p in forum.posts.values() if not forum.topics[p.topic_id].is_private_message}
    return next(u for u in forum.users.values() if u.id in authors and not u.staged and not u.staff)


def test_member_profile_is_an_html_page_with_posts_and_badges(forum_client):
    forum = forum_client.forum
    member = _member_with_posts(forum)
    badge = forum.create_badge("Netzwerker:in", 3, description="Verbindet Verwaltungen")
    forum.grant_badge(member.username, badge.id)
    response = forum_client.get(f"/u/{member.username}", headers=HTML)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f"@{member.username}" in html
    assert f'href="/badges/{badge.id}"' in html
    assert "/t/" in html
    # The JSON API at the neighbouring address is untouched.
    assert forum_client.get(f"/u/{member.username}.json").mimetype == "application/json"


def test_topic_and_post_links_render_the_topic_with_the_post_marked(forum_client):
    forum = forum_client.forum
    topic = next(t for t in forum.topics.values() if not t.is_private_message and len(t.post_ids) >= 2)
    for path in (f"/t/{topic.slug}/{topic.id}", f"/t/{topic.id}", f"/t/{topic.id}/2", f"/t/{topic.slug}/{topic.id}/2"):
        response = forum_client.get(path, headers=HTML)
        assert response.status_code == 200, path
        assert response.mimetype == "text/html"
        assert topic.title.replace("&", "&amp;") in response.get_data(as_text=True)
    marked = forum_client.get(f"/t/{topic.id}/2", headers=HTML).get_data(as_text=True)
    assert 'id="post_2" aria-current="true"' in marked
    assert forum_client.get(f"/t/{topic.id}.json").mimetype == "application/json"


def test_badge_page_names_its_holders(forum_client):
    forum = forum_client.forum
    member = _member_with_posts(forum)
    badge = forum.create_badge("Brückenbauer:in", 2, description="Baut Brücken")
    forum.grant_badge(member.username, badge.id)
    html = forum_client.get(f"/badges/{badge.id}/brueckenbauer-in", headers=HTML).get_data(as_text=True)
    assert "Brückenbauer:in" in html and f'href="/u/{member.username}"' in html


def test_private_messages_and_unknown_pages_are_html_404s_for_browsers(forum_client):
    forum = forum_client.forum
    member = next(u for u in forum.users.values() if u.id > 0 and not u.staged and not u.staff)
    pm = forum.create_post(
        "system", "Vertraulich", title="Nur für dich", archetype="private_message", target_recipients=member.username
    )
    response = forum_client.get(f"/t/{pm.topic_id}", headers=HTML)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert forum_client.get("/u/nobody-at-all", headers=HTML).mimetype == "text/html"
    # API clients still get Discourse's JSON 404.
    assert forum_client.get("/u/nobody-at-all.json").mimetype == "application/json"


def test_start_page_lists_latest_topics(forum_client):
    html = forum_client.get("/", headers=HTML).get_data(as_text=True)
    assert "Neueste Themen" in html and 'href="/t/' in html


def test_member_list_explains_why_counts_differ(forum_client):
    users = list(forum_client.forum.users.values())
    html = forum_client.get("/sandbox/").get_data(as_text=True)
    synced = sum(1 for u in users if u.active and not u.staged)
    can_log_in = sum(1 for u in users if not u.staged and u.suspended_till is None)
    assert f"{len(users)} Konten hier" in html
    assert f"{can_log_in} können sich anmelden" in html
    assert f"der Begleitdienst übernimmt {synced}" in html
