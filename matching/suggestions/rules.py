"""The matching rules as data: a catalogue with types, ranges and defaults, plus validation (codes) and diffs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from matching.suggestions.profiles import BlockWeights, ColdStart
from matching.suggestions.similarity import OrgMode

# Bump when a rule is added, removed or changes meaning; stored rule sets carry it.
RULES_SCHEMA_VERSION = 2

ORG_MODES: dict[str, OrgMode] = {
    "any": OrgMode.ANY,
    "prefer_other": OrgMode.PREFER_OTHER,
    "require_other": OrgMode.REQUIRE_OTHER,
}


@dataclass(frozen=True)
class RuleSpec:
    """One configurable rule: its type, accepted values and default (the companion supplies label and help)."""

    name: str
    type: str  # "int", "float", "choice" or "names"
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()


def _weight(block: str, default: float) -> RuleSpec:
    return RuleSpec(name=f"weight_{block}", type="float", default=default, minimum=0.0, maximum=10.0)


RULES: tuple[RuleSpec, ...] = (
    RuleSpec("suggestions_per_member", "int", 3, minimum=1, maximum=10),
    RuleSpec("hub_cap", "int", 6, minimum=1, maximum=100),
    RuleSpec("candidates_per_member", "int", 30, minimum=1, maximum=200),
    RuleSpec("min_score", "float", 0.05, minimum=0.0, maximum=1.0),
    RuleSpec("org_mode", "choice", "prefer_other", choices=tuple(ORG_MODES)),
    RuleSpec("other_org_bonus", "float", 0.4, minimum=0.0, maximum=1.0),
    RuleSpec("cooldown_weeks", "int", 12, minimum=0, maximum=104),
    RuleSpec("ignored_factor", "float", 0.5, minimum=0.0, maximum=1.0),
    RuleSpec("exploration", "float", 0.05, minimum=0.0, maximum=1.0),
    RuleSpec("active_within_days", "int", 180, minimum=0, maximum=3650),
    RuleSpec("excluded_groups", "names", ()),
    RuleSpec("cold_start_min_terms", "int", 5, minimum=0, maximum=100),
    RuleSpec("cold_start_org_weight", "float", 0.3, minimum=0.0, maximum=1.0),
    RuleSpec("explanation_terms", "int", 3, minimum=1, maximum=10),
    RuleSpec("calibration", "choice", "off", choices=("off", "on")),
    _weight("text", 1.0),
    _weight("fields", 1.5),
    _weight("interests", 2.0),
    _weight("tags", 3.0),
    _weight("categories", 0.5),
    _weight("titles", 1.0),
    _weight("liked_tags", 1.0),
)

RULES_BY_NAME: dict[str, RuleSpec] = {rule.name: rule for rule in RULES}


@dataclass(frozen=True)
class RuleSet:
    """A complete, validated set of matching rules."""

    suggestions_per_member: int = 3
    hub_cap: int = 6
    candidates_per_member: int = 30
    min_score: float = 0.05
    org_mode: str = "prefer_other"
    other_org_bonus: float = 0.4
    cooldown_weeks: int = 12
    ignored_factor: float = 0.5
    exploration: float = 0.05
    active_within_days: int = 180
    excluded_groups: tuple[str, ...] = ()
    cold_start_min_terms: int = 5
    cold_start_org_weight: float = 0.3
    explanation_terms: int = 3
    calibration: str = "off"
    weight_text: float = 1.0
    weight_fields: float = 1.5
    weight_interests: float = 2.0
    weight_tags: float = 3.0
    weight_categories: float = 0.5
    weight_titles: float = 1.0
    weight_liked_tags: float = 1.0

    def block_weights(self) -> BlockWeights:
        """The profile block weights these rules ask for."""
        return BlockWeights(
            text=self.weight_text,
            fields=self.weight_fields,
            interests=self.weight_interests,
            tags=self.weight_tags,
            categories=self.weight_categories,
            titles=self.weight_titles,
            liked_tags=self.weight_liked_tags,
        )

    def cold_start(self) -> ColdStart:
        """The cold-start settings these rules ask for."""
        return ColdStart(min_terms=self.cold_start_min_terms, organisation_weight=self.cold_start_org_weight)

    def organisation_mode(self) -> OrgMode:
        """The organisation rule as the kernel's enum."""
        return ORG_MODES[self.org_mode]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of all rules plus the schema version, for storing and auditing."""
        data = asdict(self)
        data["excluded_groups"] = list(self.excluded_groups)
        data["schema_version"] = RULES_SCHEMA_VERSION
        return data

    def replace(self, **changes: Any) -> RuleSet:
        """A validated copy with some rules changed."""
        data = self.to_dict()
        data.update(changes)
        return validate_rules(data)


@dataclass(frozen=True)
class RuleProblem:
    """One reason why a rule set was rejected: the rule, a stable code and its parameters (the companion words it).

    Codes: "unsupported_schema" (value, expected), "unknown_rule", "not_accepted" (value; the rule's spec says what
    is accepted).
    """

    rule: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.rule}: {self.code} {dict(self.params)!r}"


class RuleError(ValueError):
    """A rule set failed validation; `problems` lists every offending rule."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def default_rules() -> RuleSet:
    """The rule set with every rule at its catalogue default."""
    return RuleSet()


def validate_rules(data: Mapping[str, Any]) -> RuleSet:
    """Check a mapping of rule values (missing ones take defaults) and return a RuleSet or raise RuleError."""
    problems: list[RuleProblem] = []
    values: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "schema_version":
            # Older rule sets are fine: rules added since take their defaults.
            if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= RULES_SCHEMA_VERSION:
                problems.append(
                    RuleProblem(name, "unsupported_schema", {"value": raw, "expected": RULES_SCHEMA_VERSION})
                )
            continue
        spec = RULES_BY_NAME.get(name)
        if spec is None:
            problems.append(RuleProblem(name, "unknown_rule"))
            continue
        value, problem = _check(spec, raw)
        if problem:
            problems.append(problem)
        else:
            values[name] = value
    if problems:
        raise RuleError(problems)
    return RuleSet(**values)


def _check(spec: RuleSpec, raw: Any) -> tuple[Any, RuleProblem | None]:
    """Convert and check one value against its rule; returns the value or a problem."""

    def problem() -> tuple[None, RuleProblem]:
        return None, RuleProblem(spec.name, "not_accepted", {"value": raw})

    if spec.type == "choice":
        return (raw, None) if isinstance(raw, str) and raw in spec.choices else problem()
    if spec.type == "names":
        if isinstance(raw, str) or not isinstance(raw, (list, tuple, set, frozenset)):
            return problem()
        names = [name.strip() for name in raw if isinstance(name, str)]
        if len(names) != len(raw) or any(not name for name in names):
            return problem()
        return tuple(sorted(set(names))), None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return problem()
    if spec.type == "int":
        if isinstance(raw, float) and not raw.is_integer():
            return problem()
        value: float = int(raw)
    else:
        value = float(raw)
        if not math.isfinite(value):
            return problem()
    if not spec.minimum <= value <= spec.maximum:  # type: ignore[operator]
        return problem()
    return value, None


@dataclass(frozen=True)
class RuleChange:
    """One rule whose value differs between two rule sets."""

    rule: str
    before: Any
    after: Any


def diff_rules(before: RuleSet, after: RuleSet) -> list[RuleChange]:
    """The rules whose values differ, in catalogue order."""
    return [
        RuleChange(spec.name, getattr(before, spec.name), getattr(after, spec.name))
        for spec in RULES
        if getattr(before, spec.name) != getattr(after, spec.name)
    ]


def _catalogue_matches_ruleset() -> None:
    """Guard at import: every catalogue rule is a RuleSet field with the same default, and vice versa."""
    field_defaults = {f.name: f.default for f in fields(RuleSet)}
    catalogue_defaults = {spec.name: spec.default for spec in RULES}
    if field_defaults != catalogue_defaults:  # pragma: no cover - a programming error caught at import
        raise RuntimeError("RULES catalogue and RuleSet fields disagree")


_catalogue_matches_ruleset()
