"""Member profiles as weighted sparse TF-IDF rows built from text, fields, interests, tags and activity."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matching.text.analysis import (
    TermAnalyzer,
    detect_language,
    language_of_locale,
    normalize,
    tag_key,
    tokenize,
)

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

    def __len__(self) -> int:
        return int(self.member_ids.size)

    def row_of(self, member_id: int) -> int:
        """The row index of a member, raising KeyError for unknown members."""
        row = int(np.searchsorted(self.member_ids, member_id))
        if row >= self.member_ids.size or self.member_ids[row] != member_id:
            raise KeyError(member_id)
        return row


class _Vocabulary:
    """Numbers features per block and remembers the most used spelling of each."""

    def __init__(self) -> None:
        self.columns: dict[tuple[int, str], int] = {}
        self.label_counts: list[Counter[str]] = []
        self.blocks: list[int] = []

    def column(self, block: int, key: str) -> int:
        column = self.columns.get((block, key))
        if column is None:
            column = len(self.blocks)
            self.columns[(block, key)] = column
            self.blocks.append(block)
            self.label_counts.append(Counter())
        return column

    def labels(self) -> tuple[str, ...]:
        # Most frequent spelling; ties broken alphabetically so results never depend on input order.
        chosen = [min(counts.items(), key=lambda item: (-item[1], item[0]))[0] for counts in self.label_counts]
        # Forum tags are lower-case slugs ("ozg", "e-akte"); where members write the same term with capitals
        # in their texts ("OZG", "E-Akte"), explanations show that spelling instead.
        written: dict[str, Counter[str]] = {}
        for column, counts in enumerate(self.label_counts):
            if BLOCKS[self.blocks[column]] in TEXT_BLOCKS:
                for label, count in counts.items():
                    if label != label.lower():
                        written.setdefault(tag_key(label), Counter())[label] += count
        for column, label in enumerate(chosen):
            if BLOCKS[self.blocks[column]] not in TEXT_BLOCKS and label == label.lower():
                spellings = written.get(tag_key(label))
                if spellings:
                    chosen[column] = min(spellings.items(), key=lambda item: (-item[1], item[0]))[0]
        return tuple(chosen)


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
    vocabulary = _Vocabulary()
    raw = _raw_counts(members, weights, vocabulary)
    own = _weighted_tfidf(raw, np.array(vocabulary.blocks, dtype=np.int8), weights)
    cold = np.diff(own.indptr) < cold_start.min_terms
    matrix = _mix_in_organisations(
        own, organisations, cold, cold_start.organisation_weight, cold_start.organisation_terms
    )
    return Profiles(
        member_ids=ids,
        organisation_ids=organisations,
        matrix=matrix,
        own=own,
        labels=vocabulary.labels(),
        blocks=np.array(vocabulary.blocks, dtype=np.int8),
        cold_start=cold,
    )


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


def _raw_counts(members: Sequence[MemberProfileInput], weights: BlockWeights, vocabulary: _Vocabulary) -> sp.csr_matrix:
    """Count features per member: stems and compound parts for text blocks, keys for tag-like blocks."""
    text_blocks = [block for block in TEXT_BLOCKS if weights.of(block) > 0]
    label_blocks = [block for block in BLOCKS if block not in TEXT_BLOCKS and weights.of(block) > 0]
    tokens: list[dict[str, list[str]]] = []
    known: set[str] = set()
    for member in members:
        per_block = {block: [t for text in _texts_of(member, block) for t in tokenize(text)] for block in text_blocks}
        for block_tokens in per_block.values():
            known.update(map(normalize, block_tokens))
        tokens.append(per_block)
    analyzer = TermAnalyzer(known)
    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    for row, member in enumerate(members):
        counts: dict[int, float] = {}
        member_tokens = tokens[row]
        default = language_of_locale(member.locale)
        language = detect_language(
            (normalize(t) for block_tokens in member_tokens.values() for t in block_tokens), default
        )
        for block, block_tokens in member_tokens.items():
            block_index = BLOCKS.index(block)
            for token, count in Counter(block_tokens).items():
                for stem, weight, label in analyzer.features(token, language):
                    column = vocabulary.column(block_index, stem)
                    counts[column] = counts.get(column, 0.0) + weight * count
                    vocabulary.label_counts[column][label] += count
        for block in label_blocks:
            block_index = BLOCKS.index(block)
            key_of = normalize if block == "categories" else tag_key
            for label, count in Counter(label.strip() for label in _labels_of(member, block)).items():
                key = key_of(label)
                if not key:
                    continue
                column = vocabulary.column(block_index, key)
                counts[column] = counts.get(column, 0.0) + count
                vocabulary.label_counts[column][label] += count
        rows.extend([row] * len(counts))
        columns.extend(counts.keys())
        values.extend(counts.values())
        tokens[row] = {}  # free memory early for large networks
    shape = (len(members), len(vocabulary.blocks))
    return sp.csr_matrix(
        (np.array(values, dtype=np.float64), (np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64))),
        shape=shape,
    )


def _weighted_tfidf(raw: sp.csr_matrix, blocks: np.ndarray, weights: BlockWeights) -> sp.csr_matrix:
    """Sublinear TF times smooth IDF, each block L2-normalised and weighted, then rows L2-normalised."""
    n_rows, n_columns = raw.shape
    matrix = raw.tocsr(copy=True)
    matrix.sum_duplicates()
    matrix.sort_indices()
    document_frequency = np.bincount(matrix.indices, minlength=n_columns)
    idf = np.log((1.0 + n_rows) / (1.0 + document_frequency)) + 1.0
    matrix.data = np.log1p(matrix.data) * idf[matrix.indices]
    entry_rows = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
    entry_blocks = blocks[matrix.indices].astype(np.int64)
    block_square_sums = np.zeros((n_rows, len(BLOCKS)))
    np.add.at(block_square_sums, (entry_rows, entry_blocks), matrix.data**2)
    block_weights = np.array([weights.of(block) for block in BLOCKS])
    block_norms = np.sqrt(block_square_sums[entry_rows, entry_blocks])
    matrix.data = matrix.data * np.sqrt(block_weights[entry_blocks]) / block_norms
    return _normalise_rows(matrix)


def _normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Scale every non-empty row to unit L2 norm and store float32."""
    matrix = matrix.tocsr()
    matrix.eliminate_zeros()
    squares = matrix.multiply(matrix).sum(axis=1).A1
    norms = np.sqrt(squares)
    norms[norms == 0] = 1.0
    entry_rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    result = matrix.copy()
    result.data = (matrix.data / norms[entry_rows]).astype(np.float32)
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
