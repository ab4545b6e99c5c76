"""Assignment state of circle formation with incremental bookkeeping, construction heuristics and local search.

The objective is one weighted sum whose weights make it lexicographic: placed
members first (so the waiting list only holds who cannot be placed), then members
available at their circle's slot, then distinct organisations, then interest
similarity (the sum over circles of ``size * mean pairwise similarity``, at most
``size`` per circle). Each weight exceeds the largest change one move or swap can
cause in all lower-ranked terms together.
"""

from __future__ import annotations

import numpy as np

from matching.circles.problem import MODE_ONLINE, MODE_ONSITE, Problem

W_SIMILARITY = 1.0
W_ORGS = 40.0
W_AVAILABLE = 200.0
W_PLACED = 2000.0
# Only used while repairing: a missing member, organisation or host of a circle costs more than anything else.
W_VIOLATION = 20000.0
IMPROVEMENT = 1e-9


class State:
    """Who is in which circle (row ``k`` is the waiting pool) with per-circle counts kept up to date."""

    def __init__(self, problem: Problem, k: int) -> None:
        self.p = problem
        self.k = k
        # In soft mode minimum size, minimum organisations and host are penalties, not constraints.
        self.soft = False
        n, slots = problem.available.shape
        orgs = len(problem.org_keys)
        self.none_column = orgs
        self.orgx = np.where(problem.org >= 0, problem.org, orgs)
        self.is_org = problem.org >= 0
        self.assign = np.full(n, k, dtype=np.int64)
        self.size = np.zeros(k + 1, dtype=np.int64)
        self.slotcnt = np.zeros((k + 1, slots), dtype=np.int64)
        self.orgcnt = np.zeros((k + 1, orgs + 1), dtype=np.int64)
        self.distinct = np.zeros(k + 1, dtype=np.int64)
        self.hostcnt = np.zeros(k + 1, dtype=np.int64)
        self.modecnt = np.zeros((k + 1, 3), dtype=np.int64)
        self.pairsum = np.zeros(k + 1)
        self.apartcnt = np.zeros(k + 1, dtype=np.int64)  # keep-apart pairs inside the circle
        self.P = np.zeros((n, k + 1))
        self.KP = np.zeros((n, k + 1), dtype=np.int64)
        self.P[:, k] = problem.similarity.sum(axis=1)
        self.KP[:, k] = problem.apart.sum(axis=1)
        self.size[k] = n
        self.slotcnt[k] = problem.available.sum(axis=0)
        np.add.at(self.orgcnt[k], self.orgx, 1)
        self.mode_onehot = np.eye(3, dtype=np.int64)[problem.mode]
        # When a list, every move is recorded as (member, source) so a trial can be undone.
        self.journal: list[tuple[int, int]] | None = None
        # Members that may not move for now (tabu), so a repair cannot simply undo a deliberate kick.
        self.frozen = np.zeros(n, dtype=bool)

    # -- bookkeeping -------------------------------------------------------

    def move(self, m: int, target: int) -> None:
        """Move member ``m`` to circle ``target`` (``k`` = waiting pool), updating all counts."""
        source = self.assign[m]
        if source == target:
            return
        if self.journal is not None:
            self.journal.append((m, int(source)))
        p = self.p
        om = self.orgx[m]
        for circle, sign in ((source, -1), (target, 1)):
            if sign < 0:
                self.pairsum[circle] -= self.P[m, circle]
                self.apartcnt[circle] -= self.KP[m, circle]
            else:
                self.pairsum[circle] += self.P[m, circle]
                self.apartcnt[circle] += self.KP[m, circle]
            self.size[circle] += sign
            self.slotcnt[circle] += sign * p.available[m]
            before = self.orgcnt[circle, om]
            self.orgcnt[circle, om] += sign
            if self.is_org[m] and (before == 0 or self.orgcnt[circle, om] == 0):
                self.distinct[circle] += sign
            self.hostcnt[circle] += sign * p.host[m]
            self.modecnt[circle] += sign * self.mode_onehot[m]
            self.P[:, circle] += sign * p.similarity[:, m]
            self.KP[:, circle] += sign * p.apart[:, m]
        self.assign[m] = target

    def members(self, circle: int) -> np.ndarray:
        """Member positions in a circle, ascending."""
        return np.flatnonzero(self.assign == circle)

    def available_best(self, slotrows: np.ndarray) -> np.ndarray:
        """Members available at the best slot for each row of slot counts."""
        if slotrows.shape[-1] == 0:
            return np.zeros(slotrows.shape[:-1], dtype=np.int64)
        return slotrows.max(axis=-1)

    def chosen_slot(self, circle: int) -> int | None:
        """Index of the circle's slot: most members available, earliest slot on ties."""
        if self.slotcnt.shape[1] == 0:
            return None
        return int(np.argmax(self.slotcnt[circle]))

    # -- objective and constraints ---------------------------------------

    def score(self, size, avail, distinct, pairsum, hosts):
        """Objective contribution of circles described by arrays (not for the waiting pool)."""
        sim = np.where(size > 1, 2.0 * pairsum / np.maximum(size - 1, 1), 0.0)
        total = W_PLACED * size + W_AVAILABLE * avail + W_ORGS * distinct + W_SIMILARITY * sim
        if self.soft:
            s = self.p.settings
            missing = (
                np.maximum(0, s.min_size - size) + np.maximum(0, self.p.min_orgs - distinct) + (np.asarray(hosts) < 1)
            )
            total = total - W_VIOLATION * np.where(size > 0, missing, 0)
        return total

    def valid(self, size, avail, distinct, hosts, online, onsite, apart):
        """Whether circles described by arrays meet the hard constraints other than the organisation cap."""
        s = self.p.settings
        ok = (size <= s.max_size) & (apart == 0)
        if not self.soft:
            ok &= (size >= s.min_size) & (distinct >= self.p.min_orgs) & (hosts >= 1)
        if s.separate_modes:
            ok &= ~((online > 0) & (onsite > 0))
        if s.require_available_slot:
            ok &= avail == size
        return ok

    def circle_valid(self, circle: int) -> bool:
        """Whether one circle currently meets every hard constraint."""
        c = circle
        capped = bool((self.orgcnt[c, : self.none_column] <= self.p.cap).all())
        return capped and bool(
            self.valid(
                self.size[c],
                self.available_best(self.slotcnt[c]),
                self.distinct[c],
                self.hostcnt[c],
                self.modecnt[c, MODE_ONLINE],
                self.modecnt[c, MODE_ONSITE],
                self.apartcnt[c],
            )
        )

    def circle_scores(self) -> np.ndarray:
        """Current objective contribution of every circle row (waiting pool scores 0)."""
        scores = self.score(self.size, self.available_best(self.slotcnt), self.distinct, self.pairsum, self.hostcnt)
        scores[self.k] = 0.0
        return scores

    def objective(self) -> float:
        """Total objective of the assignment."""
        return float(self.circle_scores().sum())

    # -- neighbourhood evaluation ----------------------------------------

    def best_swap(self, a: int, scores: np.ndarray) -> tuple[float, int]:
        """Best objective change from swapping ``a`` with a member of another circle or the pool."""
        others, delta = self.swap_deltas(a, scores)
        if others.size == 0:
            return 0.0, -1
        best = int(np.argmax(delta))
        return float(delta[best]), int(others[best])

    def swap_deltas(self, a: int, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Swap partners of ``a`` and the objective change of each swap (``-inf`` where a rule would break)."""
        p, k = self.p, self.k
        A = self.assign[a]
        others = np.flatnonzero(self.assign != A)
        if k == A:
            others = others[self.assign[others] != k]
        others = others[~self.frozen[others]]
        if others.size == 0:
            return others, np.zeros(0)
        B = self.assign[others]
        oa, ob = self.orgx[a], self.orgx[others]
        org_a, org_b = self.is_org[a], self.is_org[others]
        same_org = ob == oa
        host_a, host_b = p.host[a], p.host[others]
        mode_a, mode_b = self.mode_onehot[a], self.mode_onehot[others]
        sim_ab = p.similarity[a, others]
        cap = p.cap
        delta = np.zeros(others.size)
        ok = np.ones(others.size, dtype=bool)

        if k != A:
            slot_a = self.slotcnt[A][None, :] - p.available[a][None, :] + p.available[others]
            lose = org_a and self.orgcnt[A, oa] == 1
            distinct_a = self.distinct[A] - (lose & ~same_org) + (org_b & (self.orgcnt[A, ob] == 0))
            cap_a = ~org_b | (self.orgcnt[A, ob] + 1 - same_org <= cap)
            modes_a = self.modecnt[A][None, :] - mode_a[None, :] + mode_b
            apart_a = self.apartcnt[A] - self.KP[a, A] + self.KP[others, A] - p.apart[others, a]
            pair_a = self.pairsum[A] - self.P[a, A] + self.P[others, A] - sim_ab
            size_a = np.full(others.size, self.size[A])
            avail_a = self.available_best(slot_a)
            hosts_a = self.hostcnt[A] - host_a + host_b
            ok &= cap_a & self.valid(
                size_a,
                avail_a,
                distinct_a,
                hosts_a,
                modes_a[:, MODE_ONLINE],
                modes_a[:, MODE_ONSITE],
                apart_a,
            )
            delta += self.score(size_a, avail_a, distinct_a, pair_a, hosts_a) - scores[A]

        in_circle = k != B
        delta_b = self.replace_deltas(a, np.where(in_circle, others, -1), scores)
        ok &= np.isfinite(delta_b) | ~in_circle
        delta += np.where(in_circle & ok, delta_b, 0.0)
        return others, np.where(ok, delta, -np.inf)

    def replace_deltas(self, a: int, others: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Objective change in each other's circle when ``a`` takes that member's place (``-inf`` if a rule breaks).

        Entries of ``others`` that are -1 (or members of the pool) get ``-inf``.
        """
        p, k = self.p, self.k
        real = others >= 0
        others = np.where(real, others, 0)
        B = self.assign[others]
        real &= k != B
        oa, ob = self.orgx[a], self.orgx[others]
        org_a, org_b = self.is_org[a], self.is_org[others]
        same_org = ob == oa
        mode_a, mode_b = self.mode_onehot[a], self.mode_onehot[others]
        sim_ab = p.similarity[a, others]
        slot_b = self.slotcnt[B] - p.available[others] + p.available[a][None, :]
        lose_b = org_b & (self.orgcnt[B, ob] == 1) & ~same_org
        distinct_b = self.distinct[B] - lose_b + (org_a & (self.orgcnt[B, oa] == 0))
        cap_b = (not org_a) | (self.orgcnt[B, oa] + 1 - same_org <= p.cap)
        modes_b = self.modecnt[B] - mode_b + mode_a[None, :]
        apart_b = self.apartcnt[B] - self.KP[others, B] + self.KP[a, B] - p.apart[a, others]
        pair_b = self.pairsum[B] - self.P[others, B] + self.P[a, B] - sim_ab
        avail_b = self.available_best(slot_b)
        hosts_b = self.hostcnt[B] - p.host[others] + p.host[a]
        ok = (
            real
            & (self.assign[a] != B)
            & cap_b
            & self.valid(
                self.size[B],
                avail_b,
                distinct_b,
                hosts_b,
                modes_b[:, MODE_ONLINE],
                modes_b[:, MODE_ONSITE],
                apart_b,
            )
        )
        delta = self.score(self.size[B], avail_b, distinct_b, pair_b, hosts_b) - scores[B]
        return np.where(ok, delta, -np.inf)

    def leave_delta(self, a: int, scores: np.ndarray) -> float:
        """Objective change in ``a``'s circle when ``a`` leaves it (0 from the pool, ``-inf`` if a rule breaks)."""
        p, k = self.p, self.k
        A = self.assign[a]
        if k == A:
            return 0.0
        oa = self.orgx[a]
        slot_a = self.slotcnt[A] - p.available[a]
        distinct_a = self.distinct[A] - int(self.is_org[a] and self.orgcnt[A, oa] == 1)
        modes_a = self.modecnt[A] - self.mode_onehot[a]
        avail_a = self.available_best(slot_a)
        hosts_a = self.hostcnt[A] - p.host[a]
        valid_a = self.valid(
            self.size[A] - 1,
            avail_a,
            distinct_a,
            hosts_a,
            modes_a[MODE_ONLINE],
            modes_a[MODE_ONSITE],
            self.apartcnt[A] - self.KP[a, A],
        )
        if not valid_a:
            return -np.inf
        return float(
            self.score(self.size[A] - 1, avail_a, distinct_a, self.pairsum[A] - self.P[a, A], hosts_a) - scores[A]
        )

    def join_matrix(self, members: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Objective change in each circle (columns) when each of ``members`` (rows) joins it; ``-inf`` if invalid."""
        p, k = self.p, self.k
        m = members
        org_m = self.is_org[m][:, None]
        count = self.orgcnt[:k][:, self.orgx[m]].T
        slot = self.slotcnt[None, :k, :] + p.available[m][:, None, :]
        distinct = self.distinct[None, :k] + org_m * (count == 0)
        modes = self.modecnt[None, :k, :] + self.mode_onehot[m][:, None, :]
        avail = self.available_best(slot)
        size = np.broadcast_to(self.size[None, :k] + 1, (m.size, k))
        hosts = self.hostcnt[None, :k] + p.host[m][:, None]
        ok = (~org_m | (count + 1 <= p.cap)) & (self.assign[m][:, None] != np.arange(k)[None, :])
        ok &= self.valid(
            size,
            avail,
            distinct,
            hosts,
            modes[:, :, MODE_ONLINE],
            modes[:, :, MODE_ONSITE],
            self.apartcnt[None, :k] + self.KP[m, :k],
        )
        delta = self.score(size, avail, distinct, self.pairsum[None, :k] + self.P[m, :k], hosts) - scores[None, :k]
        return np.where(ok, delta, -np.inf)

    def best_move(self, a: int, scores: np.ndarray) -> tuple[float, int]:
        """Best objective change from moving ``a`` into another circle (not into the pool)."""
        delta = self.move_deltas(a, scores)
        if delta.size == 0 or not np.isfinite(delta).any():
            return -np.inf, -1
        best = int(np.argmax(delta))
        return float(delta[best]), best

    def move_deltas(self, a: int, scores: np.ndarray) -> np.ndarray:
        """Objective change of moving ``a`` into each circle (``-inf`` where a rule would break)."""
        p, k = self.p, self.k
        A = self.assign[a]
        oa, org_a = self.orgx[a], self.is_org[a]
        base = self.leave_delta(a, scores)
        if not np.isfinite(base):
            return np.full(k, -np.inf)
        C = np.arange(k)
        slot_c = self.slotcnt[:k] + p.available[a][None, :]
        distinct_c = self.distinct[:k] + int(org_a) * (self.orgcnt[:k, oa] == 0)
        cap_c = (not org_a) | (self.orgcnt[:k, oa] + 1 <= p.cap)
        modes_c = self.modecnt[:k] + self.mode_onehot[a][None, :]
        avail_c = self.available_best(slot_c)
        size_c = self.size[:k] + 1
        hosts_c = self.hostcnt[:k] + p.host[a]
        ok = (
            (C != A)
            & cap_c
            & self.valid(
                size_c,
                avail_c,
                distinct_c,
                hosts_c,
                modes_c[:, MODE_ONLINE],
                modes_c[:, MODE_ONSITE],
                self.apartcnt[:k] + self.KP[a, :k],
            )
        )
        delta = base + self.score(size_c, avail_c, distinct_c, self.pairsum[:k] + self.P[a, :k], hosts_c) - scores[:k]
        return np.where(ok, delta, -np.inf)


def circle_count(problem: Problem, eligible: np.ndarray) -> int:
    """How many circles to open: about eligible / target, never more than sizes or hosts allow."""
    s = problem.settings
    n = int(eligible.sum())
    if n < s.min_size:
        return 0
    hosts = int(problem.host[eligible].sum())
    wanted = max(1, round(n / s.target_size))
    return max(0, min(wanted, n // s.min_size, hosts))


def target_sizes(n: int, k: int, max_size: int) -> np.ndarray:
    """Spread ``n`` members evenly over ``k`` circles, capped at the maximum size."""
    sizes = np.full(k, n // k, dtype=np.int64)
    sizes[: n % k] += 1
    return np.minimum(sizes, max_size)


def _fits(state: State, m: int, circle: int) -> bool:
    """Whether ``m`` can join ``circle`` without breaking cap, keep-apart or mode separation."""
    p = state.p
    if state.is_org[m] and state.orgcnt[circle, state.orgx[m]] >= p.cap:
        return False
    if state.KP[m, circle] > 0:
        return False
    if p.settings.separate_modes:
        mode = p.mode[m]
        if mode == MODE_ONLINE and state.modecnt[circle, MODE_ONSITE] > 0:
            return False
        if mode == MODE_ONSITE and state.modecnt[circle, MODE_ONLINE] > 0:
            return False
    return True


def _fit_mask(state: State, candidates: np.ndarray, circle: int) -> np.ndarray:
    """Vectorised ``_fits`` for many candidates and one circle."""
    p = state.p
    ok = ~state.is_org[candidates] | (state.orgcnt[circle, state.orgx[candidates]] < p.cap)
    ok &= state.KP[candidates, circle] == 0
    if p.settings.separate_modes:
        modes = p.mode[candidates]
        if state.modecnt[circle, MODE_ONSITE] > 0:
            ok &= modes != MODE_ONLINE
        if state.modecnt[circle, MODE_ONLINE] > 0:
            ok &= modes != MODE_ONSITE
    return ok


def construct_greedy(problem: Problem, eligible: np.ndarray, rng: np.random.Generator) -> State:
    """Open all circles at once, spread over the slots by demand, then let them pick members in turns (a draft)."""
    k = circle_count(problem, eligible)
    state = State(problem, k)
    if k == 0:
        return state
    sizes = target_sizes(int(eligible.sum()), k, problem.settings.max_size)
    free = eligible.copy()
    tiebreak = rng.random(problem.n) * 1e-6
    available = problem.available
    slot_of = _spread_slots(problem, eligible, k)
    seed_modes = _seed_modes(problem, eligible, k)
    for circle in range(k):
        hosts = np.flatnonzero(free & (problem.host == 1))
        wanted = hosts[problem.mode[hosts] == seed_modes[circle]]
        hosts = wanted if wanted.size else hosts
        if hosts.size == 0:
            break
        slot = slot_of[circle]
        at_slot = available[hosts, slot] if slot is not None else np.ones(hosts.size)
        # The most constrained host first: available at the slot, fewest slots overall.
        flexibility = available[hosts].sum(axis=1)
        seed = int(hosts[np.lexsort((tiebreak[hosts], flexibility, -at_slot))[0]])
        state.move(seed, circle)
        free[seed] = False
    open_circles = [c for c in range(k) if state.size[c] > 0]
    while open_circles:
        open_circles.sort(key=lambda c: (state.size[c], c))
        still_open = []
        for circle in open_circles:
            if state.size[circle] >= sizes[circle]:
                continue
            member = _best_pick(state, free, circle, slot_of[circle], tiebreak)
            if member is None:
                continue
            state.move(member, circle)
            free[member] = False
            still_open.append(circle)
        open_circles = still_open
    _insert_leftovers(state, np.flatnonzero(free), rng)
    return state


def _seed_modes(problem: Problem, eligible: np.ndarray, k: int) -> list[int]:
    """Mode preference of each circle's first member, so online-only and on-site-only members get own circles."""
    if not problem.settings.separate_modes:
        return [-1] * k
    n = int(eligible.sum())
    modes = problem.mode[eligible]
    online = round(k * int((modes == MODE_ONLINE).sum()) / n)
    onsite = min(k - online, round(k * int((modes == MODE_ONSITE).sum()) / n))
    return [MODE_ONLINE] * online + [MODE_ONSITE] * onsite + [0] * (k - online - onsite)


def _spread_slots(problem: Problem, eligible: np.ndarray, k: int) -> list[int | None]:
    """Give each circle a slot, in proportion to how many members could come (split over their slots)."""
    available = problem.available[eligible].astype(np.float64)
    if available.shape[1] == 0:
        return [None] * k
    per_member = available.sum(axis=1, keepdims=True)
    demand = (available / np.where(per_member > 0, per_member, 1.0)).sum(axis=0)
    opened = np.zeros(available.shape[1])
    slots: list[int | None] = []
    for _ in range(k):
        slot = int(np.argmax(demand / (opened + 1)))
        opened[slot] += 1
        slots.append(slot)
    return slots


def _best_pick(state: State, free: np.ndarray, circle: int, slot: int | None, tiebreak: np.ndarray) -> int | None:
    """The free member adding most to a circle: available at its slot, new organisation, similar interests."""
    problem = state.p
    pool = np.flatnonzero(free)
    if pool.size == 0:
        return None
    pool = pool[_fit_mask(state, pool, circle)]
    if pool.size == 0:
        return None
    at_slot = problem.available[pool, slot] if slot is not None else np.zeros(pool.size)
    if problem.settings.require_available_slot and slot is not None:
        pool, at_slot = pool[at_slot == 1], at_slot[at_slot == 1]
        if pool.size == 0:
            return None
    gain = (
        W_AVAILABLE * at_slot
        + W_ORGS * (state.is_org[pool] & (state.orgcnt[circle, state.orgx[pool]] == 0))
        + W_SIMILARITY * state.P[pool, circle] / max(state.size[circle], 1)
        + tiebreak[pool]
    )
    return int(pool[int(np.argmax(gain))])


def construct_random(problem: Problem, eligible: np.ndarray, rng: np.random.Generator) -> State:
    """Baseline: members in random order, each into the next circle with room it fits (round robin)."""
    k = circle_count(problem, eligible)
    state = State(problem, k)
    if k == 0:
        return state
    sizes = target_sizes(int(eligible.sum()), k, problem.settings.max_size)
    turn = 0
    for m in rng.permutation(np.flatnonzero(eligible)):
        for limit in (sizes, np.full(k, problem.settings.max_size)):
            placed = False
            for step in range(k):
                circle = (turn + step) % k
                if state.size[circle] < limit[circle] and _fits(state, int(m), circle):
                    state.move(int(m), circle)
                    turn = circle + 1
                    placed = True
                    break
            if placed:
                break
    return state


def _insert_leftovers(state: State, members: np.ndarray, rng: np.random.Generator) -> None:
    """Put each leftover member into the circle with room where it adds most, if any fits."""
    p, k = state.p, state.k
    for m in rng.permutation(members):
        m = int(m)
        rooms = np.flatnonzero((state.size[:k] < p.settings.max_size) & (state.size[:k] > 0))
        fitting = [c for c in rooms if _fits(state, m, int(c))]
        if not fitting:
            continue
        rooms = np.array(fitting)
        slots = [state.chosen_slot(int(c)) for c in rooms]
        at_slot = np.array([p.available[m, s] if s is not None else 0 for s in slots])
        if p.settings.require_available_slot:
            rooms, at_slot = rooms[at_slot == 1], at_slot[at_slot == 1]
            if rooms.size == 0:
                continue
        gain = (
            W_AVAILABLE * at_slot
            + W_ORGS * (state.is_org[m] & (state.orgcnt[rooms, state.orgx[m]] == 0))
            + W_SIMILARITY * state.P[m, rooms] / np.maximum(state.size[rooms], 1)
        )
        state.move(m, int(rooms[int(np.argmax(gain))]))


def repair(state: State, rng: np.random.Generator, reseat: bool = True) -> None:
    """Dissolve circles that break a hard constraint and, if ``reseat``, re-seat their members where they fit."""
    while True:
        broken = [c for c in range(state.k) if state.size[c] > 0 and not state.circle_valid(c)]
        if not broken:
            return
        worst = min(broken, key=lambda c: (state.size[c], c))
        members = state.members(worst)
        for m in members:
            state.move(int(m), state.k)
        if reseat:
            _reseat(state, members, rng)


def _reseat(state: State, members: np.ndarray, rng: np.random.Generator) -> None:
    """Move members from the pool into valid circles where the move keeps the circle valid."""
    for m in rng.permutation(members):
        scores = state.circle_scores()
        delta, circle = state.best_move(int(m), scores)
        if circle >= 0 and np.isfinite(delta):
            state.move(int(m), circle)


def soft_repair(state: State, rng: np.random.Generator, rounds: int) -> None:
    """Mend broken circles by local search with minimum size, organisations and host as penalties."""
    if state.k == 0:
        return
    state.soft = True
    try:
        local_search(state, rng, rounds)
    finally:
        state.soft = False


def local_search(state: State, rng: np.random.Generator, rounds: int) -> int:
    """Improve by best moves and swaps until no member has a gain; returns the passes used.

    The first pass looks at every member in seeded random order; later passes only at
    members of circles that changed since (and the waiting pool), and a final full pass
    confirms that no move or swap is left, so the result is a true local optimum.
    """
    if state.k == 0:
        return 0
    active = np.ones(state.p.n, dtype=bool)
    used = 0
    full = True
    while used < rounds:
        used += 1
        improved = improve_members(state, rng, active)
        if improved:
            full = False
        elif full:
            break
        if not active.any():
            if full:
                break
            active[:] = True
            full = True
    return used


def improve_members(state: State, rng: np.random.Generator, active: np.ndarray) -> bool:
    """One pass of best moves and swaps over the ``active`` members; re-activates members of changed circles."""
    improved = False
    scores = state.circle_scores()
    for a in rng.permutation(np.flatnonzero(active)):
        a = int(a)
        if not active[a]:
            continue
        active[a] = False
        if state.frozen[a]:
            continue
        move_gain, circle = state.best_move(a, scores)
        swap_gain, other = state.best_swap(a, scores)
        if max(move_gain, swap_gain) <= IMPROVEMENT:
            continue
        source = int(state.assign[a])
        if move_gain >= swap_gain:
            state.move(a, circle)
            touched = (source, circle)
        else:
            b_circle = int(state.assign[other])
            state.move(other, state.k)
            state.move(a, b_circle)
            state.move(other, source)
            touched = (source, b_circle)
        for c in (*touched, state.k):
            active[state.assign == c] = True
        scores = state.circle_scores()
        improved = True
    return improved
