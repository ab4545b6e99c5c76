"""Tests for the exact top-k kernel: identical to brute force, including ties, organisation rules and pair factors."""

import numpy as np
import pytest
import scipy.sparse as sp

from matching.suggestions import similarity
from matching.suggestions.similarity import (
    EXCLUDED,
    OrgMode,
    PairFactors,
    TopK,
    top_k,
    top_k_reference,
)


def random_matrix(seed: int, rows: int = 300, columns: int = 60, density: float = 0.08, integer: bool = True):
    """A random non-negative sparse matrix; small integers make many exact ties."""
    rng = np.random.default_rng(seed)
    sampler = (lambda n: rng.integers(1, 3, n).astype(float)) if integer else (lambda n: rng.random(n))
    matrix = sp.random(rows, columns, density=density, random_state=seed, data_rvs=sampler, format="csr")
    # Duplicate some rows so that exact ties between different candidates are common.
    return sp.vstack([matrix, matrix[: rows // 10]]).tocsr().astype(np.float32)


def random_factors(seed: int, n: int, count: int) -> PairFactors:
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, count)
    right = rng.integers(0, n, count)
    values = rng.choice([EXCLUDED, 0.0, 0.5, 0.25], count)
    return PairFactors.from_pairs(n, zip(left.tolist(), right.tolist(), values.tolist()))


def assert_same(result: TopK, expected: TopK) -> None:
    np.testing.assert_array_equal(result.indices, expected.indices)
    np.testing.assert_allclose(result.scores, expected.scores, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result.similarities, expected.similarities, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", list(OrgMode))
def test_kernel_equals_brute_force_with_ties(seed, mode):
    matrix = random_matrix(seed)
    n = matrix.shape[0]
    organisations = np.random.default_rng(seed).integers(-1, 6, n)
    factors = random_factors(seed, n, 400)
    arguments = dict(
        organisation_ids=organisations, org_mode=mode, other_org_bonus=1.0, min_score=2.0, pair_factors=factors
    )
    assert_same(top_k(matrix, 7, **arguments), top_k_reference(matrix, 7, **arguments))


@pytest.mark.parametrize("seed", range(3))
def test_kernel_equals_brute_force_on_normalised_float_data(seed):
    matrix = random_matrix(seed, rows=400, columns=200, density=0.05, integer=False)
    norms = np.sqrt(matrix.multiply(matrix).sum(axis=1)).A1
    norms[norms == 0] = 1
    matrix = sp.diags(1 / norms) @ matrix
    organisations = np.random.default_rng(seed).integers(0, 5, matrix.shape[0])
    arguments = dict(organisation_ids=organisations, org_mode=OrgMode.PREFER_OTHER, other_org_bonus=0.1)
    assert_same(top_k(matrix, 10, **arguments), top_k_reference(matrix, 10, **arguments))


def test_ties_rank_lower_index_first():
    row = sp.csr_matrix(np.ones((1, 3)))
    matrix = sp.vstack([row] * 5).tocsr()
    result = top_k(matrix, 3)
    assert result.indices[0].tolist() == [1, 2, 3]
    assert result.indices[4].tolist() == [0, 1, 2]
    assert np.all(result.scores == 3.0)


def test_never_self_and_padding_when_fewer_candidates():
    matrix = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    result = top_k(matrix, 3)
    assert result.indices[0].tolist() == [1, -1, -1]
    assert result.indices[2].tolist() == [-1, -1, -1]
    assert result.similarities[2].tolist() == [0.0, 0.0, 0.0]


def test_require_other_organisation_skips_colleagues_but_not_unknowns():
    matrix = sp.csr_matrix(np.ones((4, 2)))
    organisations = np.array([1, 1, -1, -1])
    result = top_k(matrix, 3, organisations, OrgMode.REQUIRE_OTHER)
    assert result.indices[0].tolist() == [2, 3, -1]
    assert result.indices[2].tolist() == [0, 1, 3]


def test_prefer_other_organisation_adds_bonus_only_to_ranking_score():
    matrix = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.9, 0.1]]))
    organisations = np.array([1, 1, 2])
    plain = top_k(matrix, 1, organisations, OrgMode.ANY)
    preferred = top_k(matrix, 1, organisations, OrgMode.PREFER_OTHER, other_org_bonus=0.5)
    assert plain.indices[0, 0] == 1
    assert preferred.indices[0, 0] == 2
    assert preferred.scores[0, 0] == pytest.approx(0.9 + 0.5)
    assert preferred.similarities[0, 0] == pytest.approx(0.9)


def test_min_score_applies_to_similarity_not_bonus():
    matrix = sp.csr_matrix(np.array([[1.0, 0.0], [0.1, 0.0]]))
    result = top_k(matrix, 1, np.array([1, 2]), OrgMode.PREFER_OTHER, other_org_bonus=1.0, min_score=0.2)
    assert result.indices[0, 0] == -1


def test_pair_factors_exclude_and_discount_symmetrically():
    matrix = sp.csr_matrix(np.ones((4, 1)))
    factors = PairFactors.from_pairs(4, [(0, 1, EXCLUDED), (2, 0, 0.5), (2, 0, 0.9), (3, 3, EXCLUDED)])
    result = top_k(matrix, 3, pair_factors=factors)
    assert result.indices[0].tolist() == [3, 2, -1]
    assert result.similarities[0].tolist() == [1.0, 0.5, 0.0]
    assert 0 not in result.indices[1].tolist()
    assert factors.factor(0, 2) == 0.5
    assert factors.factor(1, 0) == EXCLUDED
    assert factors.factor(1, 2) == 1.0


def test_zero_factor_removes_pair():
    matrix = sp.csr_matrix(np.ones((2, 1)))
    result = top_k(matrix, 1, pair_factors=PairFactors.from_pairs(2, [(0, 1, 0.0)]))
    assert result.indices.tolist() == [[-1], [-1]]


def test_invalid_inputs_are_rejected():
    matrix = sp.csr_matrix(np.ones((3, 2)))
    with pytest.raises(ValueError, match="k must"):
        top_k(matrix, 0)
    with pytest.raises(ValueError, match="organisation_ids"):
        top_k(matrix, 1, np.array([1, 2]))
    with pytest.raises(ValueError, match="non-negative"):
        top_k(sp.csr_matrix(np.array([[-1.0], [1.0]])), 1)
    with pytest.raises(ValueError, match="pair_factors"):
        top_k(matrix, 1, pair_factors=PairFactors.empty(5))
    with pytest.raises(ValueError, match="out of range"):
        PairFactors.from_pairs(3, [(0, 3, 0.5)])


def test_empty_pair_list_gives_empty_factors():
    factors = PairFactors.from_pairs(3, [(1, 1, EXCLUDED)])
    assert factors.indices.size == 0
    assert factors.indptr.tolist() == [0, 0, 0, 0]


def test_k_larger_than_population():
    matrix = random_matrix(1, rows=20, columns=5, density=0.5)
    result = top_k(matrix, 50)
    assert_same(result, top_k_reference(matrix, 50))
    assert (result.indices >= 0).sum(axis=1).max() <= matrix.shape[0] - 1


def test_empty_matrix():
    result = top_k(sp.csr_matrix((0, 0)), 3)
    assert result.indices.shape == (0, 3)


def test_factors_above_one_are_rejected():
    with pytest.raises(ValueError, match="factor <= 1"):
        PairFactors.from_pairs(3, [(0, 1, 1.5)])
    bad = PairFactors(np.array([0, 1, 1]), np.array([1], np.int32), np.array([2.0]))
    with pytest.raises(ValueError, match="factor <= 1"):
        top_k(sp.csr_matrix(np.ones((2, 1))), 1, pair_factors=bad)


def test_per_row_bonus_matches_brute_force_and_rejects_negative_values():
    matrix = random_matrix(11, rows=200, columns=40, density=0.1, integer=True)
    n = matrix.shape[0]
    rng = np.random.default_rng(11)
    organisations = rng.integers(0, 4, n)
    bonuses = rng.choice([0.0, 1.0, 2.5], n)
    arguments = dict(organisation_ids=organisations, org_mode=OrgMode.PREFER_OTHER, other_org_bonus=bonuses)
    assert_same(top_k(matrix, 5, **arguments), top_k_reference(matrix, 5, **arguments))
    with pytest.raises(ValueError, match="other_org_bonus"):
        top_k(matrix, 5, organisations, OrgMode.PREFER_OTHER, other_org_bonus=-0.1)


def random_bonuses(seed: int, n: int) -> np.ndarray:
    """Per-row bonuses on the integer grid of random_matrix, so scores tie exactly across rows too."""
    return np.random.default_rng(seed + 100).choice([0.0, 1.0, 2.0, 3.0], n)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", list(OrgMode))
def test_per_row_bonus_with_factors_and_min_score_equals_brute_force_in_every_mode(seed, mode):
    # With per-row bonuses the score of (i, j) in row i differs from that of (j, i) in row j.
    matrix = random_matrix(seed + 20, rows=250, columns=30, density=0.1)
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    arguments = dict(
        organisation_ids=rng.integers(-1, 4, n),
        org_mode=mode,
        other_org_bonus=random_bonuses(seed, n),
        min_score=float(rng.choice([0.0, 1.0, 2.0])),
        pair_factors=random_factors(seed, n, 300),
    )
    assert_same(top_k(matrix, 6, **arguments), top_k_reference(matrix, 6, **arguments))


def test_each_row_ranks_a_pair_with_its_own_bonus():
    matrix = sp.csr_matrix(np.array([[1.0], [1.0]]))
    result = top_k(matrix, 1, np.array([1, 2]), OrgMode.PREFER_OTHER, other_org_bonus=np.array([0.5, 0.0]))
    assert result.scores[:, 0].tolist() == [1.5, 1.0]
    assert result.similarities[:, 0].tolist() == [1.0, 1.0]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mode", list(OrgMode))
def test_asymmetric_unsorted_pair_factors_equal_brute_force(seed, mode):
    # Factors built by hand need not be symmetric, sorted or unique: row i's own entry decides for row i.
    matrix = random_matrix(seed + 40, rows=200, columns=25, density=0.12)
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    rows = np.sort(rng.integers(0, n, 600))
    columns = rng.integers(0, n, 600)
    values = rng.choice([EXCLUDED, 0.0, 0.5, 1.0], 600)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    factors = PairFactors(indptr, columns.astype(np.int32), values)
    arguments = dict(
        organisation_ids=rng.integers(0, 3, n),
        org_mode=mode,
        other_org_bonus=random_bonuses(seed, n),
        pair_factors=factors,
    )
    assert_same(top_k(matrix, 5, **arguments), top_k_reference(matrix, 5, **arguments))


def test_one_sided_exclusion_removes_the_pair_only_for_that_row():
    matrix = sp.csr_matrix(np.ones((3, 1)))
    factors = PairFactors(np.array([0, 1, 1, 1]), np.array([1], np.int32), np.array([EXCLUDED]))
    result = top_k(matrix, 2, pair_factors=factors)
    assert result.indices[0].tolist() == [2, -1]
    assert result.indices[1].tolist() == [0, 2]


@pytest.mark.parametrize("workers", [1, 2, 3, 7])
def test_result_does_not_depend_on_the_number_of_workers(workers):
    matrix = random_matrix(5, rows=300, columns=40, density=0.1)
    n = matrix.shape[0]
    rng = np.random.default_rng(5)
    arguments = (rng.integers(-1, 5, n), OrgMode.PREFER_OTHER, random_bonuses(5, n), 1.0, random_factors(5, n, 300))
    expected = top_k_reference(matrix, 8, *arguments)
    assert_same(similarity._top_k_with_workers(matrix, 8, *arguments, workers), expected)


def test_rows_without_features_and_single_organisation():
    dense = np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 2.0]])
    matrix = sp.csr_matrix(dense)
    result = top_k(matrix, 4, np.zeros(5, np.int64), OrgMode.REQUIRE_OTHER)
    assert (result.indices == -1).all()
    any_org = top_k(matrix, 4)
    assert_same(any_org, top_k_reference(matrix, 4))
    assert any_org.indices[1].tolist() == [-1, -1, -1, -1]
    assert any_org.indices[2].tolist() == [4, 0, -1, -1]
