"""Tests for allocation: k per member, hub cap, greedy order, exploration and determinism."""

import numpy as np
import pytest

from matching.allocation import allocate
from matching.similarity import TopK


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
    from matching.metrics import gini

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
