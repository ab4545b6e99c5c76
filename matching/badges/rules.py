"""Badge rules over the interaction graph: who newly earned which badge, with evidence, and progress per member.

Conventions shared by every rule:

- Interactions are read in chronological order (ties keep input order), so the
  evidence of an award is the interaction that completed the rule.
- An interaction counts only if its actor and (when it has one) its target are
  known members (keys of ``members``) who are not deleted: a deleted member's
  data is gone, so they neither earn badges nor serve as anyone's evidence.
- Self-interactions (actor == target) never count.
- "Other organisation" means: the target has an organisation and it differs from
  the actor's. An actor without organisation counts every organisation as other;
  a target without organisation counts as none.
- A badge that can be granted more than once is granted once per completed
  instance (another circle, another meeting, another organisation pair, every
  further ``min_*`` step of a counting rule); ``already_granted`` may then give
  the number of grants so far. Revoked (member, badge) pairs are never re-awarded.
- An award says why as an ``AwardReason`` code with its figures in ``reason_params``;
  the companion words it (badge names and descriptions are the catalogue's data).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

INTERACTION_KINDS = ("reply", "like", "pm", "meeting_attended", "meeting_hosted", "suggestion_accepted")
BADGE_TYPES = ("gold", "silver", "bronze")


class AwardReason(StrEnum):
    """Why a rule awarded a badge; the companion words each code with the award's ``reason_params``."""

    OTHER_ORGS = "other_orgs"  # params: orgs (how many other organisations)
    CIRCLE_MEETINGS = "circle_meetings"  # params: meetings, circle
    SUGGESTIONS_ACCEPTED = "suggestions_accepted"  # params: members (suggested members talked to)
    HOSTED_FOR_OTHER_ORGS = "hosted_for_other_orgs"  # params: meeting, guests
    FIRST_CONTACT = "first_contact"  # params: own, other (the organisations as given in members)


@dataclass(frozen=True)
class Interaction:
    """One thing a member did: replied to, liked, messaged, met, hosted or accepted a suggestion."""

    kind: str
    actor_id: int
    target_id: int | None
    at: datetime
    post_id: int | None = None
    topic_id: int | None = None
    url: str | None = None
    circle_id: Hashable | None = None
    meeting_id: Hashable | None = None


@dataclass(frozen=True)
class BadgeDefinition:
    """A badge of the catalogue as admins configure it; ``rule`` names one of ``RULES``."""

    key: str
    name_de: str
    name_en: str
    description_de: str
    description_en: str
    icon: str
    badge_type: str
    multiple_grant: bool
    rule: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Award:
    """A badge newly earned by a member, with the interaction that completed it."""

    member_id: int
    badge_key: str
    evidence_url: str | None
    evidence_post_id: int | None
    reason_code: AwardReason
    reason_params: Mapping[str, Any]
    at: datetime
    instance: str


@dataclass(frozen=True)
class Progress:
    """How far a member is towards a badge, e.g. 2 of 3 organisations."""

    badge_key: str
    current: int
    target: int
    earned: bool


@dataclass(frozen=True)
class BadgeEvaluation:
    """New awards and per-member progress from one pass over the interactions."""

    awards: list[Award]
    progress: dict[int, list[Progress]]


@dataclass(frozen=True)
class ParamProblem:
    """One invalid rule parameter as a stable code with its values (the companion words it for people).

    Codes: unknown_rule (rule), unknown_param (name, rule), not_a_list (name), bad_kinds (name, kinds, value),
    not_whole_number (name, value), below_minimum (name, minimum, value).
    """

    code: str
    params: Mapping[str, Any]

    def __str__(self) -> str:
        # Plain developer text for logs and the English CLI.
        p = self.params
        texts = {
            "unknown_rule": lambda: f"unknown rule {p.get('rule')!r}",
            "unknown_param": lambda: f"unknown parameter {p.get('name')!r} for rule {p.get('rule')!r}",
            "not_a_list": lambda: f"{p.get('name')} must be a list of interaction kinds",
            "bad_kinds": lambda: (
                f"{p.get('name')} must be a non-empty selection of {', '.join(p.get('kinds', ()))}; "
                f"got {list(p.get('value', ()))}"
            ),
            "not_whole_number": lambda: f"{p.get('name')} must be a whole number, got {p.get('value')!r}",
            "below_minimum": lambda: f"{p.get('name')} must be at least {p.get('minimum')}, got {p.get('value')}",
        }
        return texts[self.code]() if self.code in texts else self.code


class BadgeConfigError(ValueError):
    """A badge definition or its rule parameters are invalid; ``problems`` lists every issue (as text).

    ``details`` holds the parameter problems as codes for callers that word them themselves.
    """

    def __init__(self, problems: Sequence[str | ParamProblem]) -> None:
        self.details = [problem for problem in problems if isinstance(problem, ParamProblem)]
        self.problems = [str(problem) for problem in problems]
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class _Param:
    """One rule parameter: an integer of at least ``minimum`` or a list of interaction kinds."""

    default: Any
    minimum: int | None = None
    kinds: tuple[str, ...] | None = None


RULES: dict[str, dict[str, _Param]] = {
    "distinct_other_orgs": {
        "min_orgs": _Param(3, 1),
        "kinds": _Param(("reply", "like"), kinds=("reply", "like", "pm")),
    },
    "circle_meetings": {
        "min_meetings": _Param(1, 1),
        "kinds": _Param(("meeting_attended", "meeting_hosted"), kinds=("meeting_attended", "meeting_hosted")),
    },
    "suggestions_accepted": {"min_accepted": _Param(3, 1)},
    "hosted_for_other_orgs": {"min_guests": _Param(1, 1)},
    "first_contact_between_orgs": {
        "kinds": _Param(
            ("reply", "like", "pm", "suggestion_accepted"), kinds=("reply", "like", "pm", "suggestion_accepted")
        )
    },
}

_KEY = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


def validate_params(rule: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Rule parameters with defaults filled in; raises BadgeConfigError listing every problem."""
    if rule not in RULES:
        raise BadgeConfigError([ParamProblem("unknown_rule", {"rule": rule, "known": sorted(RULES)})])
    spec = RULES[rule]
    problems: list[str | ParamProblem] = [
        ParamProblem("unknown_param", {"name": name, "rule": rule}) for name in params if name not in spec
    ]
    result: dict[str, Any] = {}
    for name, param in spec.items():
        value = params.get(name, param.default)
        if param.kinds is not None:
            if isinstance(value, str) or not isinstance(value, Iterable):
                problems.append(ParamProblem("not_a_list", {"name": name}))
                continue
            value = tuple(value)
            wrong = [kind for kind in value if kind not in param.kinds]
            if wrong or not value:
                problems.append(ParamProblem("bad_kinds", {"name": name, "kinds": param.kinds, "value": list(value)}))
            result[name] = value
        else:
            if isinstance(value, bool) or not isinstance(value, int):
                problems.append(ParamProblem("not_whole_number", {"name": name, "value": value}))
            elif param.minimum is not None and value < param.minimum:
                problems.append(ParamProblem("below_minimum", {"name": name, "minimum": param.minimum, "value": value}))
            result[name] = value
    if problems:
        raise BadgeConfigError(problems)
    return result


def validate_definition(definition: BadgeDefinition) -> list[str]:
    """Every problem of one badge definition (empty when it is valid)."""
    problems = []
    if not _KEY.match(definition.key):
        problems.append(f"key {definition.key!r} must be lower case letters, digits and _ (2-63 characters)")
    for name in ("name_de", "name_en", "description_de", "description_en", "icon"):
        if not str(getattr(definition, name)).strip():
            problems.append(f"{definition.key}: {name} must not be empty")
    if definition.badge_type not in BADGE_TYPES:
        problems.append(f"{definition.key}: badge type must be one of {', '.join(BADGE_TYPES)}")
    try:
        validate_params(definition.rule, definition.params)
    except BadgeConfigError as error:
        problems.extend(f"{definition.key}: {problem}" for problem in error.problems)
    return problems


def validate_catalogue(definitions: Sequence[BadgeDefinition]) -> list[str]:
    """Every problem of a catalogue, including duplicate keys."""
    problems = [p for d in definitions for p in validate_definition(d)]
    keys = [d.key for d in definitions]
    problems.extend(f"duplicate badge key {key!r}" for key in sorted({k for k in keys if keys.count(k) > 1}))
    return problems


DEFAULT_BADGES: tuple[BadgeDefinition, ...] = (
    BadgeDefinition(
        "brueckenbauer",
        "Brückenbauer*in",
        "Bridge builder",
        "Hat auf Beiträge von Mitgliedern aus mindestens drei anderen Verwaltungen geantwortet oder sie geliked.",
        "Replied to or liked posts of members from at least three other organisations.",
        "handshake",
        "silver",
        False,
        "distinct_other_orgs",
        {"min_orgs": 3, "kinds": ("reply", "like")},
    ),
    BadgeDefinition(
        "zirkel_mitglied",
        "Zirkel-Mitglied",
        "Circle member",
        "Hat an einem Zirkel teilgenommen.",
        "Took part in a circle.",
        "users",
        "bronze",
        False,
        "circle_meetings",
        {"min_meetings": 1},
    ),
    BadgeDefinition(
        "zirkel_pionier",
        "Zirkel-Pionier*in",
        "Circle pioneer",
        "Hat an mindestens vier Treffen eines Zirkels teilgenommen.",
        "Attended at least four meetings of one circle.",
        "seedling",
        "silver",
        False,
        "circle_meetings",
        {"min_meetings": 4},
    ),
    BadgeDefinition(
        "netzwerker",
        "Netzwerker*in",
        "Networker",
        "Hat mit mindestens drei vorgeschlagenen Mitgliedern ein Gespräch begonnen.",
        "Started a conversation with at least three suggested members.",
        "comments",
        "bronze",
        False,
        "suggestions_accepted",
        {"min_accepted": 3},
    ),
    BadgeDefinition(
        "gastgeber",
        "Gastgeber*in",
        "Host",
        "War Gastgeber*in eines Zirkeltreffens für Mitglieder anderer Verwaltungen.",
        "Hosted a circle meeting for members of other organisations.",
        "house",
        "silver",
        False,
        "hosted_for_other_orgs",
        {"min_guests": 1},
    ),
    BadgeDefinition(
        "bruecke_zwischen_verwaltungen",
        "Brücke zwischen Verwaltungen",
        "Bridge between administrations",
        "Erster Kontakt zwischen zwei Verwaltungen, die vorher keinen Kontakt hatten.",
        "First contact between two organisations that had no contact before.",
        "bridge",
        # Bronze, and only for contacts the members made themselves: one click on "Kontakt aufnehmen" (an
        # introduction the companion writes) must not earn the catalogue's highest level.
        "bronze",
        True,
        "first_contact_between_orgs",
        {"kinds": ("reply", "like", "pm")},
    ),
)


# -- rule evaluation ------------------------------------------------------


@dataclass
class _Outcome:
    """What one rule found: completions in time order and each member's current count."""

    target: int
    # member, instance, evidence, when, reason code, reason params
    completions: list[tuple[int, str, Interaction, datetime, AwardReason, dict[str, Any]]]
    current: dict[int, int]


class _Graph:
    """Interactions in time order with the member data every rule needs."""

    def __init__(
        self, members: Mapping[int, Hashable | None], deleted: Collection[int], interactions: Iterable[Interaction]
    ):
        self.org = members
        gone = set(deleted)
        self.active = {m for m in members if m not in gone}
        active = self.active
        by_kind: dict[str, list[Interaction]] = defaultdict(list)
        ordered: list[Interaction] = []
        # Sorting by time alone is stable, so equal times keep the input order.
        for item in sorted(interactions, key=lambda i: i.at):
            if item.actor_id not in active:
                continue
            target = item.target_id
            if target is not None and (target not in active or target == item.actor_id):
                continue
            by_kind[item.kind].append(item)
            ordered.append(item)
        self.by_kind = by_kind
        self.ordered = ordered

    def of_kinds(self, kinds: Iterable[str]) -> list[Interaction]:
        """Interactions of the given kinds in time order."""
        wanted = [kind for kind in dict.fromkeys(kinds) if self.by_kind.get(kind)]
        if len(wanted) == 1:
            return self.by_kind[wanted[0]]
        # Filtering the one sorted list is cheaper than merging and sorting again.
        chosen = set(wanted)
        return [i for i in self.ordered if i.kind in chosen]


def _distinct_other_orgs(graph: _Graph, params: dict[str, Any]) -> _Outcome:
    """Members who interacted with members of at least ``min_orgs`` other organisations."""
    target = params["min_orgs"]
    org = graph.org
    seen: dict[int, set] = defaultdict(set)
    completions = []
    for item in graph.of_kinds(params["kinds"]):
        target_id = item.target_id
        if target_id is None:
            continue
        other = org[target_id]
        if other is None or other == org[item.actor_id]:
            continue
        orgs = seen[item.actor_id]
        if other in orgs:
            continue
        orgs.add(other)
        if len(orgs) % target == 0:
            step = len(orgs) // target
            completions.append(
                (
                    item.actor_id,
                    str(step),
                    item,
                    item.at,
                    AwardReason.OTHER_ORGS,
                    {"orgs": len(orgs)},
                )
            )
    return _Outcome(target, completions, {m: len(s) for m, s in seen.items()})


def _circle_meetings(graph: _Graph, params: dict[str, Any]) -> _Outcome:
    """Members who attended at least ``min_meetings`` distinct meetings of one circle."""
    target = params["min_meetings"]
    attended: dict[tuple[int, Hashable], set] = defaultdict(set)
    best: dict[int, int] = defaultdict(int)
    completions = []
    for item in graph.of_kinds(params["kinds"]):
        if item.circle_id is None:
            continue
        meetings = attended[(item.actor_id, item.circle_id)]
        meeting = item.meeting_id if item.meeting_id is not None else (item.at, item.kind)
        if meeting in meetings:
            continue
        meetings.add(meeting)
        best[item.actor_id] = max(best[item.actor_id], len(meetings))
        if len(meetings) == target:
            completions.append(
                (
                    item.actor_id,
                    str(item.circle_id),
                    item,
                    item.at,
                    AwardReason.CIRCLE_MEETINGS,
                    {"meetings": target, "circle": item.circle_id},
                )
            )
    return _Outcome(target, completions, dict(best))


def _suggestions_accepted(graph: _Graph, params: dict[str, Any]) -> _Outcome:
    """Members who started conversations with at least ``min_accepted`` distinct suggested members."""
    target = params["min_accepted"]
    partners: dict[int, set] = defaultdict(set)
    completions = []
    for item in graph.of_kinds(["suggestion_accepted"]):
        if item.target_id is None or item.target_id in partners[item.actor_id]:
            continue
        met = partners[item.actor_id]
        met.add(item.target_id)
        if len(met) % target == 0:
            completions.append(
                (
                    item.actor_id,
                    str(len(met) // target),
                    item,
                    item.at,
                    AwardReason.SUGGESTIONS_ACCEPTED,
                    {"members": len(met)},
                )
            )
    return _Outcome(target, completions, {m: len(s) for m, s in partners.items()})


def _hosted_for_other_orgs(graph: _Graph, params: dict[str, Any]) -> _Outcome:
    """Hosts of a meeting attended by at least ``min_guests`` members of other organisations."""
    target = params["min_guests"]
    org = graph.org
    hosts: dict[Hashable, list[Interaction]] = defaultdict(list)
    guests: dict[Hashable, set[int]] = defaultdict(set)
    best: dict[int, int] = defaultdict(int)
    completed: set[tuple[int, Hashable]] = set()
    completions = []
    for item in graph.of_kinds(["meeting_hosted", "meeting_attended"]):
        meeting = item.meeting_id
        if meeting is None:
            continue
        if item.kind == "meeting_hosted":
            if any(h.actor_id == item.actor_id for h in hosts[meeting]):
                continue
            hosts[meeting].append(item)
        else:
            guests[meeting].add(item.actor_id)
        # Whichever came last, the host's record or the guest's, completes the rule at its time.
        for hosted in hosts[meeting]:
            host = hosted.actor_id
            home = org[host]
            count = sum(1 for g in guests[meeting] if g != host and org[g] is not None and org[g] != home)
            best[host] = max(best[host], count)
            if count >= target and (host, meeting) not in completed:
                completed.add((host, meeting))
                completions.append(
                    (
                        host,
                        str(meeting),
                        hosted,
                        item.at,
                        AwardReason.HOSTED_FOR_OTHER_ORGS,
                        {"meeting": meeting, "guests": count},
                    )
                )
    return _Outcome(target, completions, dict(best))


def _first_contact_between_orgs(graph: _Graph, params: dict[str, Any]) -> _Outcome:
    """Both members of the first interaction between two organisations, once per organisation pair."""
    org = graph.org
    contacted: set[frozenset] = set()
    count: dict[int, int] = defaultdict(int)
    completions = []
    for item in graph.of_kinds(params["kinds"]):
        if item.target_id is None:
            continue
        a, b = org[item.actor_id], org[item.target_id]
        if a is None or b is None or a == b:
            continue
        pair = frozenset((a, b))
        if pair in contacted:
            continue
        contacted.add(pair)
        instance = "|".join(sorted(map(str, pair)))
        for member, own, other in ((item.actor_id, a, b), (item.target_id, b, a)):
            count[member] += 1
            completions.append(
                (
                    member,
                    instance,
                    item,
                    item.at,
                    AwardReason.FIRST_CONTACT,
                    {"own": own, "other": other},
                )
            )
    return _Outcome(1, completions, dict(count))


_EVALUATORS = {
    "distinct_other_orgs": _distinct_other_orgs,
    "circle_meetings": _circle_meetings,
    "suggestions_accepted": _suggestions_accepted,
    "hosted_for_other_orgs": _hosted_for_other_orgs,
    "first_contact_between_orgs": _first_contact_between_orgs,
}


def evaluate(
    definitions: Sequence[BadgeDefinition],
    members: Mapping[int, Hashable | None],
    deleted: Collection[int],
    interactions: Iterable[Interaction],
    already_granted: Collection[tuple[int, str]] | Mapping[tuple[int, str], int] = frozenset(),
    revoked: Collection[tuple[int, str]] = frozenset(),
) -> BadgeEvaluation:
    """Evaluate every badge rule once: new awards (time order) and each active member's progress."""
    problems = validate_catalogue(definitions)
    if problems:
        raise BadgeConfigError(problems)
    graph = _Graph(members, deleted, interactions)
    granted = _grant_counts(already_granted)
    revoked_set = set(revoked)
    awards: list[Award] = []
    progress: dict[int, list[Progress]] = {m: [] for m in sorted(graph.active)}
    for definition in definitions:
        outcome = _EVALUATORS[definition.rule](graph, validate_params(definition.rule, definition.params))
        done: dict[int, int] = defaultdict(int)
        for member, instance, evidence, at, reason_code, reason_params in outcome.completions:
            key = (member, definition.key)
            done[member] += 1
            if key in revoked_set:
                continue
            limit = None if definition.multiple_grant else 1
            if limit is not None and done[member] > limit:
                continue
            if done[member] <= granted.get(key, 0):
                continue
            awards.append(
                Award(
                    member_id=member,
                    badge_key=definition.key,
                    evidence_url=evidence.url,
                    evidence_post_id=evidence.post_id,
                    reason_code=reason_code,
                    reason_params=reason_params,
                    at=at,
                    instance=instance,
                )
            )
        for member in progress:
            key = (member, definition.key)
            earned = granted.get(key, 0) > 0 or (done.get(member, 0) > 0 and key not in revoked_set)
            progress[member].append(Progress(definition.key, outcome.current.get(member, 0), outcome.target, earned))
    awards.sort(key=lambda a: a.at)
    return BadgeEvaluation(awards, progress)


def evaluate_badges(
    definitions: Sequence[BadgeDefinition],
    members: Mapping[int, Hashable | None],
    deleted: Collection[int],
    interactions: Iterable[Interaction],
    already_granted: Collection[tuple[int, str]] | Mapping[tuple[int, str], int] = frozenset(),
    revoked: Collection[tuple[int, str]] = frozenset(),
) -> list[Award]:
    """Badges newly earned, in the order they were completed, each with its evidence."""
    return evaluate(definitions, members, deleted, interactions, already_granted, revoked).awards


def badge_progress(
    definitions: Sequence[BadgeDefinition],
    members: Mapping[int, Hashable | None],
    deleted: Collection[int],
    interactions: Iterable[Interaction],
    already_granted: Collection[tuple[int, str]] | Mapping[tuple[int, str], int] = frozenset(),
) -> dict[int, list[Progress]]:
    """Per active member, per badge: current count, target and whether it is earned."""
    return evaluate(definitions, members, deleted, interactions, already_granted).progress


def _grant_counts(
    already_granted: Collection[tuple[int, str]] | Mapping[tuple[int, str], int],
) -> dict[tuple[int, str], int]:
    """Grants so far per (member, badge): a set means one grant each."""
    if isinstance(already_granted, Mapping):
        return {key: int(count) for key, count in already_granted.items()}
    return dict.fromkeys(already_granted, 1)
