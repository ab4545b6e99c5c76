"""Allocation of k suggestions per member from ranked candidates, with a hub cap and a little exploration."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from matching.similarity import TopK


@dataclass(frozen=True)
class Allocation:
    """Chosen pairs as parallel arrays: receiver row, suggested row, ranking score, similarity, rank from 1."""

    receivers: np.ndarray
    suggested: np.ndarray
    scores: np.ndarray
    similarities: np.ndarray
    ranks: np.ndarray


def allocate(
    candidates: TopK, k: int, hub_cap: int, exploration: float = 0.0, seed: int = 0, spread: bool = True
) -> Allocation:
    """Greedily give each row up to k candidates, best pairs first, never suggesting a row more than hub_cap times.

    With `spread`, a first pass lets nobody be suggested more than k times (the average when everyone
    gets k), so members further down many lists get seen; a second pass fills the remaining slots up to
    the hub cap.

    Exploration multiplies each pair's ranking score by (1 + exploration * u) with u uniform in [0, 1) from
    the seed, so nearly equal candidates change places between runs while clearly better ones stay ahead.
    """
    if k < 1 or hub_cap < 1:
        raise ValueError("k and hub_cap must be at least 1")
    if not 0.0 <= exploration <= 1.0:
        raise ValueError("exploration must be within 0..1")
    n, width = candidates.indices.shape
    receivers = np.repeat(np.arange(n, dtype=np.int64), width)
    suggested = candidates.indices.reshape(-1).astype(np.int64)
    scores = candidates.scores.reshape(-1)
    similarities = candidates.similarities.reshape(-1)
    valid = suggested >= 0
    receivers, suggested, scores, similarities = receivers[valid], suggested[valid], scores[valid], similarities[valid]
    noise = np.random.default_rng(seed).random(scores.size)
    keys = scores * (1.0 + exploration * noise)
    # Best key first; equal keys by receiver, then suggested row, so the result never depends on sort stability.
    order = np.lexsort((suggested, receivers, -keys))
    chosen = _greedy(receivers[order], suggested[order], n, k, hub_cap, min(k, hub_cap) if spread else hub_cap)
    picked = order[chosen]
    receivers, suggested = receivers[picked], suggested[picked]
    scores, similarities, keys = scores[picked], similarities[picked], keys[picked]
    # Present each receiver's list by its exploration key, the order in which the greedy pass chose them.
    final = np.lexsort((suggested, -keys, receivers))
    receivers, suggested, scores, similarities = receivers[final], suggested[final], scores[final], similarities[final]
    ranks = _ranks(receivers)
    return Allocation(receivers, suggested, scores, similarities, ranks)


@numba.njit(cache=True)
def _greedy(receivers, suggested, n, k, hub_cap, first_cap):  # pragma: no cover - compiled; covered through allocate
    given = np.zeros(n, np.int64)
    exposure = np.zeros(n, np.int64)
    chosen = np.zeros(receivers.size, np.bool_)
    for cap in (first_cap, hub_cap):
        for p in range(receivers.size):
            receiver = receivers[p]
            other = suggested[p]
            if not chosen[p] and given[receiver] < k and exposure[other] < cap:
                chosen[p] = True
                given[receiver] += 1
                exposure[other] += 1
    return np.flatnonzero(chosen)


def _ranks(receivers: np.ndarray) -> np.ndarray:
    """1-based position of each entry within its run of equal, sorted receivers."""
    if receivers.size == 0:
        return np.zeros(0, np.int64)
    starts = np.ones(receivers.size, dtype=bool)
    starts[1:] = receivers[1:] != receivers[:-1]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(receivers.size), 0))
    return np.arange(receivers.size) - run_start + 1
