"""Benchmark: evaluate all default badge rules over 10,000 members and 500,000 interactions (target: under 10 s)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

# Run as a script, this folder comes first on sys.path and its matching.py would shadow the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching.badges.rules import DEFAULT_BADGES, Interaction, evaluate


def synthetic_graph(
    members: int, interactions: int, seed: int
) -> tuple[dict[int, int | None], set[int], list[Interaction]]:
    """Members in Zipf-sized organisations and a mix of replies, likes, PMs, meetings and accepted suggestions."""
    rng = np.random.default_rng(seed)
    orgs = 60
    weights = 1.0 / np.arange(1, orgs + 1) ** 1.1
    member_org = rng.choice(orgs, size=members, p=weights / weights.sum())
    no_org = rng.random(members) < 0.03
    organisation = {i: (None if no_org[i] else int(member_org[i])) for i in range(members)}
    deleted = set(rng.choice(members, size=members // 100, replace=False).tolist())
    kinds = np.array(["reply", "like", "pm", "meeting_attended", "meeting_hosted", "suggestion_accepted"])
    kind = rng.choice(len(kinds), size=interactions, p=[0.4, 0.4, 0.05, 0.1, 0.02, 0.03])
    actor = rng.integers(0, members, interactions)
    target = rng.integers(0, members, interactions)
    minutes = np.sort(rng.integers(0, 365 * 24 * 60, interactions))
    circle = rng.integers(0, members // 6, interactions)
    meeting = circle * 10 + rng.integers(0, 6, interactions)
    start = datetime(2026, 1, 1)
    items = []
    for i in range(interactions):
        name = kinds[kind[i]]
        at = start + timedelta(minutes=int(minutes[i]))
        if name in ("meeting_attended", "meeting_hosted"):
            items.append(
                Interaction(str(name), int(actor[i]), None, at, circle_id=int(circle[i]), meeting_id=int(meeting[i]))
            )
        else:
            items.append(Interaction(str(name), int(actor[i]), int(target[i]), at, post_id=i, url=f"/p/{i}"))
    return organisation, deleted, items


def main() -> None:
    """Print generation time, evaluation time and award counts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    members, deleted, items = synthetic_graph(args.members, args.interactions, args.seed)
    print(f"generated {len(members):,} members, {len(items):,} interactions in {time.perf_counter() - started:.1f} s")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = evaluate(list(DEFAULT_BADGES), members, deleted, items)
        times.append(time.perf_counter() - started)
    print(
        f"evaluate all {len(DEFAULT_BADGES)} rules: median {sorted(times)[len(times) // 2]:.2f} s over "
        f"{args.runs} runs "
        f"(min {min(times):.2f} s, max {max(times):.2f} s); target < 10 s"
    )
    counts: dict[str, int] = {}
    for award in result.awards:
        counts[award.badge_key] = counts.get(award.badge_key, 0) + 1
    for key, count in sorted(counts.items()):
        print(f"  {key:32s} {count:7,d} awards")
    print(f"  progress rows: {sum(len(p) for p in result.progress.values()):,}")


if __name__ == "__main__":
    main()
