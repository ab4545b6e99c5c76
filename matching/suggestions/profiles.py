"""Member profiles as weighted sparse TF-IDF rows built from text, fields, interests, tags and activity."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from matching.suggestions.features import BlockInput, RawFeatures, raw_features
from matching.text.analysis import language_of_locale, tag_key
from matching.text.analysis import normalize as normalize_text

# Order matters: it numbers the blocks in `Profiles.blocks`.
BLOCKS: tuple[str, ...] = ("text", "fields", "interests", "tags", "categories", "titles", "liked_tags")
TEXT_BLOCKS: tuple[str, ...] = ("text", "fields", "interests", "titles")
NO_ORGANISATION = -1


@dataclass
class MemberProfileInput:
    """What the companion knows about one member's interests, as plain data."""

    member_id: int
    organisation_id: int | None = None
    bio: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    interests: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    topic_titles: list[str] = field(default_factory=list)
    liked_tags: list[str] = field(default_factory=list)
    locale: str | None = None


@dataclass(frozen=True)
class BlockWeights:
    """Relative weight of each profile block in the similarity; 0 switches a block off."""

    text: float = 1.0
    fields: float = 1.5
    interests: float = 2.0
    tags: float = 3.0
    categories: float = 0.5
    titles: float = 1.0
    liked_tags: float = 1.0

    def __post_init__(self) -> None:
        for name in BLOCKS:
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"block weight {name!r} must be a finite number >= 0, got {value!r}")

    def of(self, block: str) -> float:
        """The weight of one block by name."""
        return float(getattr(self, block))


@dataclass(frozen=True)
class ColdStart:
    """How members with little own data borrow the interests of their organisation."""

    min_terms: int = 5
    organisation_weight: float = 0.3
    # Only an organisation's strongest terms: a full centroid has thousands and would make thin rows costly.
    organisation_terms: int = 30


@dataclass(frozen=True)
class Profiles:
    """Profile rows of members sorted by id, with the vocabulary needed to explain matches."""

    member_ids: np.ndarray
    organisation_ids: np.ndarray
    matrix: sp.csr_matrix
    own: sp.csr_matrix
    labels: tuple[str, ...]
    blocks: np.ndarray
    cold_start: np.ndarray
    # What explanations may name per column: the display form, or None (generic words, compound parts only).
    explain_labels: tuple[str | None, ...] = ()
    # 1 where the member wrote a text feature as a whole word (not only inside a compound).
    written: sp.csr_matrix | None = None
    idf: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.member_ids.size)

    def row_of(self, member_id: int) -> int:
        """The row index of a member, raising KeyError for unknown members."""
        row = int(np.searchsorted(self.member_ids, member_id))
        if row >= self.member_ids.size or self.member_ids[row] != member_id:
            raise KeyError(member_id)
        return row


def build_profiles(
    inputs: Iterable[MemberProfileInput],
    weights: BlockWeights = BlockWeights(),
    cold_start: ColdStart = ColdStart(),
) -> Profiles:
    """Build L2-normalised TF-IDF profile rows, one per member, sorted by member id."""
    members = sorted(inputs, key=lambda member: member.member_id)
    ids = np.array([member.member_id for member in members], dtype=np.int64)
    if ids.size and np.any(np.diff(ids) == 0):
        raise ValueError("member ids must be unique")
    organisations = np.array(
        [NO_ORGANISATION if m.organisation_id is None else m.organisation_id for m in members], dtype=np.int64
    )
    raw = raw_member_features(members, weights)
    idf = inverse_document_frequency(raw.counts)
    own = _weighted_tfidf(raw.counts, raw.blocks, weights, idf)
    cold = np.diff(own.indptr) < cold_start.min_terms
    matrix = _mix_in_organisations(
        own, organisations, cold, cold_start.organisation_weight, cold_start.organisation_terms
    )
    return Profiles(
        member_ids=ids,
        organisation_ids=organisations,
        matrix=matrix,
        own=own,
        labels=raw.labels,
        blocks=raw.blocks,
        cold_start=cold,
        explain_labels=raw.explain_labels,
        written=raw.written,
        idf=idf,
    )


def raw_member_features(members: Sequence[MemberProfileInput], weights: BlockWeights = BlockWeights()) -> RawFeatures:
    """Raw feature counts of members (in the given order) for every block whose weight is above zero."""
    blocks = []
    for index, block in enumerate(BLOCKS):
        if weights.of(block) <= 0:
            continue
        if block in TEXT_BLOCKS:
            documents: list[object] = ["\n".join(_texts_of(member, block)) for member in members]
            blocks.append(BlockInput(index, documents, True))
        else:
            documents = [_labels_of(member, block) for member in members]
            blocks.append(BlockInput(index, documents, False, normalize_text if block == "categories" else tag_key))
    english = np.array([language_of_locale(member.locale) == "en" for member in members], dtype=bool)
    return raw_features(len(members), blocks, english)


def _texts_of(member: MemberProfileInput, block: str) -> list[str]:
    if block == "text":
        return [member.bio]
    if block == "fields":
        return list(member.fields.values())
    if block == "interests":
        return list(member.interests)
    return list(member.topic_titles)


def _labels_of(member: MemberProfileInput, block: str) -> list[str]:
    if block == "tags":
        return member.tags
    if block == "liked_tags":
        return member.liked_tags
    return member.categories


def inverse_document_frequency(counts: sp.csr_matrix) -> np.ndarray:
    """Smooth IDF per column, as scikit-learn's TfidfTransformer(smooth_idf=True) computes it."""
    n_rows, n_columns = counts.shape
    document_frequency = np.bincount(counts.indices, minlength=n_columns)
    return np.log((1.0 + n_rows) / (1.0 + document_frequency)) + 1.0


def block_unit_rows(raw: sp.csr_matrix, blocks: np.ndarray, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times IDF with every block of every row L2-normalised on its own (float64)."""
    n_rows = raw.shape[0]
    matrix = raw.tocsr(copy=True).astype(np.float64)
    matrix.sum_duplicates()
    matrix.sort_indices()
    matrix.data = np.log1p(matrix.data) * idf[matrix.indices]
    entry_rows = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
    entry_blocks = blocks[matrix.indices].astype(np.int64)
    # Squared block norms per (row, block) by one bincount over a flat index (np.add.at is slow at scale).
    flat = entry_rows * len(BLOCKS) + entry_blocks
    block_square_sums = np.bincount(flat, weights=matrix.data**2, minlength=n_rows * len(BLOCKS))
    norms = np.sqrt(block_square_sums[flat])
    matrix.data = np.divide(matrix.data, norms, out=np.zeros_like(matrix.data), where=norms > 0)
    return matrix


def _weighted_tfidf(raw: sp.csr_matrix, blocks: np.ndarray, weights: BlockWeights, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times smooth IDF, each block L2-normalised and weighted, then rows L2-normalised."""
    matrix = block_unit_rows(raw, blocks, idf)
    block_weights = np.array([weights.of(block) for block in BLOCKS])
    matrix.data = matrix.data * np.sqrt(block_weights[blocks[matrix.indices].astype(np.int64)])
    return _normalise_rows(matrix)


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale every non-empty row to unit L2 norm (scikit-learn's normalize) and store float32."""
    matrix = matrix.tocsr()
    matrix.eliminate_zeros()
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        return matrix.astype(np.float32)
    result = normalize(matrix, norm="l2", copy=True).astype(np.float32)
    result.sort_indices()
    return result


def _mix_in_organisations(
    own: sp.csr_matrix, organisations: np.ndarray, cold: np.ndarray, organisation_weight: float, terms: int
) -> sp.csr_matrix:
    """Give members with little own data a share of their organisation's average profile."""
    eligible_cold = cold & (organisations != NO_ORGANISATION)
    if organisation_weight <= 0 or not eligible_cold.any():
        return own
    unique_orgs, org_index = np.unique(organisations, return_inverse=True)
    donors = ~cold & (organisations != NO_ORGANISATION)
    membership = sp.csr_matrix(
        (np.ones(int(donors.sum())), (org_index[donors], np.flatnonzero(donors))),
        shape=(unique_orgs.size, own.shape[0]),
    )
    centroids = _normalise_rows(_strongest_terms(membership @ own.astype(np.float64), terms)).astype(np.float64)
    cold_rows = np.flatnonzero(eligible_cold)
    selector = sp.csr_matrix(
        (np.full(cold_rows.size, organisation_weight), (cold_rows, org_index[cold_rows])),
        shape=(own.shape[0], unique_orgs.size),
    )
    return _normalise_rows(own.astype(np.float64) + selector @ centroids)


def _strongest_terms(matrix: sp.csr_matrix, terms: int) -> sp.csr_matrix:
    """Keep the `terms` largest entries of every row (ties: lower column first)."""
    matrix = sp.csr_matrix(matrix)
    matrix.sort_indices()
    keep = np.zeros(matrix.nnz, dtype=bool)
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        order = np.lexsort((matrix.indices[start:end], -matrix.data[start:end]))[:terms]
        keep[start + order] = True
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return sp.csr_matrix((matrix.data[keep], (rows[keep], matrix.indices[keep])), shape=matrix.shape)
