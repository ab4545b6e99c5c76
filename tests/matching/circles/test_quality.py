"""Quality of circle formation against the random and plain greedy baselines on seeded data."""

import pytest

from matching.circles.formation import (
    FormationSettings,
    check_hard_constraints,
    form_circles,
    greedy_assignment,
    max_mean_distinct_orgs,
    random_assignment,
)
from matching.circles.synthetic import synthetic_signups

FIGURES = ("mean_similarity", "mean_distinct_orgs", "share_available")


def _compare(n: int, seed: int, with_signups: bool = False):
    signups = synthetic_signups(n, seed)
    settings = FormationSettings(seed=seed)
    results = {
        "formed": form_circles(signups, settings),
        "greedy": greedy_assignment(signups, settings),
        "random": random_assignment(signups, settings),
    }
    for name, formation in results.items():
        assert check_hard_constraints(formation, signups, settings) == [], name
    figures = {name: formation.figures for name, formation in results.items()}
    return (figures, signups) if with_signups else figures


@pytest.mark.parametrize("seed", range(5))
def test_beats_baselines_at_60_signups(seed):
    figures, signups = _compare(60, seed, with_signups=True)
    formed = figures["formed"]
    # Share available has its maximum at 1.0; distinct organisations per circle at the ceiling for the
    # formation's circle count (no formation with as many circles can do better on that figure).
    ceiling = {"share_available": 1.0, "mean_distinct_orgs": max_mean_distinct_orgs(signups, formed.circles)}
    for baseline in ("greedy", "random"):
        other = figures[baseline]
        assert formed.placed >= other.placed, baseline
        for name in FIGURES:
            ours, theirs = getattr(formed, name), getattr(other, name)
            at_ceiling = name in ceiling and ours == pytest.approx(ceiling[name])
            if ours > theirs:
                continue
            if at_ceiling and theirs == pytest.approx(ours):
                continue  # a tie, both at the maximum
            # The random baseline drops circles that break a rule, so its per-circle mean counts only the
            # circles it kept; with fewer circles and fewer members placed it can exceed the ceiling of a
            # formation that places more members (seed 4: 4.125 over 8 circles and 50 members placed
            # against at most 4.10 over the 10 circles that place all 60).
            fewer = other.circles < formed.circles and other.placed < formed.placed
            assert baseline == "random" and name == "mean_distinct_orgs" and at_ceiling and fewer, (
                baseline,
                name,
                ours,
                theirs,
            )


@pytest.mark.parametrize("seed", range(5))
def test_beats_baselines_on_every_figure_at_300_signups(seed):
    figures = _compare(300, seed)
    formed = figures["formed"]
    for baseline in ("greedy", "random"):
        other = figures[baseline]
        for name in FIGURES:
            assert getattr(formed, name) > getattr(other, name), (baseline, name)
        assert formed.placed >= other.placed, baseline
