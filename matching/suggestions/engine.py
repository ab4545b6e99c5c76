"""One matching run: eligibility, profiles, candidates under the rules, allocation and explanations."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

from matching.suggestions.allocation import allocate, with_reverse_candidates
from matching.suggestions.explain import shared_terms_many
from matching.suggestions.profiles import NO_ORGANISATION, MemberProfileInput, Profiles, build_profiles
from matching.suggestions.rules import RuleSet
from matching.suggestions.similarity import EXCLUDED, OrgMode, PairFactors, top_k


class ExclusionReason(StrEnum):
    """Why a member takes no part in a run (the companion words each code for its pages and the CLI)."""

    SYSTEM_USER = "system_user"
    NO_STATUS = "no_status"
    NO_CONSENT = "no_consent"
    INACTIVE = "inactive"
    SUSPENDED = "suspended"
    SILENCED = "silenced"
    STAGED = "staged"
    EXCLUDED_GROUP = "excluded_group"
    NOT_SEEN_RECENTLY = "not_seen_recently"


@dataclass(frozen=True)
class MemberStatus:
    """Forum facts deciding whether a member takes part, and whom they ignore or mute."""

    consented: bool = False
    active: bool = True
    suspended: bool = False
    silenced: bool = False
    staged: bool = False
    last_seen: date | None = None
    groups: frozenset[str] = frozenset()
    ignored_ids: frozenset[int] = frozenset()
    muted_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PairHistory:
    """Earlier outcomes: suggested (member, suggested, when), rejected ("Passt nicht"), accepted and ignored pairs."""

    suggested: Sequence[tuple[int, int, date]] = ()
    rejected: Sequence[tuple[int, int]] = ()
    accepted: Sequence[tuple[int, int]] = ()
    ignored: Sequence[tuple[int, int]] = ()


@dataclass(frozen=True)
class Suggestion:
    """One member suggested to another, with the shared terms that explain it."""

    member_id: int
    suggested_id: int
    score: float
    rank: int
    shared_terms: tuple[str, ...]
    organisation_id: int | None


@dataclass(frozen=True)
class EngineResult:
    """The outcome of one run: suggestions, who took part, who did not and why."""

    suggestions: tuple[Suggestion, ...]
    eligible_ids: tuple[int, ...]
    excluded: dict[int, ExclusionReason]
    organisations: dict[int, int | None]
    rules: RuleSet
    seed: int
    today: date
    profile_terms: dict[int, int] = field(default_factory=dict)
    # The calibration behind the weights used (matching.suggestions.calibration.Calibration), if any.
    calibration: Any = None
    # Seconds per phase of the run (eligibility, profiles, pair_rules, top_k, allocation, explanations).
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    def by_member(self) -> dict[int, list[Suggestion]]:
        """Suggestions grouped by the member who receives them, in rank order."""
        grouped: dict[int, list[Suggestion]] = {}
        for suggestion in self.suggestions:
            grouped.setdefault(suggestion.member_id, []).append(suggestion)
        return grouped

    def exposure(self) -> dict[int, int]:
        """How often each eligible member was suggested to others in this run (zeros included)."""
        counts = dict.fromkeys(self.eligible_ids, 0)
        for suggestion in self.suggestions:
            counts[suggestion.suggested_id] += 1
        return counts

    def pairs(self) -> set[tuple[int, int]]:
        """The (member, suggested) pairs of this run."""
        return {(s.member_id, s.suggested_id) for s in self.suggestions}


def exclusion_reason(
    member_id: int, status: MemberStatus | None, rules: RuleSet, today: date
) -> ExclusionReason | None:
    """Why a member cannot take part in a run under the rules, or None when they can."""
    if member_id <= 0:
        # Discourse's own accounts (system, discobot) have ids <= 0.
        return ExclusionReason.SYSTEM_USER
    if status is None:
        return ExclusionReason.NO_STATUS
    if not status.consented:
        return ExclusionReason.NO_CONSENT
    if not status.active:
        return ExclusionReason.INACTIVE
    if status.suspended:
        return ExclusionReason.SUSPENDED
    if status.silenced:
        return ExclusionReason.SILENCED
    if status.staged:
        return ExclusionReason.STAGED
    if status.groups & set(rules.excluded_groups):
        return ExclusionReason.EXCLUDED_GROUP
    cutoff = today - timedelta(days=rules.active_within_days)
    if rules.active_within_days > 0 and (status.last_seen is None or _as_date(status.last_seen) < cutoff):
        return ExclusionReason.NOT_SEEN_RECENTLY
    return None


def run_matching(
    profiles: Iterable[MemberProfileInput],
    statuses: Mapping[int, MemberStatus],
    rules: RuleSet,
    history: PairHistory = PairHistory(),
    today: date | None = None,
    seed: int = 0,
) -> EngineResult:
    """Suggest members to each other under the rules; pure and deterministic for given inputs and seed."""
    if today is None:
        raise ValueError("today is required so that runs are reproducible")
    today = _as_date(today)
    clock = _Clock()
    members = sorted(profiles, key=lambda member: member.member_id)
    excluded: dict[int, ExclusionReason] = {}
    eligible: list[MemberProfileInput] = []
    for member in members:
        reason = exclusion_reason(member.member_id, statuses.get(member.member_id), rules, today)
        if reason is None:
            eligible.append(member)
        else:
            excluded[member.member_id] = reason
    clock.lap("eligibility")
    built = build_profiles(eligible, rules.block_weights(), rules.cold_start())
    clock.lap("profiles")
    factors = pair_factors(built, statuses, history, rules, today)
    bonuses = other_org_bonuses(built, rules)
    clock.lap("pair_rules")
    candidates = top_k(
        built.matrix,
        rules.candidates_per_member,
        built.organisation_ids,
        rules.organisation_mode(),
        bonuses,
        rules.min_score,
        factors,
    )
    # Every pair rule is symmetric (pair factors are stored both ways), so a member nobody lists may still
    # be suggested to those on its own list: this is what lets the allocation even out exposure.
    clock.lap("top_k")
    reverse_bonuses = bonuses if rules.organisation_mode() == OrgMode.PREFER_OTHER else 0.0
    candidates = with_reverse_candidates(candidates, built.organisation_ids, reverse_bonuses)
    allocation = allocate(candidates, rules.suggestions_per_member, rules.hub_cap, rules.exploration, seed)
    clock.lap("allocation")
    explanations = shared_terms_many(built, allocation.receivers, allocation.suggested, rules.explanation_terms)
    chosen = [
        Suggestion(
            member_id=int(built.member_ids[receiver]),
            suggested_id=int(built.member_ids[other]),
            score=float(similarity),
            rank=int(rank),
            shared_terms=terms,
            organisation_id=_organisation(built, int(other)),
        )
        for receiver, other, similarity, rank, terms in zip(
            allocation.receivers, allocation.suggested, allocation.similarities, allocation.ranks, explanations
        )
    ]
    suggestions = rank_by_score(chosen)
    clock.lap("explanations")
    return EngineResult(
        suggestions=suggestions,
        eligible_ids=tuple(int(i) for i in built.member_ids),
        excluded=excluded,
        organisations={int(m): _organisation(built, row) for row, m in enumerate(built.member_ids)},
        rules=rules,
        seed=seed,
        today=today,
        profile_terms={int(m): int(n) for m, n in zip(built.member_ids, np.diff(built.own.indptr))},
        timings=clock.laps,
    )


class _Clock:
    """Wall-clock seconds per phase of a run, for benchmarks and logs (results never depend on it)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()

    def lap(self, phase: str) -> None:
        """Record wall seconds as `phase` and CPU seconds of all threads as `phase_cpu`."""
        now, cpu = time.perf_counter(), time.process_time()
        self.laps[phase] = now - self._last
        self.laps[f"{phase}_cpu"] = cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu


def other_org_bonuses(built: Profiles, rules: RuleSet) -> np.ndarray:
    """Per-member other-organisation bonus: thin profiles add their organisation share on top.

    A thin profile is partly its organisation's average, which makes it look like its own colleagues
    by construction; the extra bonus (at most that share) cancels this circular advantage.
    """
    bonuses = np.full(len(built), rules.other_org_bonus)
    bonuses[built.cold_start] += rules.cold_start_org_weight
    return bonuses


def pair_factors(
    built: Profiles, statuses: Mapping[int, MemberStatus], history: PairHistory, rules: RuleSet, today: date
) -> PairFactors:
    """Pair exclusions (ignores, mutes, rejections, acceptances, cooldown) and discounts (ignored suggestions)."""
    rows = {int(member_id): row for row, member_id in enumerate(built.member_ids)}
    triples: list[tuple[int, int, float]] = []

    def add(a: int, b: int, factor: float) -> None:
        if a in rows and b in rows:
            triples.append((rows[a], rows[b], factor))

    for member_id in rows:
        status = statuses[member_id]
        for other in status.ignored_ids | status.muted_ids:
            add(member_id, other, EXCLUDED)
    for a, b in history.rejected:
        add(a, b, EXCLUDED)
    for a, b in history.accepted:
        add(a, b, EXCLUDED)
    if rules.cooldown_weeks > 0:
        cutoff = today - timedelta(weeks=rules.cooldown_weeks)
        for a, b, when in history.suggested:
            if _as_date(when) > cutoff:
                add(a, b, EXCLUDED)
    if rules.ignored_factor < 1.0:
        for a, b in history.ignored:
            add(a, b, rules.ignored_factor)
    return PairFactors.from_pairs(len(built), triples)


def _organisation(built: Profiles, row: int) -> int | None:
    organisation = int(built.organisation_ids[row])
    return None if organisation == NO_ORGANISATION else organisation


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def rank_by_score(suggestions: list[Suggestion]) -> tuple[Suggestion, ...]:
    """Each member's suggestions ranked by the score shown to them, best first (ties keep the allocation's order).

    The allocation decides who is suggested (with organisation bonuses, exposure caps and exploration); the
    order a member sees must follow the similarity they are shown, or rank 2 could score higher than rank 1.
    """
    ordered = sorted(suggestions, key=lambda s: (s.member_id, -s.score, s.rank))
    ranked: list[Suggestion] = []
    for suggestion in ordered:
        previous = ranked[-1] if ranked else None
        rank = previous.rank + 1 if previous is not None and previous.member_id == suggestion.member_id else 1
        ranked.append(replace(suggestion, rank=rank))
    return tuple(ranked)
