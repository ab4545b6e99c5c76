"""Explanations of a suggestion: the informative terms and tags two members share, as the members write them."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matching.suggestions.profiles import BLOCKS, TEXT_BLOCKS, Profiles
from matching.text.analysis import tag_key

# A term in more than this share of all profiles says nothing about a particular pair ...
MAX_DOCUMENT_SHARE = 0.2
# ... which only a network of some size can tell; in smaller ones IDF weighting alone orders the terms.
MIN_MEMBERS_FOR_SHARE = 50
_CHUNK = 50_000
_TEXT_BLOCK_INDICES = np.array([BLOCKS.index(block) for block in TEXT_BLOCKS])


def shared_terms(profiles: Profiles, row: int, other: int, limit: int = 3) -> list[str]:
    """Up to `limit` terms the two members share, largest TF-IDF contribution first (see `shared_terms_many`)."""
    return list(shared_terms_many(profiles, np.array([row]), np.array([other]), limit)[0])


def shared_terms_many(
    profiles: Profiles, rows: np.ndarray, others: np.ndarray, limit: int = 3
) -> list[tuple[str, ...]]:
    """For each pair (rows[i], others[i]) the terms to name, computed for all pairs at once.

    A term is named only if both members have it themselves (not borrowed from their organisation),
    it is no stop word and no generic administration word, it occurs in at most MAX_DOCUMENT_SHARE
    of the profiles, and for words at least one of the two wrote it as a whole word (never a compound
    fragment). It is shown in the spelling members use most (tags by their display name); terms
    that differ only in case, umlaut spelling or hyphens are shown once. Order: contribution to the
    similarity (TF-IDF of both, block weights included), then alphabetical.
    """
    rows = np.asarray(rows, dtype=np.int64)
    others = np.asarray(others, dtype=np.int64)
    if rows.size > _CHUNK:
        # In chunks, so memory stays bounded however many suggestions a run makes.
        return [
            terms
            for start in range(0, rows.size, _CHUNK)
            for terms in shared_terms_many(
                profiles, rows[start : start + _CHUNK], others[start : start + _CHUNK], limit
            )
        ]
    if rows.size == 0:
        return []
    own = profiles.own
    n_columns = own.shape[1]
    if n_columns == 0 or not profiles.explain_labels:
        return [() for _ in range(rows.size)]
    contributions = own[rows].multiply(own[others]).tocsr().astype(np.float64)
    is_text = np.isin(profiles.blocks, _TEXT_BLOCK_INDICES)
    if profiles.written is not None and is_text.any():
        written = (profiles.written[rows] + profiles.written[others]).tocsr()
        written.data[:] = 1.0
        text_part = contributions.multiply(written) @ sp.diags(is_text.astype(np.float64))
        label_part = contributions @ sp.diags((~is_text).astype(np.float64))
        contributions = sp.csr_matrix(text_part + label_part)
    allowed = np.array([label is not None for label in profiles.explain_labels], dtype=bool)
    n_members = len(profiles)
    if profiles.idf is not None and n_members >= MIN_MEMBERS_FOR_SHARE:
        document_frequency = (1.0 + n_members) / np.exp(profiles.idf - 1.0) - 1.0
        allowed &= document_frequency <= MAX_DOCUMENT_SHARE * n_members + 1e-6
    contributions = sp.csr_matrix(contributions @ sp.diags(allowed.astype(np.float64)))
    contributions.eliminate_zeros()
    coo = contributions.tocoo()
    pair, column, value = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
    labels = [label or "" for label in profiles.explain_labels]
    label_rank = np.empty(n_columns, dtype=np.int64)
    label_rank[np.argsort(np.array(labels, dtype=object), kind="stable")] = np.arange(n_columns)
    groups = {key: index for index, key in enumerate(sorted({tag_key(label) for label in labels}))}
    group = np.array([groups[tag_key(label)] for label in labels], dtype=np.int64)
    # First the best column of each (pair, spelling group), then each pair's best `limit` groups.
    order = np.lexsort((label_rank[column], -value, group[column], pair))
    pair, column, value = pair[order], column[order], value[order]
    first = np.ones(pair.size, dtype=bool)
    first[1:] = (pair[1:] != pair[:-1]) | (group[column][1:] != group[column][:-1])
    pair, column, value = pair[first], column[first], value[first]
    order = np.lexsort((label_rank[column], -value, pair))
    pair, column = pair[order], column[order]
    starts = np.searchsorted(pair, pair, side="left")
    keep = np.arange(pair.size) - starts < limit
    result: list[list[str]] = [[] for _ in range(rows.size)]
    for index, col in zip(pair[keep], column[keep]):
        result[int(index)].append(labels[int(col)])
    return [tuple(terms) for terms in result]
