"""The camp grid: conflicts avoided where possible, the most-voted in the largest room, the least-voted left out."""

from __future__ import annotations

import random
from itertools import product

import pytest

from matching.camp.grid import CampSessionInput, Room, build_grid, conflicts_of

ROOMS = (Room("Saal", 60), Room("Raum 2", 20), Room("Raum 3", 12))


def sessions_from(voters: dict[int, set[str]]) -> list[CampSessionInput]:
    return [CampSessionInput(i, frozenset(v)) for i, v in voters.items()]


def optimum(sessions: list[CampSessionInput], rooms: int, slots: int) -> int:
    """Fewest conflicts over every assignment of sessions to slots with at most `rooms` per slot."""
    by_id = {s.id: s for s in sessions}
    best = None
    for assignment in product(range(slots), repeat=len(sessions)):
        grouped: dict[int, list[int]] = {slot: [] for slot in range(slots)}
        for session, slot in zip(sessions, assignment, strict=True):
            grouped[slot].append(session.id)
        if any(len(members) > rooms for members in grouped.values()):
            continue
        cost = conflicts_of(grouped, by_id)
        best = cost if best is None else min(best, cost)
    assert best is not None
    return best


def test_sessions_sharing_voters_go_into_different_slots_when_possible():
    voters = {1: {"a", "b"}, 2: {"c"}, 3: {"d", "e"}, 4: {"a", "x"}, 5: {"c", "y"}, 6: {"e", "z"}}
    grid = build_grid(sessions_from(voters), ROOMS, 2)
    slot_of = {p.session_id: p.slot for p in grid.placements}
    assert grid.conflicts == 0 and not grid.left_out
    for a, b in [(1, 4), (2, 5), (3, 6)]:
        assert slot_of[a] != slot_of[b], f"voters of {a} and {b} could not attend both"


def test_the_most_voted_session_of_a_slot_gets_the_largest_room_and_extra_sessions_are_left_out():
    voters = {i: {f"v{j}" for j in range(i)} for i in range(1, 9)}
    grid = build_grid(sessions_from(voters), ROOMS, 2)
    assert grid.left_out == (2, 1), "the two least-voted of eight sessions do not fit six cells"
    for slot in (0, 1):
        in_slot = {p.room: p.session_id for p in grid.placements if p.slot == slot}
        assert len(voters[in_slot["Saal"]]) > len(voters[in_slot["Raum 2"]]) > len(voters[in_slot["Raum 3"]])


@pytest.mark.parametrize("seed", range(40))
def test_random_camps_reach_the_fewest_possible_conflicts(seed):
    rng = random.Random(seed)
    people = [f"p{i}" for i in range(12)]
    voters = {i: set(rng.sample(people, rng.randint(1, 5))) for i in range(1, 8)}
    sessions = sessions_from(voters)
    grid = build_grid(sessions, ROOMS[:3], 3)
    assert grid.conflicts == optimum(sessions, 3, 3)


def test_it_beats_placing_sessions_in_proposal_order():
    rng = random.Random(99)
    people = [f"p{i}" for i in range(40)]
    voters = {i: set(rng.sample(people, 8)) for i in range(1, 13)}
    sessions = sessions_from(voters)
    grid = build_grid(sessions, ROOMS, 4)
    naive = {slot: [s.id for s in sessions[slot * 3 : slot * 3 + 3]] for slot in range(4)}
    assert grid.conflicts < conflicts_of(naive, {s.id: s for s in sessions})


def test_same_input_same_grid_and_empty_input():
    voters = {i: {f"v{i % 3}", f"w{i % 2}"} for i in range(1, 7)}
    assert build_grid(sessions_from(voters), ROOMS, 2) == build_grid(sessions_from(voters), ROOMS, 2)
    empty = build_grid([], ROOMS, 3)
    assert empty.placements == () and empty.conflicts == 0
