"""Tests for a matching run: eligibility, feedback, and zero rule violations over many random networks."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from matching.suggestions.engine import (
    ExclusionReason,
    MemberStatus,
    PairHistory,
    exclusion_reason,
    run_matching,
)
from matching.suggestions.profiles import MemberProfileInput
from matching.suggestions.rules import default_rules
from matching.suggestions.synthetic import generate_network

TODAY = date(2025, 3, 1)


def ok(**changes) -> MemberStatus:
    values = dict(consented=True, active=True, last_seen=TODAY)
    values.update(changes)
    return MemberStatus(**values)


def agile(member_id: int, organisation_id: int | None) -> MemberProfileInput:
    return MemberProfileInput(
        member_id, organisation_id, bio="Scrum und Kanban in der Verwaltung", tags=["agil", "scrum"]
    )


def test_today_is_required():
    with pytest.raises(ValueError, match="today"):
        run_matching([], {}, default_rules())


@pytest.mark.parametrize(
    "member_id, status, reason",
    [
        (-1, ok(), "system_user"),
        (0, ok(), "system_user"),
        (5, None, "no_status"),
        (5, ok(consented=False), "no_consent"),
        (5, ok(active=False), "inactive"),
        (5, ok(suspended=True), "suspended"),
        (5, ok(silenced=True), "silenced"),
        (5, ok(staged=True), "staged"),
        (5, ok(groups=frozenset({"staff", "rebels"})), "excluded_group"),
        (5, ok(last_seen=TODAY - timedelta(days=181)), "not_seen_recently"),
        (5, ok(last_seen=None), "not_seen_recently"),
        (5, ok(last_seen=datetime(2025, 2, 28, 23, 0)), None),
        (5, ok(groups=frozenset({"rebels"})), None),
    ],
)
def test_exclusion_reasons(member_id, status, reason):
    rules = default_rules().replace(excluded_groups=["staff"])
    found = exclusion_reason(member_id, status, rules, TODAY)
    assert found == reason
    # A code for the companion to word, never text.
    assert found is None or isinstance(found, ExclusionReason)


def test_activity_limit_zero_means_no_limit():
    rules = default_rules().replace(active_within_days=0)
    assert exclusion_reason(5, ok(last_seen=None), rules, TODAY) is None


def test_ineligible_members_neither_receive_nor_are_suggested():
    profiles = [agile(i, i) for i in range(1, 7)]
    statuses = {i: ok() for i in range(1, 7)}
    statuses[2] = ok(suspended=True)
    statuses[3] = ok(consented=False)
    del statuses[4]
    result = run_matching(profiles, statuses, default_rules(), today=TODAY)
    involved = {s.member_id for s in result.suggestions} | {s.suggested_id for s in result.suggestions}
    assert involved == {1, 5, 6}
    assert result.excluded == {2: "suspended", 3: "no_consent", 4: "no_status"}
    assert result.eligible_ids == (1, 5, 6)


def test_suggestion_carries_score_rank_terms_and_organisation():
    profiles = [agile(1, 10), agile(2, 20), MemberProfileInput(3, None, bio="Kita und Jugendhilfe")]
    result = run_matching(profiles, {i: ok() for i in (1, 2, 3)}, default_rules(), today=TODAY)
    by_member = result.by_member()
    (suggestion,) = by_member[1]
    assert suggestion.suggested_id == 2
    assert suggestion.organisation_id == 20
    assert suggestion.rank == 1
    assert 0 < suggestion.score <= 1.0 + 1e-6  # profiles are stored as float32
    assert "scrum" in [term.casefold() for term in suggestion.shared_terms]
    assert 3 not in by_member
    assert result.organisations[3] is None
    assert result.exposure() == {1: 1, 2: 1, 3: 0}


def test_ignored_and_muted_members_are_never_suggested_either_way():
    profiles = [agile(i, i) for i in range(1, 5)]
    statuses = {i: ok() for i in range(1, 5)}
    statuses[1] = ok(ignored_ids=frozenset({2}), muted_ids=frozenset({3}))
    result = run_matching(profiles, statuses, default_rules(), today=TODAY)
    pairs = result.pairs()
    for a, b in [(1, 2), (2, 1), (1, 3), (3, 1)]:
        assert (a, b) not in pairs
    assert (1, 4) in pairs


def test_feedback_rejected_accepted_cooldown_and_ignored():
    profiles = [agile(i, i) for i in range(1, 7)]
    statuses = {i: ok() for i in range(1, 7)}
    history = PairHistory(
        rejected=[(2, 1)],  # 2 said "Passt nicht" about 1
        accepted=[(1, 3)],
        suggested=[(4, 1, TODAY - timedelta(weeks=11)), (1, 5, datetime(2024, 1, 1, 12, 0))],
        ignored=[(1, 5)],
    )
    rules = default_rules().replace(suggestions_per_member=5, hub_cap=10, exploration=0.0)
    result = run_matching(profiles, statuses, rules, history, TODAY)
    partners_of_1 = {s.suggested_id for s in result.by_member()[1]}
    assert partners_of_1 == {5, 6}
    assert (2, 1) not in result.pairs() and (3, 1) not in result.pairs() and (4, 1) not in result.pairs()
    five = next(s for s in result.by_member()[1] if s.suggested_id == 5)
    six = next(s for s in result.by_member()[1] if s.suggested_id == 6)
    assert five.score == pytest.approx(six.score * 0.5)


def test_cooldown_ends_after_the_configured_weeks():
    profiles = [agile(1, 1), agile(2, 2)]
    statuses = {1: ok(), 2: ok()}
    history = PairHistory(suggested=[(1, 2, TODAY - timedelta(weeks=12))])
    assert (1, 2) in run_matching(profiles, statuses, default_rules(), history, TODAY).pairs()
    no_cooldown = default_rules().replace(cooldown_weeks=0)
    recent = PairHistory(suggested=[(1, 2, TODAY)])
    assert (1, 2) in run_matching(profiles, statuses, no_cooldown, recent, TODAY).pairs()
    assert (1, 2) not in run_matching(profiles, statuses, default_rules(), recent, TODAY).pairs()


def test_ignored_factor_one_means_no_discount_and_zero_means_never():
    profiles = [agile(1, 1), agile(2, 2)]
    statuses = {1: ok(), 2: ok()}
    history = PairHistory(ignored=[(1, 2)])
    plain = run_matching(profiles, statuses, default_rules(), today=TODAY)
    same = run_matching(profiles, statuses, default_rules().replace(ignored_factor=1.0), history, TODAY)
    never = run_matching(profiles, statuses, default_rules().replace(ignored_factor=0.0), history, TODAY)
    assert same.suggestions[0].score == pytest.approx(plain.suggestions[0].score)
    assert never.suggestions == ()


def test_history_about_unknown_members_is_ignored():
    profiles = [agile(1, 1), agile(2, 2)]
    history = PairHistory(rejected=[(1, 99)], accepted=[(98, 2)])
    result = run_matching(profiles, {1: ok(), 2: ok()}, default_rules(), history, TODAY)
    assert result.pairs() == {(1, 2), (2, 1)}


def test_require_other_versus_prefer_other_on_a_single_organisation_network():
    profiles = [agile(i, 1) for i in range(1, 5)]
    statuses = {i: ok() for i in range(1, 5)}
    required = run_matching(profiles, statuses, default_rules().replace(org_mode="require_other"), today=TODAY)
    preferred = run_matching(profiles, statuses, default_rules().replace(org_mode="prefer_other"), today=TODAY)
    assert required.suggestions == ()
    assert len(preferred.suggestions) == 4 * 3


def test_min_score_drops_weak_pairs():
    profiles = [
        MemberProfileInput(1, 1, bio="Scrum Kanban Haushalt Kennzahlen Controlling"),
        MemberProfileInput(2, 2, bio="Scrum Jugendhilfe Kita Schule Radverkehr"),
    ]
    statuses = {1: ok(), 2: ok()}
    assert run_matching(profiles, statuses, default_rules().replace(min_score=0.0), today=TODAY).suggestions
    assert not run_matching(profiles, statuses, default_rules().replace(min_score=0.9), today=TODAY).suggestions


def test_same_inputs_and_seed_give_the_same_result():
    network = generate_network(150, seed=3)
    run = lambda seed: run_matching(  # noqa: E731
        network.profiles, network.statuses, default_rules(), network.history, network.today, seed
    )
    assert run(1).suggestions == run(1).suggestions
    assert run(1).suggestions != run(2).suggestions


@pytest.mark.parametrize("seed", range(12))
def test_no_rule_is_ever_violated_on_random_networks(seed):
    network = generate_network(160, seed=seed, n_organisations=4 + seed % 5)
    mode = ["require_other", "prefer_other", "any"][seed % 3]
    rules = default_rules().replace(
        org_mode=mode,
        suggestions_per_member=1 + seed % 4,
        hub_cap=2 + seed % 3,
        candidates_per_member=5 + seed,
        min_score=[0.0, 0.05, 0.2][seed % 3],
        excluded_groups=["staff"],
        exploration=0.3,
    )
    result = run_matching(network.profiles, network.statuses, rules, network.history, network.today, seed)
    organisation = {p.member_id: p.organisation_id for p in network.profiles}
    eligible = set(result.eligible_ids)
    cutoff = network.today - timedelta(weeks=rules.cooldown_weeks)
    forbidden: set[frozenset[int]] = set()
    forbidden |= {frozenset(pair) for pair in network.history.rejected}
    forbidden |= {frozenset(pair) for pair in network.history.accepted}
    forbidden |= {frozenset((a, b)) for a, b, when in network.history.suggested if when > cutoff}
    for member_id, status in network.statuses.items():
        forbidden |= {frozenset((member_id, other)) for other in status.ignored_ids | status.muted_ids}
    assert forbidden, "the generated history should contain pairs to avoid"
    violations = Counter()
    for s in result.suggestions:
        violations["self"] += s.member_id == s.suggested_id
        violations["ineligible"] += s.member_id not in eligible or s.suggested_id not in eligible
        violations["forbidden"] += frozenset((s.member_id, s.suggested_id)) in forbidden
        violations["same_org"] += mode == "require_other" and organisation[s.member_id] == organisation[s.suggested_id]
        violations["min_score"] += s.score < rules.min_score or s.score <= 0
        violations["staff"] += "staff" in network.statuses[s.member_id].groups
    for suggestions in result.by_member().values():
        violations["k"] += len(suggestions) > rules.suggestions_per_member
        violations["ranks"] += [s.rank for s in suggestions] != list(range(1, len(suggestions) + 1))
        violations["duplicates"] += len({s.suggested_id for s in suggestions}) != len(suggestions)
    violations["hub_cap"] += max(result.exposure().values(), default=0) > rules.hub_cap
    assert sum(violations.values()) == 0, violations
    assert result.suggestions, "a network of this size should produce suggestions"


def test_thin_profiles_get_the_extra_other_organisation_bonus():
    from matching.suggestions.engine import other_org_bonuses
    from matching.suggestions.profiles import build_profiles

    rules = default_rules()
    colleagues = [agile(i, 1) for i in (1, 2, 3)]
    newcomer = MemberProfileInput(4, 1)
    built = build_profiles([*colleagues, newcomer], rules.block_weights(), rules.cold_start())
    bonuses = other_org_bonuses(built, rules)
    assert bonuses[built.row_of(4)] == pytest.approx(rules.other_org_bonus + rules.cold_start_org_weight)
    assert bonuses[built.row_of(1)] == pytest.approx(rules.other_org_bonus)


def test_a_member_on_nobodys_short_list_is_still_suggested_to_someone_on_its_own():
    # With one candidate each, 2 and 3 (identical) list each other and 1 lists one of them; 4 shares only
    # "lean" with 1 and lists 1, but nobody lists 4. Evening out exposure suggests 4 to 1 (reverse candidate).
    tagged = {
        1: ["scrum", "kanban", "lean"],
        2: ["scrum", "kanban", "retro"],
        3: ["scrum", "kanban", "retro"],
        4: ["lean", "klima", "energie", "waermeplanung"],
    }
    profiles = [MemberProfileInput(i, i, tags=tags) for i, tags in tagged.items()]
    rules = default_rules().replace(
        org_mode="any", candidates_per_member=1, suggestions_per_member=1, hub_cap=2, min_score=0.01, exploration=0.0
    )
    result = run_matching(profiles, {i: ok() for i in tagged}, rules, today=TODAY)
    assert (1, 4) in result.pairs() and (4, 1) in result.pairs()
    assert result.exposure() == {1: 1, 2: 1, 3: 1, 4: 1}


@pytest.mark.parametrize("seed", range(3))
def test_exposure_is_even_on_a_synthetic_network(seed):
    # Under default rules nobody is suggested more than k times when the candidates allow it, and
    # everyone with suggestions is suggested at least once.
    network = generate_network(400, seed=seed)
    rules = default_rules()
    result = run_matching(network.profiles, network.statuses, rules, network.history, network.today, seed)
    counts = Counter(s.member_id for s in result.suggestions)
    exposure = result.exposure()
    assert max(exposure.values()) == rules.suggestions_per_member
    assert all(exposure[m] >= 1 for m in counts)
