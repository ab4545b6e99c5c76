"""Data types of circle formation: sign-ups, settings, circles, waiting list and quality figures."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MODES = ("either", "online", "onsite")


@dataclass(frozen=True, order=True)
class Slot:
    """A weekly slot: weekday 0 (Monday) to 6 (Sunday) and the key of a season's time block."""

    weekday: int
    block: str

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")


@dataclass(frozen=True, eq=False)
class SignUp:
    """One member's sign-up for a season; interests are a set of terms or a numeric vector."""

    member_id: int
    organisation_id: Hashable | None
    interests: Any
    availability: frozenset[Slot]
    willing_to_host: bool = False
    mode_preference: str = "either"
    keep_apart: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        if self.mode_preference not in MODES:
            raise ValueError(f"mode preference must be one of {MODES}, got {self.mode_preference!r}")


@dataclass(frozen=True)
class FormationSettings:
    """Season settings for forming circles; ``max_per_org=None`` derives the cap from target size and min_orgs."""

    min_size: int = 4
    max_size: int = 8
    target_size: int = 6
    min_orgs: int = 3
    max_per_org: int | None = 2
    seed: int = 0
    iterations: int = 30
    slots: tuple[Slot, ...] = ()
    require_available_slot: bool = False
    separate_modes: bool = True

    def __post_init__(self) -> None:
        problems = []
        if self.min_size < 2:
            problems.append("min_size must be at least 2")
        if not self.min_size <= self.target_size <= self.max_size:
            problems.append("sizes must satisfy min_size <= target_size <= max_size")
        if self.min_orgs < 1:
            problems.append("min_orgs must be at least 1")
        if self.max_per_org is not None and self.max_per_org < 1:
            problems.append("max_per_org must be at least 1")
        if self.iterations < 0:
            problems.append("iterations must not be negative")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def org_cap(self) -> int:
        """Members of one organisation allowed per circle."""
        if self.max_per_org is not None:
            return self.max_per_org
        return max(1, math.ceil(self.target_size / self.min_orgs))


@dataclass(frozen=True)
class Circle:
    """A formed circle with its weekly slot and who can attend and host."""

    index: int
    member_ids: tuple[int, ...]
    slot: Slot | None
    available_member_ids: tuple[int, ...]
    host_candidate_ids: tuple[int, ...]
    organisation_ids: tuple[Hashable, ...]
    mode: str
    mean_similarity: float
    # Organisations of the host-willing members, in member order: the rotation for meeting dates.
    host_organisation_ids: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class Waiting:
    """A sign-up left on the waiting list: the reason as a code and the figures that go with it."""

    member_id: int
    reason_code: str
    reason_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QualityFigures:
    """Figures an admin sees in the preview before publishing."""

    circles: int
    placed: int
    waiting: int
    mean_size: float
    mean_similarity: float
    mean_distinct_orgs: float
    min_distinct_orgs: int
    share_available: float


@dataclass(frozen=True)
class Formation:
    """Result of forming circles: circles, waiting list and quality figures."""

    circles: list[Circle]
    waiting: list[Waiting]
    figures: QualityFigures
    method: str = "local_search"
    details: dict[str, Any] = field(default_factory=dict)


def effective_min_orgs(signups: Sequence[SignUp], settings: FormationSettings) -> int:
    """Minimum distinct organisations per circle, lowered when the sign-ups have fewer organisations."""
    distinct = {s.organisation_id for s in signups if s.organisation_id is not None}
    return max(1, min(settings.min_orgs, len(distinct)))


# Why a sign-up waits; the companion words each code (with min_size and cap) for members and admins.
WAITING_REASONS: tuple[str, ...] = (
    "not_enough_signups",
    "no_availability",
    "no_valid_circle",
    "circles_full",
    "organisation_cap",
    "keep_apart",
    "mode",
    "no_common_slot",
    "circle_rules",
)


def waiting_entry(member_id: int, code: str, settings: FormationSettings) -> Waiting:
    """A waiting-list entry: the reason code and the figures its wording needs."""
    if code not in WAITING_REASONS:
        raise ValueError(f"unknown waiting reason {code!r}")
    return Waiting(member_id, code, {"min_size": settings.min_size, "cap": settings.org_cap})
