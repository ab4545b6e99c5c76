"""Offline matching quality on seeded synthetic networks with known latent interest groups.

Compares, in one run and under the same rules, allocation and hub cap:
  engine     the full profiles (text, fields, interests, tags, categories, titles, liked tags)
  tags_only  profiles from tags alone (all other block weights 0)
  random     random allowed partners (same eligibility, exclusions, organisation rule and hub cap)
Figures: precision@k against the latent groups (over all eligible members; a missing suggestion is a
miss), hit rate (share of the suggestions made that share a latent group), cross-organisation share,
coverage (share of eligible members with k suggestions), exposure Gini, maximum exposure, plus rule
violations and repeats inside the cooldown, which must be zero.

Usage: .venv/bin/python benchmarks/matching_quality.py [--members 3000] [--seeds 0,1,2] [--org-mode prefer_other]
       [--hub-cap N] [--other-org-bonus X] [--allocation-sizes 3000,100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.suggestions.allocation import allocate, with_reverse_candidates
from matching.suggestions.engine import EngineResult, Suggestion, exclusion_reason, pair_factors, run_matching
from matching.suggestions.metrics import (
    coverage,
    cross_org_share,
    exposure_counts,
    gini,
    hit_rate,
    max_exposure,
    precision_at_k,
)
from matching.suggestions.profiles import build_profiles
from matching.suggestions.rules import RuleSet, default_rules
from matching.suggestions.similarity import OrgMode, TopK
from matching.suggestions.synthetic import SyntheticNetwork, generate_network


def random_result(network: SyntheticNetwork, rules: RuleSet, seed: int) -> EngineResult:
    """Random allowed partners under the same eligibility, exclusions, organisation rule and hub cap."""
    today = network.today
    eligible = [
        p
        for p in network.profiles
        if exclusion_reason(p.member_id, network.statuses.get(p.member_id), rules, today) is None
    ]
    built = build_profiles(eligible, rules.block_weights(), rules.cold_start())
    factors = pair_factors(built, network.statuses, network.history, rules, today)
    rng = np.random.default_rng(seed)
    n, width = len(built), rules.candidates_per_member
    indices = np.full((n, width), -1, np.int32)
    scores = np.zeros((n, width))
    organisations = built.organisation_ids
    for row in range(n):
        others = rng.permutation(n)
        chosen = []
        for other in others:
            if other == row or factors.factor(row, int(other)) <= 0:
                continue
            same = organisations[row] >= 0 and organisations[other] == organisations[row]
            if same and rules.organisation_mode() == OrgMode.REQUIRE_OTHER:
                continue
            chosen.append(other)
            if len(chosen) == width:
                break
        indices[row, : len(chosen)] = chosen
        scores[row, : len(chosen)] = np.sort(rng.random(len(chosen)))[::-1]
    allocation = allocate(TopK(indices, scores, scores), rules.suggestions_per_member, rules.hub_cap, 0.0, seed)
    suggestions = tuple(
        Suggestion(int(built.member_ids[a]), int(built.member_ids[b]), float(s), int(r), (), None)
        for a, b, s, r in zip(allocation.receivers, allocation.suggested, allocation.similarities, allocation.ranks)
    )
    organisation_of = {int(m): (None if o < 0 else int(o)) for m, o in zip(built.member_ids, organisations)}
    return EngineResult(suggestions, tuple(int(m) for m in built.member_ids), {}, organisation_of, rules, seed, today)


def violations(result: EngineResult, network: SyntheticNetwork, rules: RuleSet) -> tuple[int, int]:
    """Rule violations and repeats inside the cooldown in one result."""
    cutoff = network.today - timedelta(weeks=rules.cooldown_weeks)
    recent = {frozenset((a, b)) for a, b, when in network.history.suggested if when > cutoff}
    never = {frozenset(p) for p in network.history.rejected} | {frozenset(p) for p in network.history.accepted}
    for member_id, status in network.statuses.items():
        never |= {frozenset((member_id, other)) for other in status.ignored_ids | status.muted_ids}
    eligible = set(result.eligible_ids)
    broken = repeats = 0
    for s in result.suggestions:
        pair = frozenset((s.member_id, s.suggested_id))
        repeats += pair in recent
        broken += pair in never or s.member_id == s.suggested_id
        broken += s.member_id not in eligible or s.suggested_id not in eligible
        if rules.org_mode == "require_other":
            broken += result.organisations[s.member_id] == result.organisations[s.suggested_id] is not None
    counts = result.exposure()
    broken += sum(count > rules.hub_cap for count in counts.values())
    broken += sum(len(v) > rules.suggestions_per_member for v in result.by_member().values())
    return broken, repeats


def figures(result: EngineResult, network: SyntheticNetwork, rules: RuleSet) -> dict[str, float]:
    pairs = sorted(result.pairs())
    eligible = list(result.eligible_ids)
    broken, repeats = violations(result, network, rules)
    return {
        "precision": precision_at_k(pairs, network.groups, rules.suggestions_per_member, eligible),
        "hit_rate": hit_rate(pairs, network.groups),
        "cross_org": cross_org_share(pairs, result.organisations),
        "coverage": coverage(pairs, eligible, rules.suggestions_per_member),
        "gini": gini(exposure_counts(pairs, eligible)),
        "max_exp": max_exposure(pairs),
        "violations": broken,
        "repeats": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--organisations", type=int, default=12)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--org-mode", default="prefer_other", choices=["any", "prefer_other", "require_other"])
    parser.add_argument(
        "--hub-cap",
        type=int,
        default=None,
        help="How often one member may be suggested per run (default: the rule default).",
    )
    parser.add_argument(
        "--other-org-bonus", type=float, default=None, help="Bonus for other organisations (default: the rule default)."
    )
    parser.add_argument(
        "--allocation-sizes",
        default="",
        help="Also time allocation alone on skewed random candidates, e.g. 3000,100000.",
    )
    args = parser.parse_args()
    overrides: dict[str, object] = {"org_mode": args.org_mode}
    if args.hub_cap:
        overrides["hub_cap"] = args.hub_cap
    if args.other_org_bonus is not None:
        overrides["other_org_bonus"] = args.other_org_bonus
    rules = default_rules().replace(**overrides)
    tags_only = rules.replace(
        weight_text=0.0,
        weight_fields=0.0,
        weight_interests=0.0,
        weight_categories=0.0,
        weight_titles=0.0,
        weight_liked_tags=0.0,
        cold_start_org_weight=0.0,
    )
    columns = ["precision", "hit_rate", "cross_org", "coverage", "gini", "max_exp", "violations", "repeats"]
    totals: dict[str, list[dict[str, float]]] = {"engine": [], "tags_only": [], "random": []}
    seconds: dict[str, float] = dict.fromkeys(totals, 0.0)
    for seed in (int(s) for s in args.seeds.split(",")):
        network = generate_network(args.members, seed=seed, n_organisations=args.organisations)
        for name in totals:
            start = time.perf_counter()
            if name == "random":
                result = random_result(network, rules, seed)
            else:
                chosen = rules if name == "engine" else tags_only
                result = run_matching(network.profiles, network.statuses, chosen, network.history, network.today, seed)
            seconds[name] += time.perf_counter() - start
            totals[name].append(figures(result, network, rules))
    print(
        f"{args.members} members, {args.organisations} organisations, seeds {args.seeds}, org_mode={args.org_mode}, "
        f"k={rules.suggestions_per_member}, hub_cap={rules.hub_cap} (means over seeds)"
    )
    print(f"{'method':<10}" + "".join(f"{c:>11}" for c in columns) + f"{'seconds':>9}")
    means = {}
    for name, rows in totals.items():
        means[name] = {c: float(np.mean([r[c] for r in rows])) for c in columns}
        values = "".join(
            f"{means[name][c]:>11.0f}" if c in {"max_exp", "violations", "repeats"} else f"{means[name][c]:>11.3f}"
            for c in columns
        )
        print(f"{name:<10}{values}{seconds[name] / len(rows):>9.2f}")
    k = rules.suggestions_per_member
    verdicts = [verdict(name, means, k) for name in ("precision", "cross_org", "coverage", "gini", "max_exp")]
    print("engine vs both baselines: " + "; ".join(verdicts))
    print(
        f"violations {int(sum(sum(r['violations'] for r in rows) for rows in totals.values()))}, "
        f"repeats inside cooldown {int(sum(sum(r['repeats'] for r in rows) for rows in totals.values()))}"
    )
    for size in (int(s) for s in args.allocation_sizes.split(",") if s):
        print(allocation_timing(size, rules))


# Where the best possible value is reached, a tie is as good as it gets: shares cannot exceed 1, Gini cannot
# go below 0, and when everyone gets k suggestions the maximum exposure cannot go below k (the average).
OPTIMUM = {"precision": 1.0, "cross_org": 1.0, "coverage": 1.0, "gini": 0.0, "max_exp": "k"}
HIGHER_IS_BETTER = {"precision": True, "cross_org": True, "coverage": True, "gini": False, "max_exp": False}


def verdict(column: str, means: dict[str, dict[str, float]], k: int) -> str:
    """'better', 'tie at optimum' or 'NOT better than ...' for the engine against both baselines on one figure."""
    engine = means["engine"][column]
    optimum = k if OPTIMUM[column] == "k" else OPTIMUM[column]
    ties = 0
    for baseline in ("tags_only", "random"):
        other = means[baseline][column]
        if (engine - other if HIGHER_IS_BETTER[column] else other - engine) > 1e-9:
            continue
        if optimum is not None and abs(engine - optimum) < 1e-9 and abs(other - optimum) < 1e-9:
            ties += 1
            continue
        return f"{column} NOT better than {baseline}"
    return f"{column} {'tie at optimum' if ties else 'better'}"


def allocation_timing(size: int, rules: RuleSet) -> str:
    """Seconds for one allocation on skewed random candidates (popularity ~ 1/rank), plain and with reverse lists."""
    rng = np.random.default_rng(size)
    width = rules.candidates_per_member
    popularity = 1.0 / np.arange(1, size + 1)
    cumulative = np.cumsum(popularity / popularity.sum())
    draws = np.minimum(np.searchsorted(cumulative, rng.random((size, 3 * width))), size - 1)
    indices = np.full((size, width), -1, np.int32)
    for row in range(size):
        unique = first_seen_unique(draws[row], row)[:width]
        indices[row, : unique.size] = unique
    scores = np.where(indices >= 0, np.sort(rng.random((size, width)), axis=1)[:, ::-1], 0.0)
    top = TopK(indices, scores, scores.copy())
    allocate(TopK(np.array([[1], [0]], np.int32), np.ones((2, 1)), np.ones((2, 1))), 1, 1)  # compile first
    start = time.perf_counter()
    plain = allocate(top, rules.suggestions_per_member, rules.hub_cap, rules.exploration, 0)
    plain_seconds = time.perf_counter() - start
    start = time.perf_counter()
    mirrored = with_reverse_candidates(top, np.full(size, -1))
    both = allocate(mirrored, rules.suggestions_per_member, rules.hub_cap, rules.exploration, 0)
    both_seconds = time.perf_counter() - start
    parts = []
    for name, result, seconds in (("top lists", plain, plain_seconds), ("with reverse", both, both_seconds)):
        counts = np.bincount(result.suggested, minlength=size)
        parts.append(f"{name} {seconds:.2f} s (Gini {gini(counts):.3f}, max {counts.max()})")
    return f"allocation of {size} skewed members x {width} candidates: " + ", ".join(parts)


def first_seen_unique(values: np.ndarray, exclude: int) -> np.ndarray:
    """Values in first-seen order without duplicates and without `exclude`."""
    _, first = np.unique(values, return_index=True)
    ordered = values[np.sort(first)]
    return ordered[ordered != exclude]


if __name__ == "__main__":
    main()
