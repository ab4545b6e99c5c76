"""Awarding queues each earned badge once through the outbox, respects revocations, and a dry run changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from companion.badges import catalogue
from companion.badges.awarding import award_badges, create_key, grant_key
from companion.context import Context
from companion.jobs.runs import recorded_run
from companion.store.models import Badge, BadgeGrant, OutboxItem
from matching.badges import rules
from tests.support.badges import like, member, organisation, post, topic

FORUM = "https://forum.example.org"


@pytest.fixture
def context(store, settings):
    return Context(settings=settings.replace(forum_url=FORUM), store=store)


def bridge_badge():
    """The default badge whose rule counts other organisations one replied to or liked."""
    for definition in rules.DEFAULT_BADGES:
        if definition.key == "brueckenbauer":
            return definition
    pytest.fail("DEFAULT_BADGES has no brueckenbauer badge")


def only_bridge_builder(session, organisations: int) -> str:
    """Seed the defaults, keep only the bridge builder enabled, asking for this many organisations."""
    catalogue.seed_defaults(session)
    for badge in session.scalars(select(Badge)):
        badge.enabled = badge.key == "brueckenbauer"
    definition = bridge_badge()
    params = dict(definition.params)
    params[_count_param(params)] = organisations
    catalogue.update_badge(session, "brueckenbauer", {"params": params})
    return "brueckenbauer"


def _count_param(params: dict) -> str:
    [name] = [k for k, v in params.items() if isinstance(v, int) and not isinstance(v, bool)]
    return name


def network(session):
    """Ben (Wesel) replies to Anna (Essen) and likes Carl (Lünen): two other organisations."""
    essen, wesel, luenen = (organisation(session, k) for k in ("essen", "wesel", "luenen"))
    anna, ben, carl = member(session, "anna", essen), member(session, "ben", wesel), member(session, "carl", luenen)
    first = topic(session, anna)
    reply = post(session, first, ben, number=2, reply_to=anna, minutes=1)
    second = topic(session, carl)
    carls_post = post(session, second, carl, number=2, minutes=2)
    like(session, carls_post, ben, minutes=3)
    return {"anna": anna, "ben": ben, "carl": carl, "topics": (first, second), "reply": reply}


def outbox(session, kind):
    return list(session.scalars(select(OutboxItem).where(OutboxItem.kind == kind).order_by(OutboxItem.id)))


def test_award_queues_badge_creation_and_one_grant_with_reason_link(context, store):
    with store.transaction() as session:
        key = only_bridge_builder(session, 2)
        ids = network(session)
    report = award_badges(context)
    assert [(g.username, g.badge_key) for g in report.grants] == [("ben", key)]
    [grant] = report.grants
    # The like of Carl's post completed the rule, so the reason links to that post.
    assert grant.evidence_url == f"{FORUM}/t/{ids['topics'][1]}/2"
    with store.transaction() as session:
        [create] = outbox(session, "badge_create")
        assert create.idempotency_key == create_key(key)
        assert create.payload == {"badge_key": key, **catalogue.badge_create_payload(session, key)}
        [queued] = outbox(session, "badge_grant")
        assert queued.idempotency_key == grant_key(key, ids["ben"])
        assert queued.payload == {
            "username": "ben",
            "badge_key": key,
            "badge_name": "Brückenbauer*in",
            "reason": grant.evidence_url,
        }
        assert queued.member_id == ids["ben"]
        [stored] = session.scalars(select(BadgeGrant)).all()
        assert (stored.member_id, stored.evidence_url, stored.revoked_at) == (ids["ben"], grant.evidence_url, None)


def test_second_run_grants_nothing_new(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 2)
        network(session)
    assert len(award_badges(context).grants) == 1
    again = award_badges(context)
    assert again.grants == []
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.kind == "badge_grant")) == 1
        assert session.scalar(select(func.count()).select_from(BadgeGrant)) == 1


def test_dry_run_reports_but_stores_and_queues_nothing(context, store):
    with store.transaction() as session:
        network(session)
    report = award_badges(context, dry_run=True)
    assert report.dry_run and report.seeded  # defaults would be seeded
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OutboxItem)) == 0
        assert session.scalar(select(func.count()).select_from(BadgeGrant)) == 0
        assert session.scalar(select(func.count()).select_from(Badge)) == 0


def test_dry_run_names_who_would_get_what(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 2)
        network(session)
    report = award_badges(context, dry_run=True)
    assert [(g.username, g.badge_key) for g in report.grants] == [("ben", "brueckenbauer")]
    grant = report.grants[0]
    assert (grant.reason_code, grant.reason_params) == ("other_orgs", {"orgs": 2})
    assert grant.reason_de == "Brückenbauer*in: Interaktion mit Mitgliedern aus 2 anderen Verwaltungen."
    assert grant.reason_en == "Bridge builder: Interacted with members of 2 other organisations."


def test_not_enough_organisations_grants_nothing(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 3)
        network(session)
    assert award_badges(context).grants == []


def test_revoked_badge_is_not_granted_again_until_an_admin_allows_it(context, store):
    with store.transaction() as session:
        key = only_bridge_builder(session, 2)
        ids = network(session)
    award_badges(context)
    with store.transaction() as session:
        catalogue.record_forum_badge_id(session, key, 107)
        revoked = catalogue.record_revocation(session, ids["ben"], 107)
        assert revoked is not None and revoked.revoked_at is not None
    assert award_badges(context).grants == []
    with store.transaction() as session:
        assert catalogue.allow_regrant(session, ids["ben"], key) is True
        assert catalogue.allow_regrant(session, ids["ben"], key) is False  # nothing left to allow
    [regrant] = award_badges(context).grants
    assert regrant.idempotency_key == grant_key(key, ids["ben"], 2)
    with store.transaction() as session:
        assert len(outbox(session, "badge_grant")) == 2
    assert award_badges(context).grants == []


def test_revocation_of_a_badge_granted_by_hand_blocks_the_grant(context, store):
    with store.transaction() as session:
        key = only_bridge_builder(session, 2)
        ids = network(session)
        catalogue.record_forum_badge_id(session, key, 55)
        catalogue.record_revocation(session, ids["ben"], 55)
        assert catalogue.record_revocation(session, ids["ben"], 9999) is None  # not one of ours
    assert award_badges(context).grants == []


def test_disabled_badges_are_not_awarded(context, store):
    with store.transaction() as session:
        key = only_bridge_builder(session, 2)
        network(session)
        catalogue.set_enabled(session, key, False)
    assert award_badges(context).grants == []


def test_suspended_member_is_skipped_with_a_reason(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 2)
        ids = network(session)
        from companion.store.models import Member

        session.get(Member, ids["ben"]).suspended = True
    report = award_badges(context)
    assert report.grants == []
    assert [(s.username, s.reason) for s in report.skipped] == [("ben", "member is suspended")]


def test_member_who_left_the_forum_gets_nothing(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 2)
        ids = network(session)
        from companion.store.models import Member

        session.get(Member, ids["ben"]).active = False
    report = award_badges(context)
    assert [g.username for g in report.grants] == []


def test_award_inside_a_run_records_the_step_and_run_id(context, store):
    with store.transaction() as session:
        only_bridge_builder(session, 2)
        network(session)
    with recorded_run(store, "nightly") as run:
        award_badges(context, run=run)
    with store.transaction() as session:
        [queued] = outbox(session, "badge_grant")
        assert queued.run_id == run.run_id
    assert run.counts["badges.grants"] == 1


def test_create_payload_and_forum_ids(store):
    with store.transaction() as session:
        catalogue.seed_defaults(session)
        badge = catalogue.get_badge(session, "brueckenbauer")
        payload = catalogue.badge_create_payload(session, "brueckenbauer")
        assert payload["name"] == badge.name_de
        assert payload["badge_type_id"] == catalogue.BADGE_TYPE_IDS[badge.badge_type]
        assert payload["icon"] == badge.icon and payload["multiple_grant"] == badge.multiple_grant
        assert badge.description_de in payload["description"]
        catalogue.record_forum_badge_id(session, "brueckenbauer", 321)
        assert catalogue.get_badge(session, "brueckenbauer").forum_badge_id == 321
        with pytest.raises(catalogue.BadgeNotFound):
            catalogue.badge_create_payload(session, "no-such-badge")


def test_seeding_adds_every_default_once_and_keeps_admin_edits(store):
    with store.transaction() as session:
        added = catalogue.seed_defaults(session)
        assert sorted(added) == sorted(d.key for d in rules.DEFAULT_BADGES)
        catalogue.update_badge(session, "brueckenbauer", {"name_en": "Bridge maker"})
        assert catalogue.seed_defaults(session) == []
        assert catalogue.get_badge(session, "brueckenbauer").name_en == "Bridge maker"


def test_invalid_edits_are_refused_with_every_problem(store):
    with store.transaction() as session:
        catalogue.seed_defaults(session)
        with pytest.raises(catalogue.BadgeInvalid) as raised:
            catalogue.update_badge(
                session,
                "brueckenbauer",
                {"name_de": " ", "icon": "not an icon!", "badge_type": "platinum", "params": {"nonsense": -1}},
            )
        assert set(raised.value.errors) == {"name_de", "icon", "badge_type", "params"}
        badge = catalogue.get_badge(session, "brueckenbauer")
        assert badge.name_de and badge.badge_type in catalogue.BADGE_TYPES


def test_valid_edit_reports_what_changed(store):
    with store.transaction() as session:
        catalogue.seed_defaults(session)
        changed = catalogue.update_badge(session, "brueckenbauer", {"badge_type": "gold", "icon": "fa-handshake"})
        assert changed["badge_type"][1] == "gold" and changed["icon"][1] == "fa-handshake"
        assert catalogue.update_badge(session, "brueckenbauer", {"badge_type": "gold"}) == {}
