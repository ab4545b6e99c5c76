"""A member's suggestions are ranked by the score they are shown: rank 2 never scores higher than rank 1."""

from __future__ import annotations

import pytest

from matching.suggestions.engine import Suggestion, rank_by_score, run_matching
from matching.suggestions.rules import default_rules
from matching.suggestions.synthetic import generate_network


def test_rank_by_score_reorders_within_each_member():
    picks = [
        Suggestion(1, 10, 0.2, 1, (), None),
        Suggestion(1, 11, 0.6, 2, (), None),
        Suggestion(2, 10, 0.5, 1, (), None),
    ]
    ranked = rank_by_score(picks)
    assert [(s.member_id, s.suggested_id, s.rank) for s in ranked] == [(1, 11, 1), (1, 10, 2), (2, 10, 1)]


@pytest.mark.parametrize("seed", range(4))
def test_engine_ranks_follow_scores_with_bonuses_and_exploration(seed):
    network = generate_network(160, seed=seed)
    rules = default_rules().replace(org_mode="prefer_other", suggestions_per_member=3, exploration=0.5)
    result = run_matching(network.profiles, network.statuses, rules, network.history, network.today, seed)
    for picks in result.by_member().values():
        assert [p.rank for p in picks] == list(range(1, len(picks) + 1))
        scores = [p.score for p in picks]
        assert scores == sorted(scores, reverse=True)
