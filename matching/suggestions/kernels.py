"""Compiled (numba) kernels behind `similarity.top_k`: the upper half of the symmetric product, scored for both rows."""

from __future__ import annotations

import numba
import numpy as np

# Organisation modes as the kernels see them (values of matching.suggestions.similarity.OrgMode).
_PREFER_OTHER = 1
_REQUIRE_OTHER = 2


@numba.njit(cache=True, nogil=True, inline="always")
def _push(scores, similarities, indices, counts, thresholds, worker, row, k, score, similarity, candidate):
    """Insert one candidate into a row's sorted list; the caller ensures it beats the current k-th.

    Candidates reach a list in ascending index order, so an equal score already kept stays ahead.
    """
    found = counts[worker, row]
    if found == k:
        slot = k - 1
    else:
        slot = found
        found += 1
        counts[worker, row] = found
    while slot > 0 and scores[worker, row, slot - 1] < score:
        scores[worker, row, slot] = scores[worker, row, slot - 1]
        similarities[worker, row, slot] = similarities[worker, row, slot - 1]
        indices[worker, row, slot] = indices[worker, row, slot - 1]
        slot -= 1
    scores[worker, row, slot] = score
    similarities[worker, row, slot] = similarity
    indices[worker, row, slot] = candidate
    if found == k:
        thresholds[worker, row] = scores[worker, row, k - 1]


@numba.njit(cache=True, nogil=True, inline="always")
def _lookup_factor(f_indptr, f_indices, f_values, row, column):
    """The pair factor of (row, column) by binary search in the row's sorted partners, 1.0 when absent."""
    low = f_indptr[row]
    high = f_indptr[row + 1]
    while low < high:
        middle = (low + high) // 2
        if f_indices[middle] < column:
            low = middle + 1
        else:
            high = middle
    if low < f_indptr[row + 1] and f_indices[low] == column:
        return f_values[low]
    return 1.0


@numba.njit(parallel=True, cache=True, nogil=True)
def upper_half_top_k(
    indptr,
    indices,
    data,
    t_indptr,
    t_indices,
    t_data,
    organisations,
    org_mode,
    bonus,
    min_score,
    k,
    f_indptr,
    f_indices,
    f_values,
    symmetric_factors,
    n_workers,
):  # pragma: no cover - compiled; covered through top_k against top_k_reference
    """Exact top-k of every row, scoring each pair (row < other) once and offering it to both rows.

    `t_indices` (column indices of the transposed matrix) must be unsigned (uint32).

    Worker w takes rows w, w + n_workers, ... in ascending order and keeps its own sorted list per row,
    so no two threads write the same list; the lists of all workers are merged at the end by
    (higher score, lower index). Because every list receives candidates in ascending index order,
    "strictly better than the k-th" is the exact tie-break inside one worker.
    The dot product of a pair is summed in ascending feature order from the upper row's side, which is
    bit for bit the sum the lower row would compute: the pair has one similarity in both directions.
    """
    n = indptr.size - 1
    heap_scores = np.zeros((n_workers, n, k), np.float64)
    heap_similarities = np.zeros((n_workers, n, k), np.float64)
    heap_indices = np.full((n_workers, n, k), -1, np.int32)
    counts = np.zeros((n_workers, n), np.int32)
    thresholds = np.full((n_workers, n), -np.inf)
    # The bonus a row can add to a candidate's score: zero unless other organisations are preferred.
    bonuses = np.zeros(n, np.float64)
    if org_mode == _PREFER_OTHER:
        bonuses[:] = bonus
    for worker in numba.prange(n_workers):
        accumulator = np.zeros(n, np.float64)
        factor = np.ones(n, np.float64)
        # Per feature, the first position in its column past the rows this worker has already done.
        cursor = t_indptr[:-1].copy()
        worker_thresholds = thresholds[worker]
        for row in range(worker, n, n_workers):
            low = n
            high = -1
            for p in range(indptr[row], indptr[row + 1]):
                feature = indices[p]
                value = np.float64(data[p])
                start = cursor[feature]
                stop = t_indptr[feature + 1]
                while start < stop and t_indices[start] <= row:
                    start += 1
                cursor[feature] = start
                if start < stop:
                    low = min(low, t_indices[start])
                    high = max(high, t_indices[stop - 1])
                # Unsigned positions and column indices spare numba's negative-index handling in the hot loops.
                for q in range(np.uint64(start), np.uint64(stop)):
                    accumulator[t_indices[q]] += value * t_data[q]
            for p in range(f_indptr[row], f_indptr[row + 1]):
                factor[f_indices[p]] = f_values[p]
            own_org = organisations[row]
            row_bonus = bonuses[row]
            row_threshold = thresholds[worker, row]
            for position in range(np.uint64(low), np.uint64(high + 1)):
                raw = accumulator[position]
                accumulator[position] = 0.0
                # Factors are at most 1, so raw + bonus caps the score on either side: most pairs stop here.
                # No test for raw == 0 in this loop (an unpredictable branch); such pairs fail "similarity > 0" below.
                for_row = raw + row_bonus > row_threshold
                for_other = raw + bonuses[position] > worker_thresholds[position]
                if not (for_row | for_other):
                    continue
                other = np.int64(position)
                same = own_org >= 0 and organisations[other] == own_org
                if same and org_mode == _REQUIRE_OTHER:
                    continue
                if for_row:
                    similarity = raw * factor[other]
                    if factor[other] >= 0.0 and similarity > 0.0 and similarity >= min_score:
                        score = similarity if same else similarity + row_bonus
                        if score > row_threshold:
                            _push(
                                heap_scores,
                                heap_similarities,
                                heap_indices,
                                counts,
                                thresholds,
                                worker,
                                row,
                                k,
                                score,
                                similarity,
                                other,
                            )
                            row_threshold = thresholds[worker, row]
                if for_other:
                    if symmetric_factors:
                        pair_factor = factor[other]
                    else:
                        pair_factor = _lookup_factor(f_indptr, f_indices, f_values, other, row)
                    similarity = raw * pair_factor
                    if pair_factor >= 0.0 and similarity > 0.0 and similarity >= min_score:
                        score = similarity if same else similarity + bonuses[other]
                        if score > thresholds[worker, other]:
                            _push(
                                heap_scores,
                                heap_similarities,
                                heap_indices,
                                counts,
                                thresholds,
                                worker,
                                other,
                                k,
                                score,
                                similarity,
                                row,
                            )
            for p in range(f_indptr[row], f_indptr[row + 1]):
                factor[f_indices[p]] = 1.0
    return _merge(heap_scores, heap_similarities, heap_indices, counts)


@numba.njit(parallel=True, cache=True, nogil=True)
def _merge(heap_scores, heap_similarities, heap_indices, counts):  # pragma: no cover - compiled
    """The k best of every row across all workers' lists, by higher score, then lower index."""
    n_workers, n, k = heap_scores.shape
    out_indices = np.full((n, k), -1, np.int32)
    out_scores = np.zeros((n, k), np.float64)
    out_similarities = np.zeros((n, k), np.float64)
    for row in numba.prange(n):
        heads = np.zeros(n_workers, np.int64)
        for slot in range(k):
            best = -1
            for worker in range(n_workers):
                head = heads[worker]
                if head >= counts[worker, row]:
                    continue
                if best < 0:
                    best = worker
                    continue
                score = heap_scores[worker, row, head]
                best_score = heap_scores[best, row, heads[best]]
                if score > best_score or (
                    score == best_score and heap_indices[worker, row, head] < heap_indices[best, row, heads[best]]
                ):
                    best = worker
            if best < 0:
                break
            head = heads[best]
            out_indices[row, slot] = heap_indices[best, row, head]
            out_scores[row, slot] = heap_scores[best, row, head]
            out_similarities[row, slot] = heap_similarities[best, row, head]
            heads[best] = head + 1
    return out_indices, out_scores, out_similarities
