"""The improvement steps of circle formation: ceiling of organisation diversity, ejection chains and kicks."""

import numpy as np

from matching.circles.formation import (
    FormationSettings,
    SignUp,
    Slot,
    _eligible,
    _formation,
    check_hard_constraints,
    max_mean_distinct_orgs,
)
from matching.circles.improve import (
    best_chain,
    chain_search,
    iterated_search,
    start_count,
    weak_members,
)
from matching.circles.problem import build_problem
from matching.circles.search import construct_greedy, local_search, repair, soft_repair
from matching.circles.synthetic import synthetic_signups


def _signup(member_id, org):
    return SignUp(member_id, org, frozenset({"x"}), frozenset({Slot(0, "a")}))


def test_ceiling_counts_each_organisation_in_at_most_as_many_circles_as_it_has_members():
    signups = [_signup(i, "big") for i in range(5)] + [_signup(10, "small"), _signup(11, None)]
    # "big" can count in both circles, "small" in one; the member without organisation in none.
    assert max_mean_distinct_orgs(signups, 2) == 1.5
    assert max_mean_distinct_orgs(signups, 6) == (5 + 1) / 6
    assert max_mean_distinct_orgs(signups, 0) == 0.0


def _searched_state(n, seed):
    signups = synthetic_signups(n, seed)
    settings = FormationSettings(seed=seed)
    problem = build_problem(signups, settings)
    eligible = _eligible(problem)
    rng = np.random.default_rng(seed)
    state = construct_greedy(problem, eligible, rng)
    soft_repair(state, rng, settings.iterations)
    repair(state, rng)
    local_search(state, rng, settings.iterations)
    return signups, settings, eligible, rng, state


def test_chains_and_kicks_never_worsen_the_objective_nor_break_a_rule():
    for seed in range(3):
        signups, settings, eligible, rng, state = _searched_state(120, seed)
        before = state.objective()
        chain_search(state, rng, 5)
        after_chains = state.objective()
        counts = iterated_search(state, rng, 40)
        assert after_chains >= before - 1e-6
        assert state.objective() >= after_chains - 1e-6
        assert counts["kicks"] == 40 and 0 <= counts["improved"] <= counts["kept"] <= 40
        assert not state.frozen.any() and state.journal is None
        formation = _formation(state, eligible, "test", {})
        assert check_hard_constraints(formation, signups, settings) == []


def test_best_chain_gain_is_the_real_change_of_the_objective():
    signups, settings, eligible, _rng, state = _searched_state(90, 1)
    checked = 0
    for a in weak_members(state):
        gain, other, circle = best_chain(state, int(a), state.circle_scores())
        if not np.isfinite(gain):
            continue
        before = state.objective()
        middle = int(state.assign[other])
        state.move(other, circle)
        state.move(int(a), middle)
        assert abs(state.objective() - before - gain) < 1e-6
        formation = _formation(state, eligible, "test", {})
        assert check_hard_constraints(formation, signups, settings) == []
        checked += 1
        if checked == 5:
            break
    assert checked > 0


def test_small_instances_get_several_starts_large_ones_one():
    assert start_count(60) > 1
    assert start_count(1000) == 1
    assert start_count(0) >= 1
