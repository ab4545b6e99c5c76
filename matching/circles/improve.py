"""Iterated local search for circle formation: seeded kicks at weak spots, local repair, keep only what is not worse.

Plain moves and swaps stop at a local optimum, often one member short of a better
slot or one organisation short of more diversity, because reaching it takes a step
that first costs something. A kick makes such a step on purpose: it takes a member
who is not available at the circle's slot, or who shares the organisation with
another member of the circle (or any member, now and then), and applies one of the
least bad valid moves or swaps for it, sometimes chained with a second one for the
member it displaced. Local search from the touched circles follows; the result is
kept if the lexicographic objective did not get worse and undone otherwise. The
search is therefore monotone: it never ends worse than it started and never breaks
a hard constraint, since kicks and repairs only use valid moves and swaps.
"""

from __future__ import annotations

import numpy as np

from matching.circles.search import IMPROVEMENT, State, improve_members

# How many of the least bad valid steps a kick chooses from: wide enough to explore, narrow enough to stay near.
KICK_WIDTH = 6
# Chance that a kick continues with the member it displaced, making a two-step chain.
CHAIN_CHANCE = 0.5
# Chance that a kick starts at any member rather than at a weak spot.
RANDOM_START_CHANCE = 0.2
# Passes of local repair after a kick; repairs are local, so few are needed.
REPAIR_PASSES = 4
# Starts for small instances: START_BUDGET // n of them, at most MAX_STARTS (8 at 60 sign-ups, 2 at 300, 1 at 1,000).
MAX_STARTS = 8
START_BUDGET = 600
# Kicks per local-search iteration on instances with a single start.
KICKS_PER_ITERATION = 4
# Swap-in partners a chain considers per member (the best by their own circle's change), bounding its cost.
CHAIN_PARTNERS = 48


def start_count(n: int) -> int:
    """Independent seeded starts for ``n`` sign-ups: several when one start costs little (up to ``MAX_STARTS``)."""
    return max(1, min(MAX_STARTS, START_BUDGET // max(n, 1)))


def kick_budget(n: int, iterations: int) -> int:
    """Kicks per start: none when several starts already explore, else ``KICKS_PER_ITERATION`` per iteration."""
    if n == 0 or start_count(n) > 1:
        return 0
    return iterations * KICKS_PER_ITERATION


def iterated_search(state: State, rng: np.random.Generator, kicks: int) -> dict[str, int]:
    """Apply ``kicks`` seeded kicks with local repair, keeping each result that is not worse; returns counts."""
    if state.k == 0 or kicks <= 0:
        return {"kicks": 0, "kept": 0, "improved": 0}
    current = state.objective()
    kept = improved = 0
    for _ in range(kicks):
        state.journal = []
        try:
            touched = _kick(state, rng)
            if touched:
                _repair_locally(state, rng, touched)
        finally:
            journal, state.journal = state.journal, None
            state.frozen[:] = False
        if not journal:
            continue
        value = state.objective()
        if value >= current - IMPROVEMENT:
            kept += 1
            improved += value > current + IMPROVEMENT
            current = max(current, value)
        else:
            for member, source in reversed(journal):
                state.move(member, source)
    return {"kicks": kicks, "kept": kept, "improved": improved}


def weak_members(state: State) -> np.ndarray:
    """Placed members not available at their circle's slot or sharing their organisation within the circle."""
    p, k = state.p, state.k
    placed = np.flatnonzero(state.assign < k)
    if placed.size == 0:
        return placed
    circles = state.assign[placed]
    weak = state.is_org[placed] & (state.orgcnt[circles, state.orgx[placed]] > 1)
    if p.available.shape[1]:
        slots = np.argmax(state.slotcnt[circles], axis=1)
        weak |= p.available[placed, slots] == 0
    return placed[weak]


def _kick(state: State, rng: np.random.Generator) -> set[int]:
    """Apply one or two deliberately non-improving valid steps; returns the circles they touched."""
    weak = weak_members(state)
    placed = np.flatnonzero(state.assign < state.k)
    if placed.size == 0:
        return set()
    pool = weak if weak.size and rng.random() >= RANDOM_START_CHANCE else placed
    member = int(pool[rng.integers(pool.size)])
    touched: set[int] = set()
    for _ in range(2):
        displaced = _least_bad_step(state, rng, member, touched)
        if displaced is None or rng.random() >= CHAIN_CHANCE:
            break
        member = displaced
    return touched


def _least_bad_step(state: State, rng: np.random.Generator, member: int, touched: set[int]) -> int | None:
    """Move or swap ``member`` by one of the least bad valid steps; returns the swapped partner, if any."""
    scores = state.circle_scores()
    moves = state.move_deltas(member, scores)
    others, swaps = state.swap_deltas(member, scores)
    # Candidates: circles to move into (as -1 - circle) and partners to swap with (as member index).
    keys = np.concatenate([-1 - np.arange(moves.size), others])
    deltas = np.concatenate([moves, swaps])
    valid = np.flatnonzero(np.isfinite(deltas))
    if valid.size == 0:
        return None
    order = valid[np.lexsort((keys[valid], -deltas[valid]))][:KICK_WIDTH]
    key = int(keys[order[rng.integers(order.size)]])
    source = int(state.assign[member])
    touched.add(source)
    state.frozen[member] = True
    if key < 0:
        target = -1 - key
        state.move(member, target)
        touched.add(target)
        return None
    partner_circle = int(state.assign[key])
    state.move(key, state.k)
    state.move(member, partner_circle)
    state.move(key, source)
    touched.add(partner_circle)
    return key


def _repair_locally(state: State, rng: np.random.Generator, touched: set[int]) -> None:
    """Local search over the members of the touched circles and the pool, spreading as circles change."""
    active = np.isin(state.assign, [*touched, state.k])
    for _ in range(REPAIR_PASSES):
        if not active.any() or not improve_members(state, rng, active):
            break


def best_chain(state: State, a: int, scores: np.ndarray) -> tuple[float, int, int]:
    """Best ejection chain: ``a`` takes the place of some ``b``, who joins a third circle; (gain, b, circle)."""
    k = state.k
    leave = state.leave_delta(a, scores)
    if not np.isfinite(leave):
        return -np.inf, -1, -1
    source = int(state.assign[a])
    others = np.flatnonzero((state.assign != source) & (state.assign != k) & ~state.frozen)
    replace = state.replace_deltas(a, others, scores)
    keep = np.isfinite(replace)
    others, replace = others[keep], replace[keep]
    if others.size == 0:
        return -np.inf, -1, -1
    if others.size > CHAIN_PARTNERS:
        top = np.argsort(-replace, kind="stable")[:CHAIN_PARTNERS]
        others, replace = others[top], replace[top]
    total = leave + replace[:, None] + state.join_matrix(others, scores)
    if source != k:
        total[:, source] = -np.inf
    row, circle = np.unravel_index(int(np.argmax(total)), total.shape)
    return float(total[row, circle]), int(others[row]), int(circle)


def chain_search(state: State, rng: np.random.Generator, passes: int) -> int:
    """Apply improving ejection chains for weak and waiting members, each followed by local repair; returns chains."""
    if state.k == 0:
        return 0
    applied = 0
    for _ in range(passes):
        candidates = np.union1d(weak_members(state), np.flatnonzero(state.assign == state.k))
        improved = False
        for a in rng.permutation(candidates):
            a = int(a)
            gain, other, circle = best_chain(state, a, state.circle_scores())
            if gain <= IMPROVEMENT:
                continue
            source, middle = int(state.assign[a]), int(state.assign[other])
            state.move(other, circle)
            state.move(a, middle)
            applied += 1
            improved = True
            _repair_locally(state, rng, {source, middle, circle})
        if not improved:
            break
    return applied
