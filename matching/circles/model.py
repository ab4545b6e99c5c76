"""Data types of circle formation: sign-ups, settings, circles, waiting list and quality figures."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
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
    """A sign-up left on the waiting list, with the reason in German and English."""

    member_id: int
    reason_code: str
    reason_de: str
    reason_en: str


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


WAITING_REASONS: dict[str, tuple[str, str]] = {
    "not_enough_signups": (
        "Zu wenige Anmeldungen für einen Zirkel (mindestens {min_size}).",
        "Not enough sign-ups for a circle (at least {min_size}).",
    ),
    "no_availability": (
        "Keine der angebotenen Zeiten wurde angegeben.",
        "None of the offered time slots was chosen.",
    ),
    "no_valid_circle": (
        "Aus den Anmeldungen ließ sich kein Zirkel bilden, der alle Regeln erfüllt "
        "(Größe, Verwaltungen, Gastgeber*in).",
        "No circle meeting all rules (size, organisations, host) could be formed from the sign-ups.",
    ),
    "circles_full": (
        "Alle passenden Zirkel sind voll.",
        "All suitable circles are full.",
    ),
    "organisation_cap": (
        "In jedem Zirkel mit freien Plätzen ist deine Verwaltung schon mit {cap} Personen vertreten.",
        "Every circle with room already has {cap} members from your organisation.",
    ),
    "keep_apart": (
        "Jeder Zirkel mit freien Plätzen enthält eine Person, von der getrennt geblieben werden soll.",
        "Every circle with room contains someone to be kept apart from.",
    ),
    "mode": (
        "Kein Zirkel mit freien Plätzen passt zum Wunsch online oder vor Ort.",
        "No circle with room matches the online or on-site preference.",
    ),
    "no_common_slot": (
        "Kein Zirkel mit freien Plätzen trifft sich zu einer deiner Zeiten.",
        "No circle with room meets at one of your times.",
    ),
    "circle_rules": (
        "Ein Wechsel in einen Zirkel würde dessen Regeln verletzen (Größe, Verwaltungen, Gastgeber*in).",
        "Joining a circle would break its rules (size, organisations, host).",
    ),
}


def waiting_entry(member_id: int, code: str, settings: FormationSettings) -> Waiting:
    """A waiting-list entry with the reason texts filled in."""
    de, en = WAITING_REASONS[code]
    values = {"min_size": settings.min_size, "cap": settings.org_cap}
    return Waiting(member_id, code, de.format(**values), en.format(**values))
