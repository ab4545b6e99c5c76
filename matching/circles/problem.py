"""Turn sign-ups into the arrays circle formation works on: organisations, slots, hosts, modes, similarity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import scipy.sparse as sp

from matching.circles.model import MODES, FormationSettings, SignUp, Slot, effective_min_orgs

MODE_ONLINE = MODES.index("online")
MODE_ONSITE = MODES.index("onsite")


@dataclass
class Problem:
    """Sign-ups (sorted by member id) as arrays; organisation index -1 means no organisation."""

    signups: list[SignUp]
    settings: FormationSettings
    slots: list[Slot]
    available: np.ndarray  # (n, S) int8
    org: np.ndarray  # (n,) int, -1 = none
    org_keys: list
    host: np.ndarray  # (n,) int8
    mode: np.ndarray  # (n,) int, index into MODES
    similarity: np.ndarray  # (n, n) float64, zero diagonal
    apart: np.ndarray  # (n, n) int8, symmetric
    min_orgs: int
    cap: int

    @property
    def n(self) -> int:
        """Number of sign-ups."""
        return len(self.signups)


def build_problem(
    signups: Sequence[SignUp], settings: FormationSettings, similarity: np.ndarray | None = None
) -> Problem:
    """Validate sign-ups and build the arrays; ``similarity`` (ordered like ``signups``) overrides interests."""
    ids = [s.member_id for s in signups]
    if len(set(ids)) != len(ids):
        raise ValueError("each member may sign up only once")
    order = sorted(range(len(signups)), key=lambda i: signups[i].member_id)
    ordered = [signups[i] for i in order]
    n = len(ordered)

    slots = list(settings.slots) if settings.slots else sorted({slot for s in ordered for slot in s.availability})
    slot_index = {slot: j for j, slot in enumerate(slots)}
    available = np.zeros((n, len(slots)), dtype=np.int8)
    for i, signup in enumerate(ordered):
        for slot in signup.availability:
            if slot in slot_index:
                available[i, slot_index[slot]] = 1

    org_keys = sorted(
        {s.organisation_id for s in ordered if s.organisation_id is not None}, key=lambda o: (type(o).__name__, str(o))
    )
    org_index = {key: j for j, key in enumerate(org_keys)}
    org = np.array(
        [org_index.get(s.organisation_id, -1) if s.organisation_id is not None else -1 for s in ordered], dtype=np.int64
    )
    host = np.array([1 if s.willing_to_host else 0 for s in ordered], dtype=np.int8)
    mode = np.array([MODES.index(s.mode_preference) for s in ordered], dtype=np.int64)

    if similarity is not None:
        sim = np.asarray(similarity, dtype=np.float64)
        if sim.shape != (n, n):
            raise ValueError(f"similarity must be {n} x {n}")
        sim = sim[np.ix_(order, order)].copy()
    else:
        sim = interest_similarity([s.interests for s in ordered])
    np.fill_diagonal(sim, 0.0)

    position = {s.member_id: i for i, s in enumerate(ordered)}
    apart = np.zeros((n, n), dtype=np.int8)
    for i, signup in enumerate(ordered):
        for other in signup.keep_apart:
            j = position.get(other)
            if j is not None and j != i:
                apart[i, j] = apart[j, i] = 1

    return Problem(
        signups=ordered,
        settings=settings,
        slots=slots,
        available=available,
        org=org,
        org_keys=org_keys,
        host=host,
        mode=mode,
        similarity=sim,
        apart=apart,
        min_orgs=effective_min_orgs(ordered, settings),
        cap=settings.org_cap,
    )


def interest_similarity(interests: Sequence[object]) -> np.ndarray:
    """Cosine similarity of term sets (binary vectors) or of numeric vectors; empty interests give 0."""
    n = len(interests)
    if n == 0:
        return np.zeros((0, 0))
    if all(isinstance(x, (set, frozenset)) for x in interests):
        vocabulary: dict[str, int] = {}
        rows, cols = [], []
        for i, terms in enumerate(interests):
            for term in sorted(cast("set[str] | frozenset[str]", terms)):
                rows.append(i)
                cols.append(vocabulary.setdefault(term, len(vocabulary)))
        matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(1, len(vocabulary))))
    elif all(sp.issparse(x) for x in interests):
        matrix = sp.vstack([sp.csr_matrix(x) for x in interests]).tocsr().astype(np.float64)
    elif all(isinstance(x, np.ndarray) for x in interests):
        matrix = np.vstack([np.asarray(x, dtype=np.float64).ravel() for x in interests])
    else:
        raise TypeError("interests must all be term sets, all numpy vectors or all scipy sparse rows")
    if sp.issparse(matrix):
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        scale = sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0))
        unit = scale @ matrix
        return np.asarray((unit @ unit.T).todense(), dtype=np.float64)
    norms = np.linalg.norm(matrix, axis=1)
    unit = matrix / np.where(norms > 0, norms, 1.0)[:, None]
    return unit @ unit.T
