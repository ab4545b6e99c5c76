"""Tests of circle formation: hard constraints, waiting reasons, determinism and edge cases."""

import numpy as np
import pytest

from matching.circles.formation import (
    Formation,
    FormationSettings,
    SignUp,
    Slot,
    check_hard_constraints,
    form_circles,
    greedy_assignment,
    quality_figures,
    random_assignment,
)
from matching.circles.synthetic import synthetic_signups

MON = Slot(0, "vormittag")
TUE = Slot(1, "vormittag")
WED = Slot(2, "nachmittag")


def signup(member_id, org, interests=("a",), slots=(MON,), host=False, mode="either", apart=()):
    return SignUp(
        member_id=member_id,
        organisation_id=org,
        interests=frozenset(interests),
        availability=frozenset(slots),
        willing_to_host=host,
        mode_preference=mode,
        keep_apart=frozenset(apart),
    )


def placed_ids(formation: Formation) -> set[int]:
    return {m for c in formation.circles for m in c.member_ids}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("method", [form_circles, greedy_assignment, random_assignment])
def test_no_hard_constraint_is_ever_violated(seed, method):
    signups = synthetic_signups(90, seed, keep_apart_share=0.15)
    settings = FormationSettings(seed=seed)
    formation = method(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert formation.circles, "90 sign-ups must yield circles"


@pytest.mark.parametrize("seed", range(4))
def test_constraints_hold_with_other_settings(seed):
    signups = synthetic_signups(120, seed, host_share=0.15, organisations=5)
    settings = FormationSettings(min_size=5, max_size=7, target_size=6, min_orgs=4, max_per_org=None, seed=seed)
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert settings.org_cap == 2


def test_every_member_is_placed_or_waiting_exactly_once():
    signups = synthetic_signups(75, 3)
    formation = form_circles(signups, FormationSettings(seed=3))
    placed = [m for c in formation.circles for m in c.member_ids]
    waiting = [w.member_id for w in formation.waiting]
    assert sorted(placed + waiting) == sorted(s.member_id for s in signups)


def test_fewer_signups_than_min_size_all_wait_with_reason():
    signups = [signup(i, i, host=True) for i in range(1, 4)]
    formation = form_circles(signups, FormationSettings())
    assert formation.circles == []
    assert [w.member_id for w in formation.waiting] == [1, 2, 3]
    assert {w.reason_code for w in formation.waiting} == {"not_enough_signups"}
    assert formation.waiting[0].reason_params["min_size"] == 4
    assert formation.figures.placed == 0 and formation.figures.waiting == 3


def test_empty_signups_give_empty_formation():
    formation = form_circles([], FormationSettings())
    assert formation.circles == [] and formation.waiting == []


def test_small_valid_group_forms_one_circle_with_slot_hosts_and_orgs():
    signups = [signup(i, org, host=(i == 1), slots=(MON, TUE)) for i, org in enumerate(["a", "b", "c", "d", "a"], 1)]
    formation = form_circles(signups, FormationSettings())
    assert len(formation.circles) == 1
    circle = formation.circles[0]
    assert circle.member_ids == (1, 2, 3, 4, 5)
    assert circle.slot in (MON, TUE)
    assert circle.host_candidate_ids == (1,)
    assert set(circle.organisation_ids) == {"a", "b", "c", "d"}
    assert circle.available_member_ids == circle.member_ids
    assert formation.figures.share_available == 1.0


def test_circle_slot_is_where_most_members_are_available():
    signups = [signup(i, i, host=True, slots=(TUE,) if i <= 4 else (MON,)) for i in range(1, 6)]
    formation = form_circles(signups, FormationSettings())
    circle = formation.circles[0]
    assert circle.slot == TUE
    assert circle.available_member_ids == (1, 2, 3, 4)
    assert formation.figures.share_available == pytest.approx(4 / 5)


def test_without_any_host_nobody_is_placed():
    signups = [signup(i, i) for i in range(1, 9)]
    formation = form_circles(signups, FormationSettings())
    assert formation.circles == []
    assert {w.reason_code for w in formation.waiting} == {"no_valid_circle"}


def test_members_without_organisation_count_towards_no_organisation():
    # Two organisations plus members without one: min_orgs is lowered to 2, no cap applies to them.
    signups = [signup(1, "a", host=True), signup(2, "b")] + [signup(i, None) for i in range(3, 7)]
    settings = FormationSettings()
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert len(formation.circles) == 1
    assert len(formation.circles[0].member_ids) == 6
    assert set(formation.circles[0].organisation_ids) == {"a", "b"}


def test_min_orgs_is_required_where_signups_allow_it():
    # Three organisations exist, so every circle needs all three; org "c" has one member only.
    signups = (
        [signup(i, "a", host=True) for i in range(1, 5)] + [signup(i, "b") for i in range(5, 9)] + [signup(9, "c")]
    )
    settings = FormationSettings(max_per_org=4)
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert len(formation.circles) == 1
    assert "c" in formation.circles[0].organisation_ids


def test_organisation_cap_sends_surplus_to_waiting_with_reason():
    signups = [signup(i, "big", host=True) for i in range(1, 11)] + [signup(i, f"o{i}") for i in range(11, 15)]
    settings = FormationSettings(max_per_org=2)
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    for circle in formation.circles:
        assert sum(1 for m in circle.member_ids if m <= 10) <= 2
    waiting = {w.member_id: w.reason_code for w in formation.waiting}
    assert waiting, "more members of one organisation than the cap allows"
    assert set(waiting) <= set(range(1, 11))
    assert set(waiting.values()) == {"organisation_cap"}


def test_keep_apart_pair_is_never_together_even_if_only_one_side_asks():
    signups = [signup(1, "a", host=True, apart=(2,)), signup(2, "b", host=True)] + [
        signup(i, f"o{i}", host=i % 2 == 0) for i in range(3, 11)
    ]
    settings = FormationSettings(target_size=5, min_size=4)
    for seed in range(5):
        formation = form_circles(signups, FormationSettings(target_size=5, min_size=4, seed=seed))
        assert check_hard_constraints(formation, signups, settings) == []
        for circle in formation.circles:
            assert not {1, 2} <= set(circle.member_ids)


def test_online_and_onsite_only_members_are_not_mixed():
    signups = [signup(i, f"o{i}", host=True, mode="online") for i in range(1, 6)] + [
        signup(i, f"o{i}", host=True, mode="onsite") for i in range(6, 11)
    ]
    formation = form_circles(signups, FormationSettings(target_size=5))
    assert len(formation.circles) == 2
    assert sorted(c.mode for c in formation.circles) == ["online", "onsite"]


def test_required_availability_puts_members_without_offered_slot_on_waiting_list():
    signups = [signup(i, f"o{i}", host=True, slots=(MON,)) for i in range(1, 6)] + [signup(6, "x", slots=())]
    settings = FormationSettings(require_available_slot=True)
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert [(w.member_id, w.reason_code) for w in formation.waiting] == [(6, "no_availability")]


def test_required_availability_holds_over_synthetic_data():
    signups = synthetic_signups(120, 5)
    settings = FormationSettings(require_available_slot=True, seed=5)
    formation = form_circles(signups, settings)
    assert check_hard_constraints(formation, signups, settings) == []
    assert formation.figures.share_available == 1.0


def test_same_seed_same_result_and_input_order_does_not_matter():
    signups = synthetic_signups(80, 11)
    settings = FormationSettings(seed=4)
    first = form_circles(signups, settings)
    again = form_circles(list(reversed(signups)), settings)
    assert [c.member_ids for c in first.circles] == [c.member_ids for c in again.circles]
    assert [w.member_id for w in first.waiting] == [w.member_id for w in again.waiting]


def test_similarity_drives_grouping_when_everything_else_is_equal():
    # Two interest camps, all from distinct organisations, all free at the same slot.
    camp_a = [signup(i, f"o{i}", interests=("rad", "verkehr"), host=True) for i in range(1, 7)]
    camp_b = [signup(i, f"o{i}", interests=("ki", "daten"), host=True) for i in range(7, 13)]
    formation = form_circles(camp_a + camp_b, FormationSettings())
    groups = sorted(set(c.member_ids) for c in formation.circles)
    assert groups == [set(range(1, 7)), set(range(7, 13))]
    assert formation.figures.mean_similarity == pytest.approx(1.0)


def test_vector_interests_and_precomputed_similarity_are_accepted():
    rng = np.random.default_rng(0)
    vectors = rng.random((12, 5))
    signups = [SignUp(i + 1, f"o{i % 6}", vectors[i], frozenset({MON}), willing_to_host=True) for i in range(12)]
    by_vector = form_circles(signups, FormationSettings())
    unit = vectors / np.linalg.norm(vectors, axis=1)[:, None]
    by_matrix = form_circles(signups, FormationSettings(), similarity=unit @ unit.T)
    assert [c.member_ids for c in by_vector.circles] == [c.member_ids for c in by_matrix.circles]
    assert by_vector.figures.mean_similarity == pytest.approx(by_matrix.figures.mean_similarity)


def test_duplicate_signups_and_bad_settings_are_rejected():
    with pytest.raises(ValueError, match="once"):
        form_circles([signup(1, "a"), signup(1, "b")])
    with pytest.raises(ValueError, match="target_size"):
        FormationSettings(min_size=6, target_size=5)
    with pytest.raises(ValueError, match="mode"):
        signup(1, "a", mode="hybrid")
    with pytest.raises(ValueError, match="weekday"):
        Slot(7, "x")


def test_check_hard_constraints_reports_each_kind_of_violation():
    signups = [
        signup(1, "a", apart=(2,), mode="online"),
        signup(2, "a", mode="onsite"),
        signup(3, "a"),
    ]
    settings = FormationSettings(min_size=4, max_per_org=2, require_available_slot=True)
    formation = form_circles(signups, settings)
    from matching.circles.formation import Circle

    bad = Formation(
        circles=[
            Circle(0, (1, 2, 3, 99), TUE, (), (), ("a",), "mixed", 0.0),
            Circle(1, (3,), MON, (), (), ("a",), "either", 0.0),
        ],
        waiting=[],
        figures=formation.figures,
    )
    text = "\n".join(check_hard_constraints(bad, signups, settings))
    for expected in [
        "member 99 did not sign up",
        "member 3 appears 2 times",
        "size 1 outside",
        "cap 2",
        "no member willing to host",
        "kept apart",
        "mixed",
        "not available",
    ]:
        assert expected in text


def test_check_hard_constraints_reports_forgotten_members():
    signups = [signup(i, i) for i in range(1, 5)]
    empty = Formation(circles=[], waiting=[], figures=form_circles([]).figures)
    problems = check_hard_constraints(empty, signups)
    assert len(problems) == 4 and all("neither" in p for p in problems)


def test_quality_figures_recomputed_from_signups_match_formation_figures():
    signups = synthetic_signups(100, 2)
    settings = FormationSettings(seed=2)
    formation = form_circles(signups, settings)
    recomputed = quality_figures(formation, signups, settings)
    assert recomputed.mean_similarity == pytest.approx(formation.figures.mean_similarity)
    assert recomputed.mean_distinct_orgs == pytest.approx(formation.figures.mean_distinct_orgs)
    assert recomputed.share_available == pytest.approx(formation.figures.share_available)
    assert recomputed.placed == formation.figures.placed
