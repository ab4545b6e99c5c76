"""Allocation of k suggestions per member from ranked candidates: even exposure under a hub cap, some exploration."""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from matching.suggestions.similarity import TopK


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
    """Give each row up to k of its candidates, suggesting nobody more than hub_cap times, exposure as even as possible.

    Without `spread` this is a plain greedy pass: best pairs first, a row is skipped once suggested
    hub_cap times.

    With `spread` (the default) it is a degree-constrained matching (b-matching): the greedy pass
    first lets nobody be suggested more than k times (the average when everyone gets k), then rows
    still short of k suggestions are filled along augmenting paths: a row with a full favourite takes it
    over while one of its current holders moves on to a lower-ranked candidate with room, possibly
    over several steps. Only where no such path exists does the cap rise one step at a time, up to
    hub_cap, so a member is suggested more than k times only when the candidate lists leave no
    alternative. Shortest paths go first, in phases (as Hopcroft-Karp / Dinic), each row trying its
    candidates best first, so few and well-ranked reassignments are made. The result is a maximum
    allocation under hub_cap whose peak exposure is the lowest any maximum allocation can have.

    Exploration multiplies each pair's ranking score by (1 + exploration * u) with u uniform in [0, 1) from
    the seed, so nearly equal candidates change places between runs while clearly better ones stay ahead.
    """
    if k < 1 or hub_cap < 1:
        raise ValueError("k and hub_cap must be at least 1")
    if not 0.0 <= exploration <= 1.0:
        raise ValueError("exploration must be within 0..1")
    n, width = candidates.indices.shape
    indices = candidates.indices.astype(np.int64)
    if indices.size and (indices.min() < -1 or indices.max() >= n):
        # The compiled passes index arrays by candidate row without bounds checks.
        raise ValueError("candidate indices must be -1 or a row index")
    valid = indices >= 0
    noise = np.random.default_rng(seed).random(int(valid.sum()))
    keys = np.full((n, width), -np.inf)
    keys[valid] = candidates.scores[valid] * (1.0 + exploration * noise)
    del noise
    # Each row's candidates best key first (ties: lower row index), missing candidates last.
    indices[~valid] = np.iinfo(np.int64).max
    del valid
    row_order = np.lexsort((indices, -keys), axis=1)
    indices = np.take_along_axis(indices, row_order, axis=1)
    indices[indices == np.iinfo(np.int64).max] = -1
    flat_keys = np.take_along_axis(keys, row_order, axis=1).reshape(-1)
    del keys
    flat_indices = indices.reshape(-1)
    positions = np.flatnonzero(flat_indices >= 0)
    # Global greedy order: best key first; equal keys by receiver, then suggested row. Positions already run
    # by receiver and, within a row, by (key, suggested row), so one stable sort on the key gives exactly that.
    greedy_order = positions[np.argsort(-flat_keys[positions], kind="stable")]
    del flat_keys, positions
    first_cap = min(k, hub_cap) if spread else hub_cap
    assigned = _greedy(flat_indices, greedy_order, n, width, k, first_cap)
    del greedy_order
    if spread:
        _repair(flat_indices, assigned, n, width, k, first_cap, hub_cap)
    picked = np.flatnonzero(assigned)
    # Rows are already in order and each row's candidates by key, so picked positions are the final order.
    out_receivers = picked // max(width, 1)
    out_suggested = flat_indices[picked]
    # Scores and similarities of the picked pairs only, read at their positions before the per-row sort.
    original = out_receivers * width + row_order.reshape(-1)[picked]
    out_scores = candidates.scores.reshape(-1)[original]
    out_similarities = candidates.similarities.reshape(-1)[original]
    return Allocation(out_receivers, out_suggested, out_scores, out_similarities, _ranks(out_receivers))


@numba.njit(cache=True)
def _greedy(indices, order, n, width, k, cap):  # pragma: no cover - compiled; covered through allocate
    """Take candidate positions in the given order while the receiver has room and the candidate is under cap."""
    given = np.zeros(n, np.int64)
    exposure = np.zeros(n, np.int64)
    assigned = np.zeros(indices.size, np.bool_)
    for p in order:
        receiver = p // width
        other = indices[p]
        if given[receiver] < k and exposure[other] < cap:
            assigned[p] = True
            given[receiver] += 1
            exposure[other] += 1
    return assigned


@numba.njit(cache=True)
def _repair(
    indices, assigned, n, width, k, first_cap, hub_cap
):  # pragma: no cover - compiled; covered through allocate
    """Fill rows short of k along augmenting paths, raising the exposure cap one step only when no path exists.

    Phases as in Hopcroft-Karp / Dinic: a breadth-first pass from all short rows at once labels the
    shortest alternating paths, then depth-first walks with per-vertex pointers apply many of them; a
    walk tries each row's candidates best first.
    """
    given = np.zeros(n, np.int64)
    exposure = np.zeros(n, np.int64)
    for p in range(indices.size):
        if assigned[p]:
            given[p // width] += 1
            exposure[indices[p]] += 1
    # Holders index: for every candidate row, the positions (receiver * width + slot) that name it.
    holder_start = np.zeros(n + 1, np.int64)
    for p in range(indices.size):
        if indices[p] >= 0:
            holder_start[indices[p] + 1] += 1
    for c in range(n):
        holder_start[c + 1] += holder_start[c]
    holders = np.empty(holder_start[n], np.int64)
    fill = holder_start[:n].copy()
    for p in range(indices.size):
        c = indices[p]
        if c >= 0:
            holders[fill[c]] = p
            fill[c] += 1
    receiver_layer = np.empty(n, np.int64)
    candidate_layer = np.empty(n, np.int64)
    receiver_next = np.empty(n, np.int64)  # next own slot to try
    holder_next = np.empty(n, np.int64)  # next holder position to try
    queue = np.empty(n, np.int64)
    path_rows = np.empty(n + 1, np.int64)
    path_taken = np.empty(n + 1, np.int64)  # position each path row takes
    path_released = np.empty(n + 1, np.int64)  # position each path row gives up (none for the root)
    for cap in range(first_cap, hub_cap + 1):
        while True:
            # Breadth-first layers from every short row; stop after the layer that reaches a candidate with room.
            receiver_layer[:] = -1
            candidate_layer[:] = -1
            tail = 0
            for r in range(n):
                if given[r] < k:
                    receiver_layer[r] = 0
                    queue[tail] = r
                    tail += 1
            head = 0
            limit = -1
            while head < tail:
                r = queue[head]
                head += 1
                layer = receiver_layer[r]
                if limit >= 0 and layer + 1 > limit:
                    break
                for slot in range(width):
                    p = r * width + slot
                    c = indices[p]
                    if c < 0:
                        break
                    if assigned[p] or candidate_layer[c] >= 0:
                        continue
                    candidate_layer[c] = layer + 1
                    if exposure[c] < cap:
                        limit = layer + 1
                    elif limit < 0:
                        for h in range(holder_start[c], holder_start[c + 1]):
                            q = holders[h]
                            holder = q // width
                            if assigned[q] and receiver_layer[holder] < 0:
                                receiver_layer[holder] = layer + 2
                                queue[tail] = holder
                                tail += 1
            if limit < 0:
                break
            receiver_next[:] = 0
            for c in range(n):
                holder_next[c] = holder_start[c]
            augmented = 0
            for root in range(n):
                while given[root] < k and receiver_layer[root] == 0:
                    # Depth-first walk along the layers with current-arc pointers (Dinic).
                    depth = 0
                    path_rows[0] = root
                    found = False
                    while depth >= 0 and not found:
                        r = path_rows[depth]
                        layer = receiver_layer[r]
                        descended = False
                        while receiver_next[r] < width:
                            p = r * width + receiver_next[r]
                            c = indices[p]
                            if c < 0:
                                receiver_next[r] = width
                                break
                            if assigned[p] or candidate_layer[c] != layer + 1:
                                receiver_next[r] += 1
                                continue
                            if layer + 1 == limit:
                                if exposure[c] < cap:
                                    path_taken[depth] = p
                                    found = True
                                    break
                                receiver_next[r] += 1
                                continue
                            while holder_next[c] < holder_start[c + 1]:
                                q = holders[holder_next[c]]
                                holder = q // width
                                if assigned[q] and receiver_layer[holder] == layer + 2:
                                    path_taken[depth] = p
                                    depth += 1
                                    path_rows[depth] = holder
                                    path_released[depth] = q
                                    descended = True
                                    break
                                holder_next[c] += 1
                            if descended:
                                break
                            receiver_next[r] += 1
                        if found or descended:
                            continue
                        # Dead end: this row leads nowhere in this phase.
                        receiver_layer[r] = -1
                        depth -= 1
                        if depth >= 0:
                            holder_next[indices[path_taken[depth]]] += 1
                    if not found:
                        break
                    for d in range(depth + 1):
                        assigned[path_taken[d]] = True
                        if d > 0:
                            assigned[path_released[d]] = False
                    exposure[indices[path_taken[depth]]] += 1
                    given[root] += 1
                    augmented += 1
            if augmented == 0:
                break


def _ranks(receivers: np.ndarray) -> np.ndarray:
    """1-based position of each entry within its run of equal, sorted receivers."""
    if receivers.size == 0:
        return np.zeros(0, np.int64)
    starts = np.ones(receivers.size, dtype=bool)
    starts[1:] = receivers[1:] != receivers[:-1]
    run_start = np.maximum.accumulate(np.where(starts, np.arange(receivers.size), 0))
    return np.arange(receivers.size) - run_start + 1


def with_reverse_candidates(
    candidates: TopK, organisation_ids: np.ndarray, other_org_bonus: np.ndarray | float = 0.0
) -> TopK:
    """Add b as a's candidate wherever a is b's candidate but not the other way round, best scores first.

    Only valid when the pair rules are symmetric (as the engine's are: similarity, pair factors and
    organisation rule do not depend on direction): a member in nobody's top list can then still be
    suggested to the members on its own list, so exposure can be even. A reverse candidate ranks by the
    same similarity plus the receiver's own other-organisation bonus (where organisations differ; -1 means
    unknown and differs from everyone), so it ranks behind the receiver's own top list. Each row keeps at
    most as many reverse candidates as it has list width.
    """
    n, width = candidates.indices.shape
    organisations = np.asarray(organisation_ids, dtype=np.int64)
    bonuses = np.broadcast_to(np.asarray(other_org_bonus, dtype=np.float64), (n,))
    if organisations.shape != (n,):
        raise ValueError("organisation_ids must have one entry per row")
    valid = candidates.indices >= 0
    rows = np.repeat(np.arange(n, dtype=np.int64), width).reshape(n, width)[valid]
    others = candidates.indices[valid].astype(np.int64)
    similarities = candidates.similarities[valid]
    forward = np.sort(rows * n + others)
    backward = others * n + rows
    found = np.searchsorted(forward, backward)
    missing = forward[np.minimum(found, max(forward.size - 1, 0))] != backward if forward.size else np.zeros(0, bool)
    new_rows, new_others, new_similarities = others[missing], rows[missing], similarities[missing]
    different = (organisations[new_rows] < 0) | (organisations[new_rows] != organisations[new_others])
    new_scores = new_similarities + np.where(different, bonuses[new_rows], 0.0)
    # Keep each row's best `width` reverse candidates (ties: lower row index), then place them after its list.
    order = np.lexsort((new_others, -new_scores, new_rows))
    new_rows, new_others = new_rows[order], new_others[order]
    new_scores, new_similarities = new_scores[order], new_similarities[order]
    slot = _ranks(new_rows) - 1 if new_rows.size else np.zeros(0, np.int64)
    keep = slot < width
    new_rows, new_others, slot = new_rows[keep], new_others[keep], slot[keep]
    new_scores, new_similarities = new_scores[keep], new_similarities[keep]
    extra = int(slot.max()) + 1 if slot.size else 0
    indices = np.full((n, width + extra), -1, dtype=candidates.indices.dtype)
    scores = np.zeros((n, width + extra))
    similarities_out = np.zeros((n, width + extra))
    indices[:, :width] = candidates.indices
    scores[:, :width] = candidates.scores
    similarities_out[:, :width] = candidates.similarities
    # Reverse candidates go into extra columns; allocate orders each row by score anyway.
    column = width + slot
    indices[new_rows, column] = new_others
    scores[new_rows, column] = new_scores
    similarities_out[new_rows, column] = new_similarities
    return TopK(indices, scores, similarities_out)
