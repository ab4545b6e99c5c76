"""Calibration of the block weights and the other-organisation bonus from the forum's own interaction history.

Replies, likes, mentions and private messages between two members are weak labels of shared interest.
The newest HELD_OUT_SHARE of the distinct interacting pairs is held out; the weights are chosen on the
older pairs by a small bounded search (coordinate ascent over fixed grids, at most ROUNDS passes, each
block and the bonus in turn, a value replacing the current one only when it is strictly better), and
they are kept only when they also predict the held-out pairs better than the rules in force do.
With fewer than MIN_PAIRS distinct pairs or MIN_MEMBERS interacting members the rules stay as they are.

The figure is precision@3 of ranking: for each member with interactions, its partners and NEGATIVES
members drawn at random (seeded) are ranked by the weighted similarity plus the bonus, and the
share of partners among the top 3 is taken (divided by min(3, partners)). Similarities per block are
computed once; every weight vector is then scored with a few array operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import scipy.sparse as sp

from matching.suggestions.profiles import (
    BLOCKS,
    NO_ORGANISATION,
    BlockWeights,
    MemberProfileInput,
    block_unit_rows,
    inverse_document_frequency,
    raw_member_features,
)
from matching.suggestions.rules import RuleSet

MIN_PAIRS = 200
MIN_MEMBERS = 30
HELD_OUT_SHARE = 0.2
NEGATIVES = 30
TOP = 3
ROUNDS = 3
# At most this many members are ranked per split, which bounds the cost at any network size.
MAX_RECEIVERS = 5000
WEIGHT_GRID: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0)
# The bonus stays above zero: preferring other organisations is the point of the service, not a fitted habit.
BONUS_GRID: tuple[float, ...] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0)


class CalibrationStatus:
    """Outcome codes (stable strings for pages and audit entries)."""

    CALIBRATED = "calibrated"
    TOO_LITTLE_HISTORY = "too_little_history"
    NO_IMPROVEMENT = "no_improvement"


@dataclass(frozen=True)
class Interaction:
    """One interaction between two members: a reply, like, mention or private message, with its date."""

    member_id: int
    other_id: int
    when: date
    kind: str = "reply"


@dataclass(frozen=True)
class Calibration:
    """Chosen weights, the weights in force before, and precision@3 on the older and the held-out pairs."""

    status: str
    before: dict[str, float]
    after: dict[str, float]
    pairs: int
    held_out_pairs: int
    members: int
    fit_precision_before: float = 0.0
    fit_precision_after: float = 0.0
    held_out_precision_before: float = 0.0
    held_out_precision_after: float = 0.0

    def apply(self, rules: RuleSet) -> RuleSet:
        """The rules with the calibrated weights (unchanged unless calibration succeeded)."""
        if self.status != CalibrationStatus.CALIBRATED:
            return rules
        return rules.replace(**self.after)


def weights_of(rules: RuleSet) -> dict[str, float]:
    """The calibrated rules of a rule set: one weight per block and the other-organisation bonus."""
    values = {f"weight_{block}": float(getattr(rules, f"weight_{block}")) for block in BLOCKS}
    values["other_org_bonus"] = float(rules.other_org_bonus)
    return values


def calibrate(
    profiles: Sequence[MemberProfileInput],
    interactions: Sequence[Interaction],
    rules: RuleSet,
    seed: int = 0,
) -> Calibration:
    """Choose block weights and bonus that best predict the members' interactions; pure and seeded."""
    before = weights_of(rules)
    members = sorted(profiles, key=lambda member: member.member_id)
    row_of = {member.member_id: row for row, member in enumerate(members)}
    pairs = _distinct_pairs(interactions, row_of)
    involved = {row for pair in pairs for row in pair[:2]}
    held_count = round(len(pairs) * HELD_OUT_SHARE)
    if len(pairs) < MIN_PAIRS or len(involved) < MIN_MEMBERS or held_count == 0:
        return Calibration(CalibrationStatus.TOO_LITTLE_HISTORY, before, before, len(pairs), held_count, len(involved))
    fit_pairs, held_pairs = pairs[: len(pairs) - held_count], pairs[len(pairs) - held_count :]
    organisations = np.array(
        [NO_ORGANISATION if m.organisation_id is None else m.organisation_id for m in members], dtype=np.int64
    )
    everything = BlockWeights(**dict.fromkeys(BLOCKS, 1.0))
    raw = raw_member_features(members, everything)
    units = block_unit_rows(raw.counts, raw.blocks, inverse_document_frequency(raw.counts)).tocsr()
    indicator = sp.csr_matrix(
        (np.ones(raw.blocks.size), (np.arange(raw.blocks.size), raw.blocks.astype(np.int64))),
        shape=(raw.blocks.size, len(BLOCKS)),
    )
    present = (np.asarray((units.multiply(units) @ indicator).todense()) > 0).astype(np.float64)
    partners: dict[int, set[int]] = {}
    for a, b, _ in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    rng = np.random.default_rng(seed)
    require_other = rules.org_mode == "require_other"
    prefer_other = rules.org_mode == "prefer_other"
    fit = _Ranking.build(fit_pairs, partners, units, indicator, present, organisations, require_other, rng)
    held = _Ranking.build(held_pairs, partners, units, indicator, present, organisations, require_other, rng)
    start = _vector(before)
    chosen, fit_after = _search(fit, start, prefer_other)
    fit_before = fit.precision(start, prefer_other)
    held_before = held.precision(start, prefer_other)
    held_after = held.precision(chosen, prefer_other)
    after = _as_rules(chosen)
    status = CalibrationStatus.CALIBRATED if held_after > held_before + 1e-9 else CalibrationStatus.NO_IMPROVEMENT
    return Calibration(
        status,
        before,
        after if status == CalibrationStatus.CALIBRATED else before,
        len(pairs),
        held_count,
        len(involved),
        fit_before,
        fit_after,
        held_before,
        held_after,
    )


def _distinct_pairs(interactions: Sequence[Interaction], row_of: dict[int, int]) -> list[tuple[int, int, date]]:
    """Unordered pairs of known members with the date of their first interaction, oldest first."""
    first: dict[tuple[int, int], date] = {}
    for interaction in interactions:
        a, b = row_of.get(interaction.member_id), row_of.get(interaction.other_id)
        if a is None or b is None or a == b:
            continue
        key = (min(a, b), max(a, b))
        when = interaction.when.date() if isinstance(interaction.when, datetime) else interaction.when
        if key not in first or when < first[key]:
            first[key] = when
    return sorted(((a, b, when) for (a, b), when in first.items()), key=lambda item: (item[2], item[0], item[1]))


@dataclass(frozen=True)
class _Ranking:
    """Candidates to rank per receiving member, with their per-block similarities computed once."""

    group: np.ndarray
    is_partner: np.ndarray
    block_similarity: np.ndarray
    receiver_present: np.ndarray
    candidate_present: np.ndarray
    other_organisation: np.ndarray
    tie_break: np.ndarray
    partners_per_group: np.ndarray

    @classmethod
    def build(
        cls,
        pairs: Sequence[tuple[int, int, date]],
        all_partners: dict[int, set[int]],
        units: sp.csr_matrix,
        indicator: sp.csr_matrix,
        present: np.ndarray,
        organisations: np.ndarray,
        require_other: bool,
        rng: np.random.Generator,
    ) -> _Ranking:
        n = units.shape[0]
        split_partners: dict[int, set[int]] = {}
        for a, b, _ in pairs:
            split_partners.setdefault(a, set()).add(b)
            split_partners.setdefault(b, set()).add(a)
        receivers = sorted(split_partners)
        if len(receivers) > MAX_RECEIVERS:
            receivers = sorted(rng.choice(receivers, size=MAX_RECEIVERS, replace=False).tolist())
        groups, candidates, labels = [], [], []
        for group, receiver in enumerate(receivers):
            own_org = organisations[receiver]

            def allowed(other: int, receiver: int = receiver, own_org: int = own_org) -> bool:
                return not (require_other and own_org != NO_ORGANISATION and organisations[other] == own_org)

            positives = [other for other in sorted(split_partners[receiver]) if allowed(other)]
            if not positives:
                continue
            excluded = all_partners[receiver] | {receiver}
            negatives: list[int] = []
            for other in rng.integers(0, n, size=NEGATIVES * 3):
                if len(negatives) == NEGATIVES:
                    break
                other = int(other)
                if other not in excluded and allowed(other):
                    excluded = excluded | {other}
                    negatives.append(other)
            for other, label in [(p, True) for p in positives] + [(m, False) for m in negatives]:
                groups.append(group)
                candidates.append(other)
                labels.append(label)
        group_array = np.array(groups, dtype=np.int64)
        candidate_array = np.array(candidates, dtype=np.int64)
        receiver_rows = np.array(receivers, dtype=np.int64)[group_array] if groups else np.zeros(0, np.int64)
        similarity = np.zeros((group_array.size, len(BLOCKS)))
        for start in range(0, group_array.size, 50_000):
            stop = start + 50_000
            products = units[receiver_rows[start:stop]].multiply(units[candidate_array[start:stop]])
            similarity[start:stop] = np.asarray((sp.csr_matrix(products) @ indicator).todense())
        own_orgs, other_orgs = organisations[receiver_rows], organisations[candidate_array]
        differs = (own_orgs == NO_ORGANISATION) | (own_orgs != other_orgs)
        label_array = np.array(labels, dtype=bool)
        return cls(
            group=group_array,
            is_partner=label_array,
            block_similarity=similarity,
            receiver_present=present[receiver_rows],
            candidate_present=present[candidate_array],
            other_organisation=differs,
            tie_break=rng.random(group_array.size),
            partners_per_group=np.bincount(group_array[label_array], minlength=len(receivers)),
        )

    def precision(self, vector: np.ndarray, prefer_other: bool) -> float:
        """Mean precision@TOP over receivers for weights (one per block) followed by the bonus."""
        if self.group.size == 0:
            return 0.0
        weights, bonus = vector[:-1], vector[-1]
        norms = np.sqrt((self.receiver_present @ weights) * (self.candidate_present @ weights))
        score = np.divide(self.block_similarity @ weights, norms, out=np.zeros(norms.size), where=norms > 0)
        if prefer_other:
            score = score + bonus * self.other_organisation
        order = np.lexsort((self.tie_break, -score, self.group))
        groups = self.group[order]
        starts = np.searchsorted(groups, groups, side="left")
        top = (np.arange(groups.size) - starts) < TOP
        hits = np.bincount(groups[top], weights=self.is_partner[order][top], minlength=self.partners_per_group.size)
        counted = self.partners_per_group > 0
        return float(np.mean(hits[counted] / np.minimum(TOP, self.partners_per_group[counted])))


def _search(ranking: _Ranking, start: np.ndarray, prefer_other: bool) -> tuple[np.ndarray, float]:
    """Coordinate ascent over the fixed grids, at most ROUNDS passes; strictly better values only."""
    current = start.copy()
    best = ranking.precision(current, prefer_other)
    for _ in range(ROUNDS):
        improved = False
        for position in range(current.size):
            if position == current.size - 1 and not prefer_other:
                continue  # the bonus means nothing unless other organisations are preferred
            grid = BONUS_GRID if position == current.size - 1 else WEIGHT_GRID
            for value in grid:
                if value == current[position]:
                    continue
                trial = current.copy()
                trial[position] = value
                if not trial[:-1].any():
                    continue  # all blocks off: no similarity at all
                figure = ranking.precision(trial, prefer_other)
                if figure > best + 1e-9:
                    best, current, improved = figure, trial, True
        if not improved:
            break
    return current, best


def _vector(values: dict[str, float]) -> np.ndarray:
    return np.array([values[f"weight_{block}"] for block in BLOCKS] + [values["other_org_bonus"]])


def _as_rules(vector: np.ndarray) -> dict[str, float]:
    values = {f"weight_{block}": float(value) for block, value in zip(BLOCKS, vector[:-1])}
    values["other_org_bonus"] = float(vector[-1])
    return values
