"""Form peer circles ("Zirkel") from sign-ups: greedy construction plus seeded local search, and its baselines.

Objective, in this order: as many members placed as the hard constraints allow,
members available at their circle's weekly slot, distinct organisations per
circle, interest similarity within the circle. Hard constraints: size range, each
member in at most one circle, at least ``min_orgs`` organisations per circle
(lowered to the number of organisations signed up when there are fewer), at most
``org_cap`` members of one organisation per circle, at least one host-willing
member, kept-apart pairs never together (a wish of either side is enough), and
online-only and on-site-only members not mixed (``separate_modes``). Members without
organisation count towards no organisation: they add no diversity and no cap
applies to them. Everyone not placed is on the waiting list with a reason.

The search runs from ``start_count(n)`` seeded starts (several on small instances,
one from a few hundred sign-ups on) and keeps the best by the objective; each start
is greedy construction, repair, move/swap local search, ejection chains for weak
members and, with a single start, seeded kicks (see ``circles_improve``).

Sign-ups are sorted by member id first, so the result depends only on the
sign-ups, the settings and the seed, never on input order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from matching.circles.improve import chain_search, iterated_search, kick_budget, start_count
from matching.circles.model import (
    Circle,
    Formation,
    FormationSettings,
    QualityFigures,
    SignUp,
    Slot,
    Waiting,
    effective_min_orgs,
    waiting_entry,
)
from matching.circles.problem import MODE_ONLINE, MODE_ONSITE, Problem, build_problem
from matching.circles.search import (
    IMPROVEMENT,
    State,
    construct_greedy,
    construct_random,
    local_search,
    repair,
    soft_repair,
)

__all__ = [
    "Circle",
    "Formation",
    "FormationSettings",
    "QualityFigures",
    "SignUp",
    "Slot",
    "Waiting",
    "check_hard_constraints",
    "form_circles",
    "greedy_assignment",
    "max_mean_distinct_orgs",
    "quality_figures",
    "random_assignment",
]


def form_circles(
    signups: Sequence[SignUp], settings: FormationSettings = FormationSettings(), similarity: np.ndarray | None = None
) -> Formation:
    """Form circles by greedy construction, repair, local search, ejection chains and kicks; best of seeded starts."""
    problem = build_problem(signups, settings, similarity)
    eligible = _eligible(problem)
    best: tuple[float, State, dict] | None = None
    # Small instances are cheap and their local optima tight: several seeded starts, keep the best.
    for child in np.random.SeedSequence(settings.seed).spawn(start_count(problem.n)):
        rng = np.random.default_rng(child)
        state = construct_greedy(problem, eligible, rng)
        soft_repair(state, rng, settings.iterations)
        repair(state, rng)
        rounds = local_search(state, rng, settings.iterations)
        chains = chain_search(state, rng, settings.iterations)
        kicks = iterated_search(state, rng, kick_budget(problem.n, settings.iterations))
        value = state.objective()
        if best is None or value > best[0] + IMPROVEMENT:
            best = (value, state, {"rounds": rounds, "chains": chains, **kicks})
    if best is None:
        raise RuntimeError("formation ran no start")  # start_count is at least 1
    value, state, details = best
    details = {"starts": start_count(problem.n), **details, "objective": value}
    return _formation(state, eligible, "local_search", details)


def greedy_assignment(
    signups: Sequence[SignUp], settings: FormationSettings = FormationSettings(), similarity: np.ndarray | None = None
) -> Formation:
    """Baseline: the greedy construction alone; circles that break a hard constraint are dropped, no search."""
    problem = build_problem(signups, settings, similarity)
    rng = np.random.default_rng(settings.seed)
    eligible = _eligible(problem)
    state = construct_greedy(problem, eligible, rng)
    repair(state, rng, reseat=False)
    return _formation(state, eligible, "greedy", {"objective": state.objective()})


def random_assignment(
    signups: Sequence[SignUp], settings: FormationSettings = FormationSettings(), similarity: np.ndarray | None = None
) -> Formation:
    """Baseline: seeded random order into circles round robin; circles that break a hard constraint are dropped."""
    problem = build_problem(signups, settings, similarity)
    rng = np.random.default_rng(settings.seed)
    eligible = _eligible(problem)
    state = construct_random(problem, eligible, rng)
    repair(state, rng, reseat=False)
    return _formation(state, eligible, "random", {"objective": state.objective()})


def _eligible(problem: Problem) -> np.ndarray:
    """Sign-ups that may be placed at all (with ``require_available_slot``, only those with an offered slot)."""
    if problem.settings.require_available_slot:
        return problem.available.sum(axis=1) > 0
    return np.ones(problem.n, dtype=bool)


def _formation(state: State, eligible: np.ndarray, method: str, details: dict) -> Formation:
    """Turn the search state into public circles, waiting entries and figures."""
    p = state.p
    sim = p.similarity
    circles: list[Circle] = []
    rows = [c for c in range(state.k) if state.size[c] > 0]
    rows.sort(key=lambda c: (state.chosen_slot(c) or 0, int(state.members(c)[0])))
    for index, c in enumerate(rows):
        members = state.members(c)
        slot_index = state.chosen_slot(c)
        slot = p.slots[slot_index] if slot_index is not None else None
        ids = tuple(p.signups[m].member_id for m in members)
        available = tuple(
            p.signups[m].member_id for m in members if slot_index is not None and p.available[m, slot_index]
        )
        hosts = tuple(p.signups[m].member_id for m in members if p.host[m])
        orgs = tuple(p.org_keys[o] for o in sorted({int(p.org[m]) for m in members if p.org[m] >= 0}))
        modes = {int(p.mode[m]) for m in members}
        mode = "online" if MODE_ONLINE in modes else "onsite" if MODE_ONSITE in modes else "either"
        if MODE_ONLINE in modes and MODE_ONSITE in modes:
            mode = "mixed"
        block = sim[np.ix_(members, members)]
        pairs = len(members) * (len(members) - 1)
        mean_sim = float(block.sum() / pairs) if pairs else 0.0
        host_orgs = tuple(
            o for o in dict.fromkeys(p.signups[m].organisation_id for m in members if p.host[m]) if o is not None
        )
        circles.append(Circle(index, ids, slot, available, hosts, orgs, mode, mean_sim, host_orgs))
    waiting = [
        waiting_entry(p.signups[m].member_id, _waiting_reason(state, int(m), eligible), p.settings)
        for m in np.flatnonzero(state.assign == state.k)
    ]
    return Formation(circles, waiting, _figures(circles, len(waiting)), method, details)


def _waiting_reason(state: State, m: int, eligible: np.ndarray) -> str:
    """The most telling reason why member ``m`` is on the waiting list."""
    p = state.p
    s = p.settings
    if int(eligible.sum()) < s.min_size:
        return "not_enough_signups"
    if not eligible[m]:
        return "no_availability"
    used = [c for c in range(state.k) if state.size[c] > 0]
    if not used:
        return "no_valid_circle"
    blockers: Counter[str] = Counter()
    for c in used:
        if state.size[c] >= s.max_size:
            blockers["circles_full"] += 1
        elif state.is_org[m] and state.orgcnt[c, state.orgx[m]] >= p.cap:
            blockers["organisation_cap"] += 1
        elif state.KP[m, c] > 0:
            blockers["keep_apart"] += 1
        elif s.separate_modes and (
            (p.mode[m] == MODE_ONLINE and state.modecnt[c, MODE_ONSITE] > 0)
            or (p.mode[m] == MODE_ONSITE and state.modecnt[c, MODE_ONLINE] > 0)
        ):
            blockers["mode"] += 1
        elif s.require_available_slot and not p.available[m, state.chosen_slot(c)]:
            blockers["no_common_slot"] += 1
        else:
            blockers["circle_rules"] += 1
    room = {code: count for code, count in blockers.items() if code != "circles_full"}
    if not room:
        return "circles_full"
    return max(sorted(room), key=lambda code: room[code])


def _figures(circles: Sequence[Circle], waiting: int) -> QualityFigures:
    """Aggregate quality figures over the circles."""
    placed = sum(len(c.member_ids) for c in circles)
    if not circles:
        return QualityFigures(0, 0, waiting, 0.0, 0.0, 0.0, 0, 0.0)
    return QualityFigures(
        circles=len(circles),
        placed=placed,
        waiting=waiting,
        mean_size=placed / len(circles),
        mean_similarity=float(np.mean([c.mean_similarity for c in circles])),
        mean_distinct_orgs=float(np.mean([len(c.organisation_ids) for c in circles])),
        min_distinct_orgs=min(len(c.organisation_ids) for c in circles),
        share_available=sum(len(c.available_member_ids) for c in circles) / placed,
    )


def quality_figures(
    formation: Formation,
    signups: Sequence[SignUp],
    settings: FormationSettings = FormationSettings(),
    similarity: np.ndarray | None = None,
) -> QualityFigures:
    """Recompute the quality figures of any formation from the sign-ups (independent of how it was made)."""
    problem = build_problem(signups, settings, similarity)
    position = {s.member_id: i for i, s in enumerate(problem.signups)}
    slot_index = {slot: j for j, slot in enumerate(problem.slots)}
    rebuilt = []
    for circle in formation.circles:
        members = np.array([position[m] for m in circle.member_ids])
        block = problem.similarity[np.ix_(members, members)]
        pairs = len(members) * (len(members) - 1)
        j = slot_index.get(circle.slot) if circle.slot is not None else None
        available = tuple(problem.signups[m].member_id for m in members if j is not None and problem.available[m, j])
        orgs = tuple({problem.signups[m].organisation_id for m in members} - {None})
        rebuilt.append(
            Circle(
                circle.index,
                circle.member_ids,
                circle.slot,
                available,
                (),
                orgs,
                circle.mode,
                float(block.sum() / pairs) if pairs else 0.0,
            )
        )
    return _figures(rebuilt, len(formation.waiting))


def max_mean_distinct_orgs(signups: Sequence[SignUp], circles: int) -> float:
    """Ceiling of distinct organisations per circle for any formation with ``circles`` circles.

    An organisation can count in at most ``min(its sign-ups, circles)`` circles, so the
    sum of these over all organisations, divided by the number of circles, bounds the
    mean whatever the slots, sizes and caps; a formation at this value cannot be beaten
    on that figure by another one with as many circles.
    """
    if circles <= 0:
        return 0.0
    sizes = Counter(s.organisation_id for s in signups if s.organisation_id is not None)
    return sum(min(count, circles) for count in sizes.values()) / circles


def check_hard_constraints(
    formation: Formation, signups: Sequence[SignUp], settings: FormationSettings = FormationSettings()
) -> list[str]:
    """Every hard-constraint violation of a formation, as readable messages (empty when it is valid)."""
    by_id = {s.member_id: s for s in signups}
    problems: list[str] = []
    seen: Counter[int] = Counter()
    for circle in formation.circles:
        seen.update(circle.member_ids)
    seen.update(w.member_id for w in formation.waiting)
    for member, times in seen.items():
        if member not in by_id:
            problems.append(f"member {member} did not sign up")
        elif times > 1:
            problems.append(f"member {member} appears {times} times")
    for member in by_id.keys() - seen.keys():
        problems.append(f"member {member} is neither in a circle nor waiting")
    min_orgs = effective_min_orgs(list(by_id.values()), settings)
    for circle in formation.circles:
        label = f"circle {circle.index}"
        members = [by_id[m] for m in circle.member_ids if m in by_id]
        if not settings.min_size <= len(members) <= settings.max_size:
            problems.append(f"{label}: size {len(members)} outside {settings.min_size}-{settings.max_size}")
        orgs = Counter(s.organisation_id for s in members if s.organisation_id is not None)
        if len(orgs) < min_orgs:
            problems.append(f"{label}: {len(orgs)} organisations, fewer than {min_orgs}")
        for org, count in orgs.items():
            if count > settings.org_cap:
                problems.append(f"{label}: {count} members of organisation {org}, cap {settings.org_cap}")
        if not any(s.willing_to_host for s in members):
            problems.append(f"{label}: no member willing to host")
        ids = {s.member_id for s in members}
        for s in members:
            for other in s.keep_apart & ids - {s.member_id}:
                problems.append(f"{label}: members {s.member_id} and {other} must be kept apart")
        modes = {s.mode_preference for s in members}
        if settings.separate_modes and {"online", "onsite"} <= modes:
            problems.append(f"{label}: online-only and on-site-only members mixed")
        if settings.require_available_slot:
            for s in members:
                if circle.slot not in s.availability:
                    problems.append(f"{label}: member {s.member_id} not available at the circle's slot")
    return problems
