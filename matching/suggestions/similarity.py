"""Exact top-k cosine candidates for every member, with organisation rules and pair exclusions inside the kernel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

import numba
import numpy as np
import scipy.sparse as sp

from matching.suggestions.kernels import upper_half_top_k

# A pair factor below zero removes the pair; 0..1 discounts its similarity.
EXCLUDED = -1.0


class OrgMode(IntEnum):
    """How the organisation of two members affects whether and how strongly they match."""

    ANY = 0
    PREFER_OTHER = 1
    REQUIRE_OTHER = 2


@dataclass(frozen=True)
class PairFactors:
    """Per-row pair factors (at most 1) in CSR layout: row i's partners are indices[indptr[i]:indptr[i+1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    factors: np.ndarray

    @classmethod
    def empty(cls, n: int) -> PairFactors:
        """No pair is excluded or discounted."""
        return cls(np.zeros(n + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float64))

    @classmethod
    def from_pairs(cls, n: int, pairs: Iterable[tuple[int, int, float]]) -> PairFactors:
        """Symmetric factors from (row, row, factor) triples; the smallest factor of a pair wins."""
        triples = [(a, b, f) for a, b, f in pairs if a != b]
        if not triples:
            return cls.empty(n)
        left = np.array([t[0] for t in triples], dtype=np.int64)
        right = np.array([t[1] for t in triples], dtype=np.int64)
        values = np.array([t[2] for t in triples], dtype=np.float64)
        if left.min() < 0 or right.min() < 0 or max(left.max(), right.max()) >= n:
            raise ValueError("pair row out of range")
        if values.max() > 1.0:
            raise ValueError("pair factors may only exclude or discount (factor <= 1)")
        rows = np.concatenate([left, right])
        cols = np.concatenate([right, left])
        values = np.concatenate([values, values])
        # Sort by row, column, factor so the first of each (row, column) group is the smallest factor.
        order = np.lexsort((values, cols, rows))
        rows, cols, values = rows[order], cols[order], values[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, values = rows[first], cols[first], values[first]
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return cls(indptr, cols.astype(np.int32), values)

    def factor(self, row: int, column: int) -> float:
        """The factor of one pair, 1.0 when the pair has none."""
        start, end = self.indptr[row], self.indptr[row + 1]
        hits = np.flatnonzero(self.indices[start:end] == column)
        return float(self.factors[start + hits[0]]) if hits.size else 1.0


@dataclass(frozen=True)
class TopK:
    """The k best candidates of every row: indices (-1 where fewer), ranking scores and similarities."""

    indices: np.ndarray
    scores: np.ndarray
    similarities: np.ndarray


def top_k(
    matrix: sp.csr_matrix,
    k: int,
    organisation_ids: np.ndarray | None = None,
    org_mode: OrgMode = OrgMode.ANY,
    other_org_bonus: float | np.ndarray = 0.0,
    min_score: float = 0.0,
    pair_factors: PairFactors | None = None,
) -> TopK:
    """Exact top-k dot-product neighbours of every row under the organisation rule and pair factors.

    A candidate's similarity is its dot product times its pair factor; it must be > 0 and >= min_score.
    Its ranking score adds `other_org_bonus` (one number, or one per row) when org_mode is PREFER_OTHER
    and the organisations differ.
    Ties rank the lower row index first. Organisation -1 means unknown and differs from everyone.
    The product is symmetric, so each pair is computed once (upper half) and offered to both rows,
    each with its own bonus and pair factor; memory is about threads x rows x k x 20 bytes on top.
    """
    return _top_k_with_workers(
        matrix, k, organisation_ids, org_mode, other_org_bonus, min_score, pair_factors, numba.get_num_threads()
    )


def _top_k_with_workers(
    matrix: sp.csr_matrix,
    k: int,
    organisation_ids: np.ndarray | None,
    org_mode: OrgMode,
    other_org_bonus: float | np.ndarray,
    min_score: float,
    pair_factors: PairFactors | None,
    n_workers: int,
) -> TopK:
    """`top_k` with a given number of per-thread candidate lists; the result does not depend on it."""
    matrix, organisations, factors = _prepare(matrix, k, organisation_ids, pair_factors)
    transposed = matrix.T.tocsr()
    transposed.sort_indices()
    indices, scores, similarities = upper_half_top_k(
        matrix.indptr,
        matrix.indices,
        matrix.data,
        transposed.indptr,
        transposed.indices.astype(np.uint32),
        transposed.data,
        organisations,
        int(org_mode),
        _bonus_per_row(other_org_bonus, matrix.shape[0]),
        float(min_score),
        int(k),
        factors.indptr,
        factors.indices,
        factors.factors,
        _is_symmetric(factors),
        max(1, int(n_workers)),
    )
    return TopK(indices, scores, similarities)


def top_k_reference(
    matrix: sp.csr_matrix,
    k: int,
    organisation_ids: np.ndarray | None = None,
    org_mode: OrgMode = OrgMode.ANY,
    other_org_bonus: float | np.ndarray = 0.0,
    min_score: float = 0.0,
    pair_factors: PairFactors | None = None,
    chunk_rows: int = 512,
) -> TopK:
    """The same result as `top_k` by dense brute force with NumPy; slow, for tests and benchmarks."""
    matrix, organisations, factors = _prepare(matrix, k, organisation_ids, pair_factors)
    n = matrix.shape[0]
    bonuses = _bonus_per_row(other_org_bonus, n)
    matrix64 = matrix.astype(np.float64)
    transposed = matrix64.T.tocsc()
    indices = np.full((n, k), -1, np.int32)
    scores = np.zeros((n, k))
    similarities = np.zeros((n, k))
    columns = np.arange(n)
    for start in range(0, n, chunk_rows):
        stop = min(n, start + chunk_rows)
        similarity = (matrix64[start:stop] @ transposed).toarray()
        for offset, row in enumerate(range(start, stop)):
            sim = similarity[offset]
            row_factors = np.ones(n)
            lo, hi = factors.indptr[row], factors.indptr[row + 1]
            row_factors[factors.indices[lo:hi]] = factors.factors[lo:hi]
            sim = sim * row_factors
            same = (organisations == organisations[row]) & (organisations[row] >= 0)
            allowed = (sim > 0) & (sim >= min_score) & (columns != row) & (row_factors >= 0)
            if org_mode == OrgMode.REQUIRE_OTHER:
                allowed &= ~same
            score = sim + (bonuses[row] * ~same if org_mode == OrgMode.PREFER_OTHER else 0.0)
            candidates = np.flatnonzero(allowed)
            order = np.lexsort((candidates, -score[candidates]))[:k]
            chosen = candidates[order]
            indices[row, : chosen.size] = chosen
            scores[row, : chosen.size] = score[chosen]
            similarities[row, : chosen.size] = sim[chosen]
    return TopK(indices, scores, similarities)


def _bonus_per_row(bonus: float | np.ndarray, n: int) -> np.ndarray:
    """The other-organisation bonus as one non-negative float per row."""
    bonuses = np.broadcast_to(np.asarray(bonus, dtype=np.float64), (n,)).copy()
    if bonuses.size and (bonuses.min() < 0 or not np.isfinite(bonuses).all()):
        raise ValueError("other_org_bonus must be finite and >= 0")
    return bonuses


def _prepare(
    matrix: sp.csr_matrix, k: int, organisation_ids: np.ndarray | None, pair_factors: PairFactors | None
) -> tuple[sp.csr_matrix, np.ndarray, PairFactors]:
    """Validate inputs and bring them into the layout the kernel expects."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    matrix = sp.csr_matrix(matrix, copy=True)
    matrix.eliminate_zeros()
    if matrix.data.size and (matrix.data < 0).any():
        raise ValueError("profile values must be non-negative")
    matrix.sort_indices()
    n = matrix.shape[0]
    if organisation_ids is None:
        organisations = np.full(n, -1, np.int64)
    else:
        organisations = np.asarray(organisation_ids, dtype=np.int64)
        if organisations.shape != (n,):
            raise ValueError(f"organisation_ids must have one entry per row ({n}), got {organisations.shape}")
    factors = PairFactors.empty(n) if pair_factors is None else pair_factors
    if factors.indptr.size != n + 1:
        raise ValueError("pair_factors do not match the number of rows")
    if factors.factors.size and factors.factors.max() > 1.0:
        raise ValueError("pair factors may only exclude or discount (factor <= 1)")
    return matrix, organisations, _sorted_factors(factors)


def _sorted_factors(factors: PairFactors) -> PairFactors:
    """Factors with each row's partners sorted and unique (the last of duplicates wins), as the kernel looks them up."""
    indptr = np.asarray(factors.indptr, dtype=np.int64)
    columns = np.asarray(factors.indices, dtype=np.int64)
    values = np.asarray(factors.factors, dtype=np.float64)
    rows = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    order = np.lexsort((np.arange(columns.size), columns, rows))
    rows, columns, values = rows[order], columns[order], values[order]
    last = np.ones(rows.size, dtype=bool)
    last[:-1] = (rows[1:] != rows[:-1]) | (columns[1:] != columns[:-1])
    rows, columns, values = rows[last], columns[last], values[last]
    counts = np.bincount(rows, minlength=indptr.size - 1)
    new_indptr = np.zeros(indptr.size, np.int64)
    np.cumsum(counts, out=new_indptr[1:])
    return PairFactors(new_indptr, columns.astype(np.int32), values)


def _is_symmetric(factors: PairFactors) -> bool:
    """Whether factor(a, b) == factor(b, a) for every pair, so the kernel may read one for both."""
    rows = np.repeat(np.arange(factors.indptr.size - 1), np.diff(factors.indptr))
    columns = factors.indices.astype(np.int64)
    by_row = np.lexsort((columns, rows))
    by_column = np.lexsort((rows, columns))
    return bool(
        np.array_equal(rows[by_row], columns[by_column])
        and np.array_equal(columns[by_row], rows[by_column])
        and np.array_equal(factors.factors[by_row], factors.factors[by_column])
    )
