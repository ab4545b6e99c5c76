"""Companion services around matching: rules, consent and cadence, suggestions feedback, templates, privacy."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from companion.members.consent import set_cadence, set_consent
from companion.members.interests import (
    add_interest,
    effective_interests,
    remove_interest,
)
from companion.members.organisations import assign_organisations, save_mapping_config
from companion.members.privacy import delete_member_data, export_member_data
from companion.messages.templates import TemplateInvalid, render_message, save_template
from companion.store.models import (
    AuditEntry,
    ConsentEvent,
    ForumGroup,
    GroupMembership,
    Member,
    MemberField,
    Organisation,
    OrganisationAlias,
    OutboxItem,
    Post,
    Suggestion,
    Topic,
)
from companion.suggestions.feedback import (
    SuggestionNotYours,
    contact,
    reject,
    suggestions_for,
)
from companion.suggestions.planning import due_members, mark_ignored
from companion.suggestions.rule_texts import problem_text
from companion.suggestions.rules import (
    RuleError,
    current_rules,
    preview,
    rollback,
    save_rules,
)
from tests.support.suggestions import build_network as _network

TODAY = date(2026, 11, 22)


def add_members(session, *names, org=None):
    made = []
    for _i, name in enumerate(names, 1):
        member = Member(
            forum_user_id=1000 + len(made) + hash(name) % 1000, username=name, name=name.title(), organisation_id=org
        )
        session.add(member)
        made.append(member)
    session.flush()
    return made


def test_rules_are_versioned_validated_and_audited(store):
    with store.transaction() as session:
        version, rules = current_rules(session)
        assert version is None and rules.suggestions_per_member == 3
        saved = save_rules(session, "admin.anna", {"suggestions_per_member": "5", "org_mode": "require_other"}, "more")
    with store.transaction() as session:
        version, rules = current_rules(session)
        assert version.id == saved.id and rules.suggestions_per_member == 5 and rules.org_mode == "require_other"
        entry = session.scalars(select(AuditEntry)).one()
        assert entry.actor == "admin.anna" and entry.action == "rules.save"
        assert {"rule": "suggestions_per_member", "before": 3, "after": 5} in entry.details["changes"]


def test_invalid_rule_values_give_clear_messages_and_save_nothing(store):
    with store.transaction() as session:
        with pytest.raises(RuleError) as raised:
            save_rules(session, "admin", {"suggestions_per_member": "99", "min_score": "viel", "org_mode": "never"})
        rules_named = {p.rule for p in raised.value.problems}
        assert rules_named == {"suggestions_per_member", "min_score", "org_mode"}
        words = " ".join(problem_text(problem) for problem in raised.value.problems)
        assert "Suggestions per member" in words and "from 1 to 10" in words
    with store.transaction() as session:
        assert current_rules(session)[0] is None
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_rollback_restores_an_earlier_version_as_a_new_one(store):
    with store.transaction() as session:
        first = save_rules(session, "a", {"hub_cap": "4"})
        save_rules(session, "a", {"hub_cap": "9"})
        restored = rollback(session, "b", first.id)
    with store.transaction() as session:
        version, rules = current_rules(session)
        assert version.id == restored.id and rules.hub_cap == 4 and version.rolled_back_from == first.id


def test_preview_compares_proposed_rules_with_the_current_ones(store):
    with store.transaction() as session:
        _network(session)
        save_rules(session, "a", {"active_within_days": "0"})
    result = preview(store, {"org_mode": "require_other", "suggestions_per_member": "2"}, TODAY)
    assert result.members_with_suggestions == 6
    assert result.cross_org_share == 1.0
    assert ("org_mode", "prefer_other", "require_other") in result.changes
    assert result.max_exposure >= 1


def test_consent_is_recorded_and_due_members_follow_their_cadence(store):
    with store.transaction() as session:
        a, b, c, d = add_members(session, "a", "b", "c", "d")
        for m in (a, b, c):
            set_consent(session, m.id, "matching", True)
        set_cadence(session, b.id, "monthly")
        set_cadence(session, c.id, "paused", paused_until=TODAY + timedelta(days=10))
        for m in (a, b):
            session.add(
                Suggestion(
                    run_date=TODAY - timedelta(days=8), member_id=m.id, suggested_member_id=d.id, rank=1, score=0.5
                )
            )
        session.flush()
        assert due_members(session, TODAY) == {a.id}
        assert session.scalar(select(func.count()).select_from(ConsentEvent)) == 3
        set_consent(session, a.id, "matching", False)
        assert due_members(session, TODAY) == set()
        with pytest.raises(ValueError):
            set_cadence(session, a.id, "daily")


def test_unanswered_suggestions_become_ignored_after_four_weeks(store):
    with store.transaction() as session:
        a, b = add_members(session, "a", "b")
        old = Suggestion(
            run_date=TODAY - timedelta(days=30), member_id=a.id, suggested_member_id=b.id, rank=1, score=0.4
        )
        new = Suggestion(
            run_date=TODAY - timedelta(days=3), member_id=b.id, suggested_member_id=a.id, rank=1, score=0.4
        )
        session.add_all([old, new])
        session.flush()
        assert mark_ignored(session, TODAY) == 1
        assert (old.status, new.status) == ("ignored", "new")


def test_contact_queues_one_introduction_per_pair_and_reject_is_owner_only(store):
    with store.transaction() as session:
        a, b, c = add_members(session, "a", "b", "c")
        for m in (a, b, c):
            set_consent(session, m.id, "matching", True)
        s1 = Suggestion(
            run_date=TODAY, member_id=a.id, suggested_member_id=b.id, rank=1, score=0.5, shared_terms=["OZG"]
        )
        s2 = Suggestion(
            run_date=TODAY, member_id=b.id, suggested_member_id=a.id, rank=1, score=0.5, shared_terms=["OZG"]
        )
        s3 = Suggestion(run_date=TODAY, member_id=a.id, suggested_member_id=c.id, rank=2, score=0.3)
        session.add_all([s1, s2, s3])
        session.flush()
        first = contact(session, s1.id, a.id)
        second = contact(session, s2.id, b.id)
        assert first.id == second.id
        assert sorted(first.payload["recipients"]) == ["a", "b"]
        assert "OZG" in first.payload["raw"]
        with pytest.raises(SuggestionNotYours):
            reject(session, s3.id, b.id)
        reject(session, s3.id, a.id)
        views = suggestions_for(session, a.id, "https://forum.test")
        assert {v.username: v.status for v in views} == {"b": "contacted", "c": "rejected"}
        assert views[0].profile_url.startswith("https://forum.test/u/")
        assert session.scalar(select(func.count()).select_from(OutboxItem)) == 1


def test_templates_render_safely_and_reject_broken_edits(store):
    with store.transaction() as session:
        title, body = render_message(
            session,
            "introduction",
            "en",
            {
                "first_name": "A",
                "second_name": "B",
                "first_organisation": "X",
                "second_organisation": "Y",
                "shared": "You share: OZG",
            },
        )
        assert title == "Meet each other: A and B" and "You share: OZG" in body
        with pytest.raises(TemplateInvalid):
            save_template(session, "admin", "introduction", "de", "Hallo {{ unknown_variable }}", "x")
        with pytest.raises(TemplateInvalid):
            save_template(session, "admin", "introduction", "de", "{{ first_name.__class__.__mro__ }}", "x")
        save_template(session, "admin", "introduction", "de", "Kennenlernen: {{ first_name }}", "{{ shared }}")
        title, _ = render_message(
            session,
            "introduction",
            "de",
            {
                "first_name": "A",
                "second_name": "B",
                "first_organisation": "X",
                "second_organisation": "Y",
                "shared": "s",
            },
        )
        assert title == "Kennenlernen: A"


def test_interests_can_be_corrected(store):
    with store.transaction() as session:
        (m,) = _network(session)[:1]
        assert effective_interests(session, m.id) == ["ozg"]
        remove_interest(session, m.id, "ozg")
        add_interest(session, m.id, "Open Data")
        assert effective_interests(session, m.id) == ["Open Data"]
        with pytest.raises(ValueError):
            add_interest(session, m.id, "   ")


def test_export_and_delete_member_data(store):
    with store.transaction() as session:
        a, b = _network(session)[:2]
        session.add(Suggestion(run_date=TODAY, member_id=a.id, suggested_member_id=b.id, rank=1, score=0.5))
        session.flush()
        data = export_member_data(session, a.id)
        assert data["member"]["username"] == "m0"
        assert data["preferences"]["matching_consent"] is True
        assert data["suggestions_received"][0]["suggested"] == "m1"
        assert len(data["posts"]) == 1
        assert delete_member_data(session, a.id)
    with store.transaction() as session:
        assert session.scalar(select(Member).where(Member.username == "m0")) is None
        assert session.scalar(select(func.count()).select_from(Suggestion)) == 0
        assert session.scalar(select(func.count()).select_from(ConsentEvent).where(ConsentEvent.member_id == a.id)) == 0


def test_organisation_mapping_by_user_field_group_or_domain(store):
    with store.transaction() as session:
        a, b, c = add_members(session, "a", "b", "c")
        a.email, b.email, c.email = "a@kreis-wesel.de", "b@essen.de", "c@nowhere.org"
        session.add(MemberField(member_id=b.id, name="Verwaltung", value="Stadt Essen"))
        group = ForumGroup(name="kreis-wesel")
        session.add(group)
        session.flush()
        wesel = Organisation(key="kreis-wesel", name="Kreis Wesel")
        session.add(wesel)
        session.flush()
        session.add_all(
            [
                OrganisationAlias(organisation_id=wesel.id, kind="group", value="kreis-wesel"),
                OrganisationAlias(organisation_id=wesel.id, kind="email_domain", value="kreis-wesel.de"),
            ]
        )
        session.add(GroupMembership(member_id=a.id, group_id=group.id))
        session.flush()
        assert assign_organisations(session) == 2
        assert a.organisation.name == "Kreis Wesel" and a.organisation_source == "group"
        assert b.organisation.name == "Stadt Essen" and b.organisation_source == "user_field"
        assert c.organisation_id is None
        save_mapping_config(session, "admin", ["email_domain"], "Verwaltung", False)
        assign_organisations(session)
        assert a.organisation_source == "email_domain" and b.organisation_id is None
        with pytest.raises(ValueError):
            save_mapping_config(session, "admin", ["telepathy"], "", True)


def test_a_later_reply_or_private_message_marks_the_suggestion_talked(store):
    from companion.store.models import PrivateContact
    from companion.suggestions.feedback import detect_conversations

    with store.transaction() as session:
        a, b, c, d = add_members(session, "a", "b", "c", "d")
        suggested_at = datetime(2026, 11, 1, tzinfo=UTC)
        ab = Suggestion(
            run_date=date(2026, 11, 1),
            member_id=a.id,
            suggested_member_id=b.id,
            rank=1,
            score=0.5,
            created_at=suggested_at,
        )
        cd = Suggestion(
            run_date=date(2026, 11, 1),
            member_id=c.id,
            suggested_member_id=d.id,
            rank=1,
            score=0.5,
            created_at=suggested_at,
        )
        ac = Suggestion(
            run_date=date(2026, 11, 1),
            member_id=a.id,
            suggested_member_id=c.id,
            rank=2,
            score=0.4,
            created_at=suggested_at,
        )
        session.add_all([ab, cd, ac])
        session.add(Topic(id=1, title="OZG"))
        session.flush()
        session.add(
            Post(id=1, topic_id=1, member_id=b.id, reply_to_member_id=a.id, created_at=suggested_at + timedelta(days=2))
        )
        session.add(PrivateContact(member_id=c.id, other_member_id=d.id, first_at=suggested_at + timedelta(days=1)))
        # a and c talked, but before the suggestion: that does not count as an outcome of it.
        session.add(
            Post(
                id=2, topic_id=1, member_id=c.id, reply_to_member_id=a.id, created_at=suggested_at - timedelta(days=30)
            )
        )
        session.flush()
        assert detect_conversations(session) == 2
        assert (ab.status, cd.status, ac.status) == ("talked", "talked", "new")
