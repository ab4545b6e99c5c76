"""Offline matching quality on three differently built networks with known latent interest groups.

Networks (matching/suggestions/networks.py):
  ours            the engine's own generator (matching/suggestions/synthetic.py)
  paraphrased     the same work focus in many words (inflections, compounds, abbreviations, synonyms,
                  some English), noisy tags shared between neighbouring topics, generic words everywhere
  sparse_english  little text, many English profiles, few tags
Each with replies, likes, mentions and PMs drawn from the latent groups (with noise and colleagues).

Methods, all under the same eligibility, exclusions, organisation rule, bonus and even-exposure allocation:
  engine          full profiles with block weights calibrated on the network's interactions
  engine_default  full profiles with the default weights
  sklearn_tfidf   scikit-learn TfidfVectorizer over all of a member's text (and tags), cosine top-k
  tags_only       profiles from tags alone
  random          random allowed partners
Figures: precision@k against the latent groups (over all eligible members; a missing suggestion is a
miss), hit rate, cross-organisation share, coverage, exposure Gini, maximum exposure, rule violations
and repeats inside the cooldown (must be zero), and the calibrated weights per network.

Usage: .venv/bin/python benchmarks/matching_quality.py [--members 2000] [--seeds 0,1,2] [--networks ours,paraphrased]
       [--org-mode prefer_other] [--hub-cap N] [--other-org-bonus X] [--allocation-sizes 3000,100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.suggestions.allocation import allocate, with_reverse_candidates
from matching.suggestions.evaluation import METHODS, evaluate
from matching.suggestions.metrics import gini
from matching.suggestions.networks import ours_network, paraphrased_network, sparse_english_network
from matching.suggestions.rules import RuleSet, default_rules
from matching.suggestions.similarity import TopK

NETWORKS = {"ours": ours_network, "paraphrased": paraphrased_network, "sparse_english": sparse_english_network}
COLUMNS = ["precision", "hit_rate", "cross_org", "coverage", "gini", "max_exp", "violations", "repeats"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--organisations", type=int, default=12)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--networks", default=",".join(NETWORKS), help="Which networks: " + ", ".join(NETWORKS))
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
    seeds = [int(s) for s in args.seeds.split(",")]
    print(
        f"{args.members} members, {args.organisations} organisations, seeds {args.seeds}, org_mode={args.org_mode}, "
        f"k={rules.suggestions_per_member}, hub_cap={rules.hub_cap}; means over seeds; every method under the same "
        "eligibility, exclusions, organisation rule, bonus and even-exposure allocation"
    )
    failures = []
    for name in args.networks.split(","):
        totals: dict[str, list[dict[str, float]]] = {method: [] for method in METHODS}
        weights: list[dict[str, float]] = []
        held: list[tuple[float, float]] = []
        start = time.perf_counter()
        for seed in seeds:
            network = NETWORKS[name](args.members, seed=seed, n_organisations=args.organisations)
            results, calibration = evaluate(network, rules, seed)
            for method, figures in results.items():
                totals[method].append(figures)
            weights.append(calibration.after)
            held.append((calibration.held_out_precision_before, calibration.held_out_precision_after))
        seconds = time.perf_counter() - start
        print(f"\n## network {name} ({seconds:.1f} s for {len(seeds)} seeds)")
        print(f"{'method':<15}" + "".join(f"{c:>11}" for c in COLUMNS))
        means = {}
        for method, rows in totals.items():
            means[method] = {c: float(np.mean([r[c] for r in rows])) for c in COLUMNS}
            values = "".join(
                f"{means[method][c]:>11.0f}"
                if c in {"max_exp", "violations", "repeats"}
                else f"{means[method][c]:>11.3f}"
                for c in COLUMNS
            )
            print(f"{method:<15}{values}")
        mean_weights = {key.removeprefix("weight_"): float(np.mean([w[key] for w in weights])) for key in weights[0]}
        print(
            "calibrated weights (mean over seeds): "
            + ", ".join(f"{key} {value:.2f}" for key, value in mean_weights.items())
            + f"; held-out precision@3 of interactions {np.mean([h[0] for h in held]):.3f} with the defaults, "
            f"{np.mean([h[1] for h in held]):.3f} calibrated"
        )
        engine = means["engine"]["precision"]
        beaten = [b for b in ("sklearn_tfidf", "tags_only", "random") if engine > means[b]["precision"] + 1e-9]
        broken = sum(means[m]["violations"] + means[m]["repeats"] for m in METHODS)
        verdict = "engine wins on precision@3 against " + ", ".join(beaten)
        if len(beaten) < 3:
            failures.append(name)
            verdict = "ENGINE DOES NOT WIN: only against " + (", ".join(beaten) or "none")
        print(f"{verdict}; violations and repeats inside cooldown, all methods: {broken:.0f}")
    print(
        "\nall networks: "
        + ("engine wins on every network" if not failures else "NOT winning on " + ", ".join(failures))
    )
    for size in (int(s) for s in args.allocation_sizes.split(",") if s):
        print(allocation_timing(size, rules))


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
