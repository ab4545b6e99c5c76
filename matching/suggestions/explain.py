"""Explanations of a suggestion: the human-readable terms and tags two members share that weigh most."""

from __future__ import annotations

import numpy as np

from matching.suggestions.profiles import Profiles
from matching.text.analysis import tag_key


def shared_terms(profiles: Profiles, row: int, other: int, limit: int = 3) -> list[str]:
    """Up to `limit` labels of the features both members have themselves, largest contribution first.

    Labels are tags as written and words in their most used spelling, never stems; two labels
    that differ only in case, umlaut spelling or hyphens are shown once.
    """
    own = profiles.own
    row_columns = own.indices[own.indptr[row] : own.indptr[row + 1]]
    row_values = own.data[own.indptr[row] : own.indptr[row + 1]]
    other_columns = own.indices[own.indptr[other] : own.indptr[other + 1]]
    other_values = own.data[own.indptr[other] : own.indptr[other + 1]]
    common, in_row, in_other = np.intersect1d(row_columns, other_columns, assume_unique=True, return_indices=True)
    if common.size == 0:
        return []
    contributions = row_values[in_row].astype(np.float64) * other_values[in_other]
    labels = [profiles.labels[column] for column in common]
    order = sorted(range(common.size), key=lambda i: (-contributions[i], labels[i]))
    result: list[str] = []
    seen: set[str] = set()
    for i in order:
        key = tag_key(labels[i])
        if key in seen:
            continue
        seen.add(key)
        result.append(labels[i])
        if len(result) == limit:
            break
    return result
