"""Tests for allocation: k per member, hub cap, greedy order, exploration and determinism."""

import numpy as np
import pytest

from matching.suggestions.allocation import allocate
from matching.suggestions.similarity import TopK


def candidates(indices, scores) -> TopK:
    indices = np.array(indices, dtype=np.int32)
    scores = np.array(scores, dtype=np.float64)
    return TopK(indices, scores, scores.copy())


def random_candidates(seed: int, n: int = 200, width: int = 12) -> TopK:
    rng = np.random.default_rng(seed)
    indices = np.full((n, width), -1, np.int32)
    scores = np.zeros((n, width))
    # Popular members: low rows are everyone's favourites, so the hub cap has to bite.
    popularity = 1.0 / np.arange(1, n + 1)
    for row in range(n):
        count = int(rng.integers(0, width + 1))
        weights = popularity.copy()
        weights[row] = 0
        chosen = rng.choice(n, size=count, replace=False, p=weights / weights.sum())
        values = np.sort(rng.random(count))[::-1]
        indices[row, :count] = chosen
        scores[row, :count] = values
    return TopK(indices, scores, scores.copy())


@pytest.mark.parametrize("seed", range(10))
def test_k_and_hub_cap_are_never_exceeded(seed):
    top = random_candidates(seed)
    result = allocate(top, k=3, hub_cap=4, exploration=0.1, seed=seed)
    assert np.bincount(result.receivers).max() <= 3
    assert np.bincount(result.suggested).max() <= 4
    pairs = set(zip(result.receivers.tolist(), result.suggested.tolist()))
    assert len(pairs) == result.receivers.size
    for receiver, other in pairs:
        assert other in top.indices[receiver]


def test_greedy_prefers_best_pairs_and_respects_cap():
    # Rows 0, 1 and 2 all want row 3 most; with a cap of 2 the weakest wish goes to its second choice.
    top = candidates([[3, 1], [3, 2], [3, 0], [0, 1]], [[0.9, 0.2], [0.8, 0.3], [0.5, 0.4], [0.6, 0.5]])
    result = allocate(top, k=1, hub_cap=2, spread=False)
    chosen = dict(zip(result.receivers.tolist(), result.suggested.tolist()))
    assert chosen == {0: 3, 1: 3, 2: 0, 3: 0}


def test_spread_moves_a_holder_down_its_list_so_nobody_is_suggested_twice():
    # Same wishes. Greedy at cap 1: 0 takes 3, 3 takes 0, 1 takes 2, and row 2 finds 3 and 0 both taken.
    # Rather than suggesting row 3 twice, the augmenting path moves row 0 to its free second choice (1)
    # and hands row 3 to row 2: every row is suggested exactly once.
    top = candidates([[3, 1], [3, 2], [3, 0], [0, 1]], [[0.9, 0.2], [0.8, 0.3], [0.5, 0.4], [0.6, 0.5]])
    result = allocate(top, k=1, hub_cap=2, spread=True)
    chosen = dict(zip(result.receivers.tolist(), result.suggested.tolist()))
    assert chosen == {0: 1, 1: 2, 2: 3, 3: 0}


def test_spread_still_fills_up_to_the_hub_cap_when_needed():
    # Everybody only likes row 0: the second pass must still use the hub cap.
    top = candidates([[-1], [0], [0], [0]], [[0.0], [0.9], [0.8], [0.7]])
    result = allocate(top, k=1, hub_cap=2, spread=True)
    assert sorted(result.receivers.tolist()) == [1, 2]


def test_spread_lowers_exposure_inequality_on_random_candidates():
    from matching.suggestions.metrics import gini

    top = random_candidates(7)
    plain = allocate(top, 3, 6, spread=False)
    spread = allocate(top, 3, 6, spread=True)
    n = top.indices.shape[0]
    assert gini(np.bincount(spread.suggested, minlength=n)) < gini(np.bincount(plain.suggested, minlength=n))


def test_ranks_number_each_members_list_from_one():
    top = candidates([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]], [[0.9, 0.8, 0.7]] * 4)
    result = allocate(top, k=3, hub_cap=10)
    for receiver in range(4):
        mask = result.receivers == receiver
        assert result.ranks[mask].tolist() == [1, 2, 3]
        assert result.suggested[mask].tolist() == top.indices[receiver].tolist()


def test_same_seed_same_result_and_exploration_varies_near_ties():
    top = random_candidates(3)
    first = allocate(top, 3, 4, exploration=0.2, seed=1)
    again = allocate(top, 3, 4, exploration=0.2, seed=1)
    np.testing.assert_array_equal(first.suggested, again.suggested)
    outcomes = {tuple(allocate(top, 3, 4, exploration=0.2, seed=s).suggested.tolist()) for s in range(5)}
    assert len(outcomes) > 1


def test_without_exploration_the_seed_does_not_matter():
    top = random_candidates(4)
    a = allocate(top, 3, 4, exploration=0.0, seed=1)
    b = allocate(top, 3, 4, exploration=0.0, seed=2)
    np.testing.assert_array_equal(a.suggested, b.suggested)
    np.testing.assert_array_equal(a.receivers, b.receivers)


def test_exploration_does_not_overturn_clear_winners():
    top = candidates([[1, 2], [0, 2], [0, 1]], [[1.0, 0.1], [1.0, 0.1], [1.0, 0.1]])
    for seed in range(20):
        result = allocate(top, k=1, hub_cap=5, exploration=0.5, seed=seed, spread=False)
        assert result.suggested.tolist() == [1, 0, 0]


def test_empty_and_invalid_inputs():
    empty = candidates(np.full((3, 2), -1), np.zeros((3, 2)))
    result = allocate(empty, 3, 3)
    assert result.receivers.size == 0 and result.ranks.size == 0
    with pytest.raises(ValueError):
        allocate(empty, 0, 3)
    with pytest.raises(ValueError):
        allocate(empty, 1, 0)
    with pytest.raises(ValueError):
        allocate(empty, 1, 1, exploration=1.5)


def maximum_pairs(top: TopK, k: int, cap: int) -> int:
    """The most pairs any allocation can make with k per receiver and cap per suggested row (max flow)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    n, _width = top.indices.shape
    source, sink = 2 * n, 2 * n + 1
    rows, cols, caps = [], [], []
    for receiver in range(n):
        rows.append(source), cols.append(receiver), caps.append(k)
        rows.append(n + receiver), cols.append(sink), caps.append(cap)
        for other in top.indices[receiver]:
            if other >= 0:
                rows.append(receiver), cols.append(n + int(other)), caps.append(1)
    graph = csr_matrix((np.array(caps, np.int32), (rows, cols)), shape=(2 * n + 2, 2 * n + 2))
    return int(maximum_flow(graph, source, sink).flow_value)


@pytest.mark.parametrize("seed", range(12))
def test_spread_is_a_maximum_allocation_with_the_lowest_possible_peak(seed):
    # Exact check against max flow: as many pairs as the hub cap allows, and nobody suggested more often
    # than the smallest cap that still allows that many.
    top = random_candidates(seed, n=60, width=int(3 + seed % 4))
    k, hub_cap = 1 + seed % 3, 6
    result = allocate(top, k, hub_cap, exploration=0.1, seed=seed)
    best = maximum_pairs(top, k, hub_cap)
    assert result.receivers.size == best
    lowest_peak = next(cap for cap in range(1, hub_cap + 1) if maximum_pairs(top, k, cap) == best)
    assert np.bincount(result.suggested).max() == lowest_peak


def test_everyone_is_suggested_exactly_k_times_when_the_candidates_allow_it():
    # A ring where each row lists its next four rows; low rows score highest wherever they are listed,
    # so plain greedy floods them, while a perfect allocation (each row exactly k times) exists.
    n, width, k = 40, 4, 3
    indices = np.array([[(row + step) % n for step in range(1, width + 1)] for row in range(n)])
    scores = np.array([[1.0 - ((row + step) % n) / n for step in range(1, width + 1)] for row in range(n)])
    top = candidates(indices, scores)
    plain = allocate(top, k=k, hub_cap=6, spread=False)
    assert np.bincount(plain.suggested, minlength=n).max() > k
    result = allocate(top, k=k, hub_cap=6)
    assert np.bincount(result.receivers, minlength=n).tolist() == [k] * n
    assert np.bincount(result.suggested, minlength=n).tolist() == [k] * n


def test_repair_keeps_each_row_on_its_best_candidates_where_nothing_is_gained():
    # Nothing is contested: every row gets its own top k, in order.
    top = candidates([[1, 2, 3], [2, 3, 0], [3, 0, 1], [0, 1, 2]], [[0.9, 0.5, 0.1]] * 4)
    result = allocate(top, k=2, hub_cap=2)
    for receiver in range(4):
        assert result.suggested[result.receivers == receiver].tolist() == top.indices[receiver, :2].tolist()


@pytest.mark.parametrize("seed", range(5))
def test_coverage_equals_plain_greedy_or_better_and_peak_is_no_higher(seed):
    top = random_candidates(seed, n=300, width=10)
    plain = allocate(top, 3, 5, seed=seed, spread=False)
    spread = allocate(top, 3, 5, seed=seed)
    n = top.indices.shape[0]
    assert (np.bincount(spread.receivers, minlength=n) == 3).sum() >= (
        np.bincount(plain.receivers, minlength=n) == 3
    ).sum()
    assert spread.receivers.size >= plain.receivers.size
    assert np.bincount(spread.suggested).max() <= np.bincount(plain.suggested).max()


def test_rows_with_fewer_candidates_than_k_get_all_they_have():
    top = candidates(
        [[1, -1, -1], [0, 2, -1], [0, 1, 3], [0, 1, 2]], [[0.5, 0, 0], [0.5, 0.4, 0], [0.9, 0.8, 0.7], [0.6, 0.5, 0.4]]
    )
    result = allocate(top, k=3, hub_cap=10)
    assert np.bincount(result.receivers, minlength=4).tolist() == [1, 2, 3, 3]


def test_hub_cap_below_k_caps_exposure_and_still_fills_what_it_can():
    top = random_candidates(11, n=100, width=8)
    result = allocate(top, k=4, hub_cap=2, exploration=0.05, seed=3)
    assert np.bincount(result.suggested).max() <= 2
    assert result.receivers.size == maximum_pairs(top, 4, 2)


def test_reverse_candidates_add_missing_directions_with_the_receivers_bonus():
    from matching.suggestions.allocation import with_reverse_candidates

    # Row 0 lists 1 and 2; row 1 lists 0 already; row 2 lists only 1; row 3 lists nobody.
    indices = np.array([[1, 2], [0, -1], [1, -1], [-1, -1]], np.int32)
    similarities = np.array([[0.8, 0.5], [0.8, 0.0], [0.3, 0.0], [0.0, 0.0]])
    organisations = np.array([7, 7, 9, -1])
    bonuses = np.array([0.1, 0.2, 0.3, 0.4])
    scores = similarities.copy()
    scores[0, 1] += 0.1  # 0 -> 2 crosses organisations
    scores[2, 0] += 0.3
    mirrored = with_reverse_candidates(TopK(indices, scores, similarities), organisations, bonuses)
    listed = {
        (row, int(other)): (float(score), float(sim))
        for row in range(4)
        for other, score, sim in zip(mirrored.indices[row], mirrored.scores[row], mirrored.similarities[row])
        if other >= 0
    }
    # Originals unchanged; new: 1 -> 2 (from 2 -> 1, orgs differ: row 1's bonus)
    # and 2 -> 0 (from 0 -> 2, row 2's bonus).
    assert listed == {
        (0, 1): (0.8, 0.8),
        (0, 2): (0.6, 0.5),
        (1, 0): (0.8, 0.8),
        (2, 1): (0.6, 0.3),
        (1, 2): (pytest.approx(0.5), 0.3),
        (2, 0): (pytest.approx(0.8), 0.5),
    }


def test_reverse_candidates_keep_at_most_the_list_width_best_first():
    from matching.suggestions.allocation import with_reverse_candidates

    # Rows 1..5 all list row 0, which lists only row 1: row 0 gains at most 1 reverse candidate (width 1).
    indices = np.array([[1], [0], [0], [0], [0], [0]], np.int32)
    similarities = np.array([[0.9], [0.9], [0.2], [0.7], [0.5], [0.7]])
    mirrored = with_reverse_candidates(TopK(indices, similarities, similarities), np.full(6, -1))
    assert mirrored.indices[0].tolist() == [1, 3]  # the best missing one; the tie 3 vs 5 goes to the lower row
    assert mirrored.indices.shape == (6, 2)
    assert (mirrored.indices[1:, 1] == -1).all()


def test_reverse_candidates_on_empty_lists_and_bad_organisations():
    from matching.suggestions.allocation import with_reverse_candidates

    empty = candidates(np.full((3, 2), -1), np.zeros((3, 2)))
    assert with_reverse_candidates(empty, np.zeros(3)).indices.tolist() == empty.indices.tolist()
    with pytest.raises(ValueError, match="organisation_ids"):
        with_reverse_candidates(empty, np.zeros(2))


def test_candidate_rows_out_of_range_are_rejected():
    with pytest.raises(ValueError, match="row index"):
        allocate(candidates([[1], [2]], [[0.5], [0.5]]), 1, 1)
    with pytest.raises(ValueError, match="row index"):
        allocate(candidates([[1], [-2]], [[0.5], [0.5]]), 1, 1)
