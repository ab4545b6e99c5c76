"""Offline quality metrics of a matching run and a diff of two runs' outcomes for dry runs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from matching.suggestions.engine import EngineResult

Pair = tuple[int, int]


def precision_at_k(pairs: Iterable[Pair], truth: Mapping[int, frozenset[int]], k: int, members: Sequence[int]) -> float:
    """Mean over `members` of (suggestions sharing a latent group with them) / k; missing ones count as misses."""
    if not members:
        return 0.0
    hits = dict.fromkeys(members, 0)
    for member, other in pairs:
        if member in hits and truth.get(member, frozenset()) & truth.get(other, frozenset()):
            hits[member] += 1
    return float(np.mean([min(count, k) / k for count in hits.values()]))


def hit_rate(pairs: Iterable[Pair], truth: Mapping[int, frozenset[int]]) -> float:
    """Share of the suggestions actually made whose two members share a latent group."""
    flags = [bool(truth.get(a, frozenset()) & truth.get(b, frozenset())) for a, b in pairs]
    return float(np.mean(flags)) if flags else 0.0


def cross_org_share(pairs: Iterable[Pair], organisations: Mapping[int, int | None]) -> float:
    """Share of suggestions whose two members belong to different (or unknown) organisations."""
    flags = [_different(organisations.get(a), organisations.get(b)) for a, b in pairs]
    return float(np.mean(flags)) if flags else 0.0


def coverage(pairs: Iterable[Pair], eligible: Sequence[int], k: int) -> float:
    """Share of eligible members who received k suggestions."""
    if not eligible:
        return 0.0
    counts: dict[int, int] = {}
    for member, _ in pairs:
        counts[member] = counts.get(member, 0) + 1
    return sum(counts.get(member, 0) >= k for member in eligible) / len(eligible)


def exposure_counts(pairs: Iterable[Pair], eligible: Sequence[int]) -> np.ndarray:
    """How often each eligible member was suggested, in the order of `eligible`."""
    counts = dict.fromkeys(eligible, 0)
    for _, other in pairs:
        if other in counts:
            counts[other] += 1
    return np.array([counts[member] for member in eligible], dtype=np.int64)


def gini(values: Sequence[float] | np.ndarray) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal, near 1 when one holds everything."""
    array = np.sort(np.asarray(values, dtype=np.float64))
    if array.size == 0 or array.sum() == 0:
        return 0.0
    if (array < 0).any():
        raise ValueError("gini needs non-negative values")
    n = array.size
    weights = 2 * np.arange(1, n + 1) - n - 1
    return float((weights * array).sum() / (n * array.sum()))


def max_exposure(pairs: Iterable[Pair]) -> int:
    """The largest number of times one member was suggested."""
    counts: dict[int, int] = {}
    for _, other in pairs:
        counts[other] = counts.get(other, 0) + 1
    return max(counts.values(), default=0)


@dataclass(frozen=True)
class RunSummary:
    """Headline figures of one run for the admin pages."""

    eligible: int
    members_with_suggestions: int
    suggestions: int
    coverage: float
    cross_org_share: float
    max_exposure: int
    exposure_gini: float
    mean_score: float


def summarise(result: EngineResult) -> RunSummary:
    """The headline figures of one engine result."""
    pairs = sorted(result.pairs())
    eligible = list(result.eligible_ids)
    return RunSummary(
        eligible=len(eligible),
        members_with_suggestions=len({member for member, _ in pairs}),
        suggestions=len(pairs),
        coverage=coverage(pairs, eligible, result.rules.suggestions_per_member),
        cross_org_share=cross_org_share(pairs, result.organisations),
        max_exposure=max_exposure(pairs),
        exposure_gini=gini(exposure_counts(pairs, eligible)),
        mean_score=float(np.mean([s.score for s in result.suggestions])) if result.suggestions else 0.0,
    )


@dataclass(frozen=True)
class ResultDiff:
    """How two runs (e.g. current rules and a dry run of new ones) differ in outcome."""

    before: RunSummary
    after: RunSummary
    pairs_added: tuple[Pair, ...]
    pairs_removed: tuple[Pair, ...]
    members_gaining: tuple[int, ...]
    members_losing: tuple[int, ...]


def diff_results(before: EngineResult, after: EngineResult) -> ResultDiff:
    """Compare two runs: headline figures, pairs added and removed, members gaining or losing all suggestions."""
    before_pairs, after_pairs = before.pairs(), after.pairs()
    before_members = {member for member, _ in before_pairs}
    after_members = {member for member, _ in after_pairs}
    return ResultDiff(
        before=summarise(before),
        after=summarise(after),
        pairs_added=tuple(sorted(after_pairs - before_pairs)),
        pairs_removed=tuple(sorted(before_pairs - after_pairs)),
        members_gaining=tuple(sorted(after_members - before_members)),
        members_losing=tuple(sorted(before_members - after_members)),
    )


def _different(a: int | None, b: int | None) -> bool:
    # An unknown organisation counts as different, as in the engine's organisation rule.
    return a is None or b is None or a != b
