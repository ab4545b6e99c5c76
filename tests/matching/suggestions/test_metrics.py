"""Tests for the offline metrics and the diff of two runs."""

from datetime import date

import numpy as np
import pytest

from matching.suggestions.engine import MemberStatus, run_matching
from matching.suggestions.metrics import (
    coverage,
    cross_org_share,
    diff_results,
    exposure_counts,
    gini,
    hit_rate,
    max_exposure,
    precision_at_k,
    summarise,
)
from matching.suggestions.profiles import MemberProfileInput
from matching.suggestions.rules import default_rules


def test_precision_at_k_counts_missing_suggestions_as_misses():
    truth = {1: frozenset({0}), 2: frozenset({0}), 3: frozenset({1}), 4: frozenset({0, 1})}
    pairs = [(1, 2), (1, 3), (3, 4), (2, 3)]
    # k=2: member 1 has 1 hit, member 3 has 1, member 2 has 0, member 4 got nothing.
    assert precision_at_k(pairs, truth, 2, [1, 2, 3, 4]) == pytest.approx((0.5 + 0.0 + 0.5 + 0.0) / 4)
    assert precision_at_k(pairs, truth, 1, [1, 3]) == pytest.approx(1.0)
    assert precision_at_k([], truth, 3, [1, 2]) == 0.0
    assert precision_at_k(pairs, truth, 3, []) == 0.0
    assert precision_at_k([(9, 8)], truth, 1, [9]) == 0.0


def test_hit_rate_is_the_share_of_relevant_suggestions_made():
    truth = {1: frozenset({0}), 2: frozenset({0}), 3: frozenset({1})}
    assert hit_rate([(1, 2), (1, 3), (2, 1), (3, 2)], truth) == pytest.approx(0.5)
    assert hit_rate([], truth) == 0.0


def test_cross_org_share_counts_unknown_as_different():
    organisations = {1: 10, 2: 10, 3: 20, 4: None}
    assert cross_org_share([(1, 2), (1, 3), (1, 4), (2, 1)], organisations) == pytest.approx(0.5)
    assert cross_org_share([], organisations) == 0.0


def test_coverage():
    pairs = [(1, 2), (1, 3), (2, 1), (2, 3), (3, 1)]
    assert coverage(pairs, [1, 2, 3, 4], k=2) == pytest.approx(0.5)
    assert coverage(pairs, [], k=2) == 0.0


def test_exposure_counts_and_max():
    pairs = [(1, 2), (3, 2), (2, 1), (4, 9)]
    assert exposure_counts(pairs, [1, 2, 3]).tolist() == [1, 2, 0]
    assert max_exposure(pairs) == 2
    assert max_exposure([]) == 0


def test_gini():
    assert gini([3, 3, 3]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)
    assert gini([]) == 0.0
    assert gini([0, 0]) == 0.0
    assert 0 < gini(np.array([1, 2, 3, 10])) < 1
    with pytest.raises(ValueError):
        gini([-1, 2])


def _members():
    bios = ["Scrum Kanban", "Scrum Kanban Retro", "Kanban Lean", "Lean Prozesse", "Prozesse Scrum"]
    return [MemberProfileInput(i + 1, (i % 2) + 1, bio=bio, tags=["agil"]) for i, bio in enumerate(bios)]


def test_summarise_and_diff_of_two_rule_sets():
    statuses = {i: MemberStatus(consented=True, last_seen=date(2025, 1, 1)) for i in range(1, 6)}
    today = date(2025, 1, 2)
    before = run_matching(_members(), statuses, default_rules().replace(org_mode="any", exploration=0.0), today=today)
    after = run_matching(
        _members(), statuses, default_rules().replace(org_mode="require_other", exploration=0.0), today=today
    )
    summary = summarise(after)
    assert summary.eligible == 5
    assert summary.cross_org_share == 1.0
    assert summary.suggestions == len(after.suggestions)
    assert summary.max_exposure <= 6
    diff = diff_results(before, after)
    assert set(diff.pairs_added) == after.pairs() - before.pairs()
    assert set(diff.pairs_removed) == before.pairs() - after.pairs()
    assert diff.pairs_removed, "requiring other organisations must remove same-organisation pairs"
    assert diff.before.cross_org_share < diff.after.cross_org_share
    assert diff.members_gaining == () and diff.members_losing == ()


def test_diff_reports_members_losing_all_suggestions():
    statuses = {i: MemberStatus(consented=True, last_seen=date(2025, 1, 1)) for i in range(1, 6)}
    today = date(2025, 1, 2)
    before = run_matching(_members(), statuses, default_rules(), today=today)
    after = run_matching(_members(), statuses, default_rules().replace(min_score=1.0), today=today)
    diff = diff_results(before, after)
    assert diff.members_losing == tuple(sorted({s.member_id for s in before.suggestions}))
    assert diff.after.mean_score == 0.0 and diff.after.suggestions == 0
