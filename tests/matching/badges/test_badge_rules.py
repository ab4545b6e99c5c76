"""Unit tests of every badge rule on small interaction graphs, including the edge cases."""

from dataclasses import fields, replace
from datetime import datetime, timedelta

import pytest

from matching.badges.rules import (
    DEFAULT_BADGES,
    Award,
    AwardReason,
    BadgeConfigError,
    BadgeDefinition,
    Interaction,
    badge_progress,
    evaluate,
    evaluate_badges,
    validate_catalogue,
    validate_definition,
    validate_params,
)

T0 = datetime(2026, 3, 1, 9, 0)
BY_KEY = {d.key: d for d in DEFAULT_BADGES}


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def reply(actor, target, minute, post=None):
    return Interaction("reply", actor, target, at(minute), post_id=post, url=f"/p/{post}" if post else None)


def like(actor, target, minute, post=None):
    return Interaction("like", actor, target, at(minute), post_id=post, url=f"/p/{post}" if post else None)


def attended(actor, circle, meeting, minute):
    return Interaction(
        "meeting_attended", actor, None, at(minute), circle_id=circle, meeting_id=meeting, url=f"/m/{meeting}"
    )


def hosted(actor, circle, meeting, minute):
    return Interaction(
        "meeting_hosted", actor, None, at(minute), circle_id=circle, meeting_id=meeting, url=f"/m/{meeting}"
    )


def accepted(actor, target, minute):
    return Interaction("suggestion_accepted", actor, target, at(minute), url=f"/t/{actor}-{target}")


def awards_for(key, members, interactions, deleted=(), granted=frozenset(), revoked=frozenset(), definition=None):
    definition = definition or BY_KEY[key]
    return evaluate_badges([definition], members, set(deleted), interactions, granted, revoked)


# -- Brückenbauer*in ---------------------------------------------------------

MEMBERS = {1: "essen", 2: "wesel", 3: "luenen", 4: "bochum", 5: "essen", 6: None, 7: "dortmund"}


def test_bridge_builder_needs_three_other_organisations_and_cites_the_completing_post():
    interactions = [reply(1, 2, 1, post=11), like(1, 3, 2, post=12), reply(1, 4, 3, post=13), reply(1, 7, 4, post=14)]
    awards = awards_for("brueckenbauer", MEMBERS, interactions)
    assert [(a.member_id, a.evidence_post_id, a.evidence_url) for a in awards] == [(1, 13, "/p/13")]
    assert awards[0].at == at(3)
    # Why, as a code and its figures: the companion words it (and adds the badge's name).
    assert (awards[0].reason_code, awards[0].reason_params) == (AwardReason.OTHER_ORGS, {"orgs": 3})


def test_bridge_builder_ignores_same_org_self_replies_repeats_and_members_without_org():
    interactions = [
        reply(1, 5, 1),  # same organisation
        reply(1, 1, 2),  # self-reply
        reply(1, 6, 3),  # target without organisation
        reply(1, 2, 4),
        like(1, 2, 5),  # same organisation again
        reply(1, 3, 6),
    ]
    assert awards_for("brueckenbauer", MEMBERS, interactions) == []
    progress = badge_progress([BY_KEY["brueckenbauer"]], MEMBERS, set(), interactions)
    assert progress[1][0].current == 2 and progress[1][0].target == 3 and not progress[1][0].earned


def test_bridge_builder_actor_without_organisation_counts_every_organisation():
    interactions = [reply(6, 1, 1), reply(6, 5, 2), reply(6, 2, 3), reply(6, 3, 4)]
    awards = awards_for("brueckenbauer", MEMBERS, interactions)
    assert [a.member_id for a in awards] == [6]
    assert awards[0].at == at(4)


def test_deleted_members_neither_earn_nor_count_as_evidence():
    interactions = [reply(1, 2, 1), reply(1, 3, 2), reply(1, 4, 3), reply(2, 1, 4), reply(2, 3, 5), reply(2, 7, 6)]
    # Member 1 is deleted: no award for 1, and 2's reply to 1 no longer counts (2 has only two others).
    assert awards_for("brueckenbauer", MEMBERS, interactions, deleted={1}) == []
    assert [a.member_id for a in awards_for("brueckenbauer", MEMBERS, interactions)] == [1, 2]


def test_unknown_members_are_ignored():
    interactions = [reply(1, 2, 1), reply(1, 3, 2), reply(1, 99, 3), reply(98, 2, 4)]
    assert awards_for("brueckenbauer", MEMBERS, interactions) == []


def test_interactions_are_evaluated_in_time_order_not_input_order():
    interactions = [reply(1, 4, 30, post=3), reply(1, 2, 10, post=1), reply(1, 7, 40, post=4), reply(1, 3, 20, post=2)]
    awards = awards_for("brueckenbauer", MEMBERS, interactions)
    assert awards[0].evidence_post_id == 3


def test_kinds_parameter_limits_what_counts():
    only_replies = replace(BY_KEY["brueckenbauer"], params={"min_orgs": 2, "kinds": ["reply"]})
    interactions = [like(1, 2, 1), like(1, 3, 2), reply(1, 4, 3)]
    assert awards_for("brueckenbauer", MEMBERS, interactions, definition=only_replies) == []
    interactions.append(reply(1, 7, 4))
    assert [a.at for a in awards_for("brueckenbauer", MEMBERS, interactions, definition=only_replies)] == [at(4)]


def test_already_granted_and_revoked_are_not_awarded_again():
    interactions = [reply(1, 2, 1), reply(1, 3, 2), reply(1, 4, 3)]
    assert awards_for("brueckenbauer", MEMBERS, interactions, granted={(1, "brueckenbauer")}) == []
    assert awards_for("brueckenbauer", MEMBERS, interactions, revoked={(1, "brueckenbauer")}) == []
    progress = badge_progress([BY_KEY["brueckenbauer"]], MEMBERS, set(), interactions, {(1, "brueckenbauer")})
    assert progress[1][0].earned


def test_multiple_grant_counting_rule_grants_per_completed_step():
    twice = replace(BY_KEY["brueckenbauer"], multiple_grant=True, params={"min_orgs": 2})
    interactions = [reply(1, 2, 1), reply(1, 3, 2), reply(1, 4, 3), reply(1, 7, 4)]
    awards = awards_for("brueckenbauer", MEMBERS, interactions, definition=twice)
    assert [(a.at, a.instance) for a in awards] == [(at(2), "1"), (at(4), "2")]
    later = awards_for("brueckenbauer", MEMBERS, interactions, definition=twice, granted={(1, "brueckenbauer"): 1})
    assert [a.at for a in later] == [at(4)]


# -- Zirkel-Mitglied / Zirkel-Pionier*in --------------------------------------


def test_circle_member_after_first_meeting_pioneer_after_four_of_one_circle():
    interactions = [attended(1, "c1", f"m{i}", i) for i in range(1, 5)] + [
        attended(2, "c1", "m1", 1),
        attended(2, "c2", "m9", 2),
        attended(2, "c1", "m2", 3),
        attended(2, "c2", "m10", 4),
    ]
    members = {1: "essen", 2: "wesel"}
    member_awards = awards_for("zirkel_mitglied", members, interactions)
    assert [(a.member_id, a.at) for a in member_awards] == [(1, at(1)), (2, at(1))]
    pioneer = awards_for("zirkel_pionier", members, interactions)
    # Member 2 attended four meetings, but only two per circle.
    assert [(a.member_id, a.at, a.evidence_url) for a in pioneer] == [(1, at(4), "/m/m4")]
    progress = badge_progress([BY_KEY["zirkel_pionier"]], members, set(), interactions)
    assert progress[2][0] == progress[2][0].__class__("zirkel_pionier", 2, 4, False)


def test_circle_meeting_counted_once_and_hosting_counts_as_taking_part():
    interactions = [attended(1, "c1", "m1", 1), attended(1, "c1", "m1", 2), hosted(1, "c1", "m2", 3)]
    two = replace(BY_KEY["zirkel_pionier"], params={"min_meetings": 2})
    awards = awards_for("zirkel_pionier", {1: "essen"}, interactions, definition=two)
    assert [a.at for a in awards] == [at(3)]
    three = replace(BY_KEY["zirkel_pionier"], params={"min_meetings": 3})
    assert awards_for("zirkel_pionier", {1: "essen"}, interactions, definition=three) == []


def test_circle_member_works_without_organisation():
    assert [a.member_id for a in awards_for("zirkel_mitglied", {1: None}, [attended(1, "c", "m", 1)])] == [1]


def test_multiple_grant_circle_rule_grants_once_per_circle():
    per_circle = replace(BY_KEY["zirkel_mitglied"], multiple_grant=True)
    interactions = [attended(1, "c1", "m1", 1), attended(1, "c1", "m2", 2), attended(1, "c2", "m3", 3)]
    awards = awards_for("zirkel_mitglied", {1: "essen"}, interactions, definition=per_circle)
    assert [a.instance for a in awards] == ["c1", "c2"]


# -- Netzwerker*in --------------------------------------------------------------


def test_networker_needs_three_distinct_accepted_suggestions():
    members = {1: "essen", 2: "wesel", 3: "luenen", 4: "essen"}
    interactions = [accepted(1, 2, 1), accepted(1, 2, 2), accepted(1, 1, 3), accepted(1, 3, 4)]
    assert awards_for("netzwerker", members, interactions) == []
    interactions.append(accepted(1, 4, 5))
    awards = awards_for("netzwerker", members, interactions)
    assert [(a.member_id, a.at, a.evidence_url) for a in awards] == [(1, at(5), "/t/1-4")]


def test_networker_ignores_deleted_suggested_members():
    members = {1: "essen", 2: "wesel", 3: "luenen", 4: "essen"}
    interactions = [accepted(1, 2, 1), accepted(1, 3, 2), accepted(1, 4, 3)]
    assert awards_for("netzwerker", members, interactions, deleted={4}) == []


# -- Gastgeber*in -----------------------------------------------------------------


def test_host_earns_when_a_member_of_another_organisation_attends():
    members = {1: "essen", 2: "essen", 3: "wesel", 4: None}
    only_same = [
        hosted(1, "c", "m1", 1),
        attended(2, "c", "m1", 2),
        attended(4, "c", "m1", 2),
        attended(1, "c", "m1", 2),
    ]
    assert awards_for("gastgeber", members, only_same) == []
    with_guest = only_same + [attended(3, "c", "m1", 3)]
    awards = awards_for("gastgeber", members, with_guest)
    assert [(a.member_id, a.at, a.evidence_url, a.instance) for a in awards] == [(1, at(3), "/m/m1", "m1")]


def test_host_record_arriving_after_the_guests_completes_at_its_own_time():
    members = {1: "essen", 3: "wesel", 5: "luenen"}
    interactions = [attended(3, "c", "m1", 1), attended(5, "c", "m1", 2), hosted(1, "c", "m1", 9)]
    two_guests = replace(BY_KEY["gastgeber"], params={"min_guests": 2})
    awards = awards_for("gastgeber", members, interactions, definition=two_guests)
    assert [(a.member_id, a.at) for a in awards] == [(1, at(9))]
    progress = badge_progress([two_guests], members, set(), interactions[:1] + interactions[2:])
    assert (progress[1][0].current, progress[1][0].target, progress[1][0].earned) == (1, 2, False)


def test_host_of_several_meetings_is_awarded_once_unless_multiple():
    members = {1: "essen", 3: "wesel"}
    interactions = [
        hosted(1, "c", "m1", 1),
        attended(3, "c", "m1", 2),
        hosted(1, "c", "m2", 3),
        attended(3, "c", "m2", 4),
    ]
    assert len(awards_for("gastgeber", members, interactions)) == 1
    many = replace(BY_KEY["gastgeber"], multiple_grant=True)
    assert [a.instance for a in awards_for("gastgeber", members, interactions, definition=many)] == ["m1", "m2"]


# -- Brücke zwischen Verwaltungen ---------------------------------------------------


def test_first_pair_between_two_organisations_earns_both_once_per_pair():
    members = {1: "essen", 2: "wesel", 3: "essen", 4: "wesel", 5: "luenen"}
    interactions = [
        reply(1, 3, 1),  # same organisation: no bridge
        reply(3, 4, 2, post=7),  # first essen-wesel contact
        like(1, 2, 3),  # essen-wesel again: nothing new
        reply(2, 1, 4),
        Interaction("pm", 5, 2, at(5), url="/pm/5"),  # first luenen-wesel contact
    ]
    awards = awards_for("bruecke_zwischen_verwaltungen", members, interactions)
    assert [(a.member_id, a.instance, a.at) for a in awards] == [
        (3, "essen|wesel", at(2)),
        (4, "essen|wesel", at(2)),
        (5, "luenen|wesel", at(5)),
        (2, "luenen|wesel", at(5)),
    ]
    assert awards[0].evidence_post_id == 7
    assert (awards[0].reason_code, awards[0].reason_params) == (
        AwardReason.FIRST_CONTACT,
        {"own": "essen", "other": "wesel"},
    )


def test_bridge_skips_members_without_organisation_and_deleted_members():
    members = {1: "essen", 2: "wesel", 3: None, 4: "wesel"}
    interactions = [reply(1, 3, 1), reply(1, 2, 2), reply(1, 4, 3)]
    awards = awards_for("bruecke_zwischen_verwaltungen", members, interactions, deleted={2})
    # 1-2 is ignored because 2 is deleted, so 1-4 is the first essen-wesel contact.
    assert [(a.member_id, a.at) for a in awards] == [(1, at(3)), (4, at(3))]


def test_bridge_counts_existing_grants_per_member():
    members = {1: "essen", 2: "wesel", 5: "luenen"}
    interactions = [reply(1, 2, 1), reply(1, 5, 2)]
    awards = awards_for(
        "bruecke_zwischen_verwaltungen", members, interactions, granted={(1, "bruecke_zwischen_verwaltungen"): 1}
    )
    assert [(a.member_id, a.instance) for a in awards] == [(2, "essen|wesel"), (1, "essen|luenen"), (5, "essen|luenen")]


# -- catalogue, validation, progress ------------------------------------------------


def test_default_catalogue_is_valid_and_bilingual():
    assert validate_catalogue(list(DEFAULT_BADGES)) == []
    for badge in DEFAULT_BADGES:
        assert badge.name_de and badge.name_en and badge.description_de and badge.description_en
    assert {b.key for b in DEFAULT_BADGES} >= {
        "brueckenbauer",
        "zirkel_mitglied",
        "zirkel_pionier",
        "netzwerker",
        "gastgeber",
    }


def test_params_validator_fills_defaults_and_reports_every_problem():
    assert validate_params("distinct_other_orgs", {}) == {"min_orgs": 3, "kinds": ("reply", "like")}
    with pytest.raises(BadgeConfigError) as error:
        validate_params("distinct_other_orgs", {"min_orgs": 0, "kinds": ["reply", "poke"], "colour": "red"})
    text = str(error.value)
    assert "min_orgs must be at least 1" in text and "poke" in text and "unknown parameter 'colour'" in text
    assert len(error.value.problems) == 3
    with pytest.raises(BadgeConfigError, match="unknown rule"):
        validate_params("be_nice", {})
    with pytest.raises(BadgeConfigError, match="whole number"):
        validate_params("suggestions_accepted", {"min_accepted": "3"})
    with pytest.raises(BadgeConfigError, match="whole number"):
        validate_params("suggestions_accepted", {"min_accepted": True})


def test_definition_validator_and_duplicate_keys():
    bad = BadgeDefinition("Bad Key", "", "x", "x", "x", "", "platinum", False, "circle_meetings", {"min_meetings": -1})
    problems = validate_definition(bad)
    assert len(problems) == 5
    assert any("badge type" in p for p in problems)
    assert validate_catalogue([DEFAULT_BADGES[0], DEFAULT_BADGES[0]]) == ["duplicate badge key 'brueckenbauer'"]
    with pytest.raises(BadgeConfigError):
        evaluate_badges([bad], {}, set(), [])


def test_progress_covers_every_active_member_and_badge():
    members = {1: "essen", 2: "wesel", 3: "luenen", 9: "bochum"}
    interactions = [reply(1, 2, 1), like(1, 3, 2), attended(2, "c", "m", 3)]
    progress = badge_progress(list(DEFAULT_BADGES), members, {9}, interactions)
    assert sorted(progress) == [1, 2, 3]
    by_badge = {p.badge_key: p for p in progress[1]}
    assert len(progress[1]) == len(DEFAULT_BADGES)
    assert (by_badge["brueckenbauer"].current, by_badge["brueckenbauer"].target) == (2, 3)
    assert by_badge["bruecke_zwischen_verwaltungen"].earned
    assert {p.badge_key: p.earned for p in progress[2]}["zirkel_mitglied"]


def test_evaluate_returns_awards_in_completion_order_across_badges():
    members = {1: "essen", 2: "wesel", 3: "luenen", 4: "bochum"}
    interactions = [attended(1, "c", "m", 5), reply(1, 2, 1), reply(1, 3, 2), reply(1, 4, 3)]
    result = evaluate(list(DEFAULT_BADGES), members, set(), interactions)
    times = [a.at for a in result.awards]
    assert times == sorted(times)
    assert ("brueckenbauer", at(3)) in {(a.badge_key, a.at) for a in result.awards}


def test_awards_say_why_as_a_code_with_figures_and_no_text():
    assert not [f.name for f in fields(Award) if f.name.endswith(("_de", "_en"))]
    interactions = [reply(1, 2, 1, post=11), like(1, 3, 2, post=12), reply(1, 4, 3, post=13)]
    for award in evaluate_badges(list(DEFAULT_BADGES), MEMBERS, set(), interactions):
        assert isinstance(award.reason_code, AwardReason)
        assert all(isinstance(value, (int, str)) for value in award.reason_params.values())
