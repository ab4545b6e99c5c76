"""The camp's grid: sessions into rooms x slots so that people who voted for two sessions can attend both.

A conflict is one voter who wants two sessions that run in the same slot; the grid minimises the sum of
conflicts. Greedy placement by interest (most-voted first, each into the slot where it adds the fewest
conflicts), then moves and swaps between slots while they reduce conflicts, from a few fixed
starting orders (the best grid wins). Within a slot the
most-voted session gets the largest room. Deterministic for the same input.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

# Each round lowers the conflicts by at least one, so this bounds the work on any input.
MAX_ROUNDS = 5000
RESTARTS = 8


@dataclass(frozen=True)
class CampSessionInput:
    """A proposed session and who voted for it."""

    id: int
    voters: frozenset[str]


@dataclass(frozen=True)
class Room:
    """A room with its capacity."""

    name: str
    capacity: int


@dataclass(frozen=True)
class Placement:
    """A session in a slot and room."""

    session_id: int
    slot: int
    room: str


@dataclass(frozen=True)
class Grid:
    """The placements, the sessions that did not fit and the conflicts left."""

    placements: tuple[Placement, ...]
    left_out: tuple[int, ...]
    conflicts: int

    def at(self, slot: int, room: str) -> int | None:
        """The session in that cell, or None."""
        return next((p.session_id for p in self.placements if p.slot == slot and p.room == room), None)


def _overlap(a: CampSessionInput, b: CampSessionInput) -> int:
    return len(a.voters & b.voters)


def conflicts_of(slots: Mapping[int, Sequence[int]], sessions: Mapping[int, CampSessionInput]) -> int:
    """Voters who find two of their sessions in the same slot, counted per pair of sessions."""
    return sum(_overlap(sessions[a], sessions[b]) for members in slots.values() for a, b in combinations(members, 2))


def build_grid(sessions: Sequence[CampSessionInput], rooms: Sequence[Room], slot_count: int) -> Grid:
    """Place the sessions; with more sessions than cells the least-voted ones are left out."""
    if slot_count < 0 or (not rooms and sessions and slot_count):
        raise ValueError("the grid needs at least one room when it has slots")
    by_id = {s.id: s for s in sessions}
    ranked = sorted(sessions, key=lambda s: (-len(s.voters), s.id))
    cells = len(rooms) * slot_count
    placed, left_out = ranked[:cells], tuple(s.id for s in ranked[cells:])
    best: dict[int, list[int]] | None = None
    for start in range(RESTARTS):
        # The first start follows interest; later ones use fixed shuffles to leave local minima.
        order = list(placed) if start == 0 else random.Random(start).sample(placed, len(placed))
        slots = _greedy(order, by_id, len(rooms), slot_count)
        _improve(slots, by_id, len(rooms))
        if best is None or conflicts_of(slots, by_id) < conflicts_of(best, by_id):
            best = slots
        if conflicts_of(best, by_id) == 0:
            break
    slots = best if best is not None else {}
    placements = []
    ordered_rooms = sorted(rooms, key=lambda r: (-r.capacity, r.name))
    for slot, members in slots.items():
        by_interest = sorted(members, key=lambda i: (-len(by_id[i].voters), i))
        placements += [Placement(i, slot, room.name) for i, room in zip(by_interest, ordered_rooms, strict=False)]
    return Grid(tuple(sorted(placements, key=lambda p: (p.slot, p.room))), left_out, conflicts_of(slots, by_id))


def _greedy(
    order: Sequence[CampSessionInput], by_id: Mapping[int, CampSessionInput], per_slot: int, slot_count: int
) -> dict[int, list[int]]:
    """Each session, in order, into the slot with room where it adds the fewest conflicts."""
    slots: dict[int, list[int]] = {slot: [] for slot in range(slot_count)}
    for session in order:
        free = [slot for slot in slots if len(slots[slot]) < per_slot]
        best = min(
            free, key=lambda slot: (sum(_overlap(session, by_id[o]) for o in slots[slot]), len(slots[slot]), slot)
        )
        slots[best].append(session.id)
    return slots


def _improve(slots: dict[int, list[int]], by_id: Mapping[int, CampSessionInput], per_slot: int) -> None:
    """Move one session to another slot, or swap two, while that lowers the conflicts (bounded rounds)."""

    def cost_in(session_id: int, slot: int, without: int | None = None) -> int:
        return sum(_overlap(by_id[session_id], by_id[o]) for o in slots[slot] if o not in (session_id, without))

    for _round in range(MAX_ROUNDS):
        improved = False
        for source in list(slots):
            for session_id in list(slots[source]):
                here = cost_in(session_id, source)
                if here == 0:
                    continue
                for target in slots:
                    if target == source:
                        continue
                    if len(slots[target]) < per_slot and cost_in(session_id, target) < here:
                        slots[source].remove(session_id)
                        slots[target].append(session_id)
                        improved = True
                        break
                    swap = _best_swap(session_id, source, target, slots, by_id, cost_in)
                    if swap is not None:
                        slots[source].remove(session_id)
                        slots[target].remove(swap)
                        slots[source].append(swap)
                        slots[target].append(session_id)
                        improved = True
                        break
                if improved:
                    break
            if improved:
                break
        if not improved:
            return


def _best_swap(
    session_id: int,
    source: int,
    target: int,
    slots: dict[int, list[int]],
    by_id: Mapping[int, CampSessionInput],
    cost_in: Callable[..., int],
) -> int | None:
    """The session of the target slot whose swap with session_id lowers the conflicts most, or None."""
    before_a = cost_in(session_id, source)
    best, best_gain = None, 0
    for other in slots[target]:
        before = before_a + cost_in(other, target)
        after = cost_in(session_id, target, without=other) + cost_in(other, source, without=session_id)
        if before - after > best_gain:
            best, best_gain = other, before - after
    return best
