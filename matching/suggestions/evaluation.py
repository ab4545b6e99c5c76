"""Offline quality evaluation: the engine against scikit-learn TF-IDF, tags-only and random, under one allocation.

Every method goes through the same eligibility, pair exclusions (ignores, rejections, cooldown),
organisation rule, other-organisation bonus and even-exposure allocation; only how candidates
are scored differs. Figures are computed against the latent groups of a generated network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.suggestions.allocation import allocate, with_reverse_candidates
from matching.suggestions.calibration import Calibration, Interaction, calibrate
from matching.suggestions.engine import (
    EngineResult,
    MemberStatus,
    PairHistory,
    Suggestion,
    exclusion_reason,
    other_org_bonuses,
    pair_factors,
    run_matching,
)
from matching.suggestions.metrics import (
    coverage,
    cross_org_share,
    exposure_counts,
    gini,
    hit_rate,
    max_exposure,
    precision_at_k,
)
from matching.suggestions.profiles import BLOCKS, BlockWeights, MemberProfileInput, Profiles, build_profiles
from matching.suggestions.rules import RuleSet
from matching.suggestions.similarity import OrgMode, TopK, top_k

METHODS: tuple[str, ...] = ("engine", "engine_default", "sklearn_tfidf", "tags_only", "random")


@dataclass(frozen=True)
class Network:
    """What an evaluation needs from a generated network."""

    name: str
    profiles: list[MemberProfileInput]
    statuses: dict[int, MemberStatus]
    groups: Mapping[int, frozenset[int]]
    today: date
    history: PairHistory
    interactions: list[Interaction]


def evaluate(network: Network, rules: RuleSet, seed: int = 0) -> tuple[dict[str, dict[str, float]], Calibration]:
    """Figures of every method on one network; "engine" uses weights calibrated on the network's interactions,
    "engine_default" the weights of `rules`."""
    eligible = _eligible(network, rules)
    calibration = calibrate(eligible, network.interactions, rules, seed=seed)
    calibrated = calibration.apply(rules)

    def engine(chosen: RuleSet) -> EngineResult:
        return run_matching(network.profiles, network.statuses, chosen, network.history, network.today, seed)

    results = {
        "engine": engine(calibrated),
        "engine_default": engine(rules),
        "sklearn_tfidf": tfidf_result(network, rules, seed),
        "tags_only": engine(tags_only(rules)),
        "random": random_result(network, rules, seed),
    }
    return {name: figures(result, network, rules) for name, result in results.items()}, calibration


def tags_only(rules: RuleSet) -> RuleSet:
    """The rules with every block but the tags switched off (and no organisation share for thin profiles)."""
    changes: dict[str, float] = {f"weight_{block}": 0.0 for block in BLOCKS if block != "tags"}
    changes["weight_tags"] = 1.0
    changes["cold_start_org_weight"] = 0.0
    return rules.replace(**changes)


def member_text(member: MemberProfileInput) -> str:
    """All of a member's text in one document: bio, fields, interests, titles, tags, categories, liked tags."""
    parts = [member.bio, *member.fields.values(), *member.interests, *member.topic_titles]
    parts += [*member.tags, *member.categories, *member.liked_tags]
    return "\n".join(parts)


def tfidf_result(network: Network, rules: RuleSet, seed: int) -> EngineResult:
    """The baseline a user writes in ten lines: TfidfVectorizer over all text, cosine top-k, same rules."""
    built = _skeleton(network, rules)
    by_id = {member.member_id: member for member in network.profiles}
    documents = [member_text(by_id[int(member_id)]) for member_id in built.member_ids]
    matrix = TfidfVectorizer().fit_transform(documents) if any(d.strip() for d in documents) else None
    if matrix is None or matrix.shape[1] == 0:
        candidates = TopK(np.full((len(built), 1), -1, np.int32), np.zeros((len(built), 1)), np.zeros((len(built), 1)))
    else:
        factors = pair_factors(built, network.statuses, network.history, rules, network.today)
        bonuses = np.full(len(built), rules.other_org_bonus)
        candidates = top_k(
            matrix,
            rules.candidates_per_member,
            built.organisation_ids,
            rules.organisation_mode(),
            bonuses,
            rules.min_score,
            factors,
        )
    return _allocated(built, candidates, rules, seed, network.today)


def random_result(network: Network, rules: RuleSet, seed: int) -> EngineResult:
    """Random allowed partners under the same eligibility, exclusions, organisation rule and allocation."""
    built = _skeleton(network, rules)
    factors = pair_factors(built, network.statuses, network.history, rules, network.today)
    rng = np.random.default_rng(seed)
    n, width = len(built), rules.candidates_per_member
    indices = np.full((n, max(width, 1)), -1, np.int32)
    scores = np.zeros((n, max(width, 1)))
    organisations = built.organisation_ids
    for row in range(n):
        chosen: list[int] = []
        for other in rng.permutation(n):
            if other == row or factors.factor(row, int(other)) <= 0:
                continue
            same = organisations[row] >= 0 and organisations[other] == organisations[row]
            if same and rules.organisation_mode() == OrgMode.REQUIRE_OTHER:
                continue
            chosen.append(int(other))
            if len(chosen) == width:
                break
        indices[row, : len(chosen)] = chosen
        scores[row, : len(chosen)] = np.sort(rng.random(len(chosen)))[::-1]
    return _allocated(built, TopK(indices, scores, scores), rules, seed, network.today, reverse=False)


def _eligible(network: Network, rules: RuleSet) -> list[MemberProfileInput]:
    return [
        p
        for p in network.profiles
        if exclusion_reason(p.member_id, network.statuses.get(p.member_id), rules, network.today) is None
    ]


def _skeleton(network: Network, rules: RuleSet) -> Profiles:
    """Eligible members' ids and organisations in the engine's row order, without profile features."""
    nothing = BlockWeights(**dict.fromkeys(BLOCKS, 0.0))
    return build_profiles(_eligible(network, rules), nothing)


def _allocated(
    built: Profiles, candidates: TopK, rules: RuleSet, seed: int, today: date, reverse: bool = True
) -> EngineResult:
    if reverse:
        bonuses = other_org_bonuses(built, rules) if rules.organisation_mode() == OrgMode.PREFER_OTHER else 0.0
        candidates = with_reverse_candidates(candidates, built.organisation_ids, bonuses)
    allocation = allocate(candidates, rules.suggestions_per_member, rules.hub_cap, rules.exploration, seed)
    suggestions = tuple(
        Suggestion(int(built.member_ids[a]), int(built.member_ids[b]), float(s), int(r), (), None)
        for a, b, s, r in zip(allocation.receivers, allocation.suggested, allocation.similarities, allocation.ranks)
    )
    organisation_of = {int(m): (None if o < 0 else int(o)) for m, o in zip(built.member_ids, built.organisation_ids)}
    return EngineResult(suggestions, tuple(int(m) for m in built.member_ids), {}, organisation_of, rules, seed, today)


def violations(result: EngineResult, network: Network, rules: RuleSet) -> tuple[int, int]:
    """Rule violations and repeats inside the cooldown in one result."""
    cutoff = network.today - timedelta(weeks=rules.cooldown_weeks)
    recent = {frozenset((a, b)) for a, b, when in network.history.suggested if when > cutoff}
    never = {frozenset(p) for p in network.history.rejected} | {frozenset(p) for p in network.history.accepted}
    for member_id, status in network.statuses.items():
        never |= {frozenset((member_id, other)) for other in status.ignored_ids | status.muted_ids}
    eligible = set(result.eligible_ids)
    broken = repeats = 0
    for s in result.suggestions:
        pair = frozenset((s.member_id, s.suggested_id))
        repeats += pair in recent
        broken += pair in never or s.member_id == s.suggested_id
        broken += s.member_id not in eligible or s.suggested_id not in eligible
        if rules.org_mode == "require_other":
            same = result.organisations[s.member_id] == result.organisations[s.suggested_id]
            broken += same and result.organisations[s.member_id] is not None
    broken += sum(count > rules.hub_cap for count in result.exposure().values())
    broken += sum(len(v) > rules.suggestions_per_member for v in result.by_member().values())
    return broken, repeats


def figures(result: EngineResult, network: Network, rules: RuleSet) -> dict[str, float]:
    """Precision@k, hit rate, cross-organisation share, coverage, exposure Gini and maximum, violations, repeats."""
    pairs = sorted(result.pairs())
    eligible: Sequence[int] = list(result.eligible_ids)
    broken, repeats = violations(result, network, rules)
    return {
        "precision": precision_at_k(pairs, network.groups, rules.suggestions_per_member, eligible),
        "hit_rate": hit_rate(pairs, network.groups),
        "cross_org": cross_org_share(pairs, result.organisations),
        "coverage": coverage(pairs, eligible, rules.suggestions_per_member),
        "gini": gini(exposure_counts(pairs, eligible)),
        "max_exp": max_exposure(pairs),
        "violations": broken,
        "repeats": repeats,
    }
