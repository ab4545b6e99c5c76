"""The matching rules as data: a catalogue with types, ranges, defaults and bilingual help; validation and diffs."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
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
    """One configurable rule: its type, accepted values, default and help text in German and English."""

    name: str
    type: str  # "int", "float", "choice" or "names"
    default: Any
    label_de: str
    label_en: str
    help_de: str
    help_en: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def accepted_de(self) -> str:
        """The accepted values in German words."""
        if self.type == "choice":
            return "einer von: " + ", ".join(self.choices)
        if self.type == "names":
            return "eine Liste von Gruppennamen"
        kind = "ganze Zahl" if self.type == "int" else "Zahl"
        return f"{kind} von {_number(self.minimum)} bis {_number(self.maximum)}"

    def accepted_en(self) -> str:
        """The accepted values in English words."""
        if self.type == "choice":
            return "one of: " + ", ".join(self.choices)
        if self.type == "names":
            return "a list of group names"
        kind = "whole number" if self.type == "int" else "number"
        return f"{kind} from {_number(self.minimum)} to {_number(self.maximum)}"


def _number(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)


def _weight(block: str, default: float, de: str, en: str) -> RuleSpec:
    return RuleSpec(
        name=f"weight_{block}",
        type="float",
        default=default,
        minimum=0.0,
        maximum=10.0,
        label_de=f"Gewicht: {de}",
        label_en=f"Weight: {en}",
        help_de=f"Wie stark {de} in die Ähnlichkeit eingehen; 0 schaltet diesen Teil ab.",
        help_en=f"How much {en} count in the similarity; 0 switches this part off.",
    )


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "suggestions_per_member",
        "int",
        3,
        "Vorschläge pro Mitglied",
        "Suggestions per member",
        "Wie viele Mitglieder jedem Mitglied pro Lauf vorgeschlagen werden.",
        "How many members each member is suggested per run.",
        1,
        10,
    ),
    RuleSpec(
        "hub_cap",
        "int",
        6,
        "Höchstens so oft vorgeschlagen",
        "Hub cap",
        "Wie oft ein Mitglied in einem Lauf höchstens anderen vorgeschlagen wird, "
        "damit Beliebte nicht überflutet werden.",
        "How often one member may be suggested to others in one run, so popular members are not flooded.",
        1,
        100,
    ),
    RuleSpec(
        "candidates_per_member",
        "int",
        30,
        "Kandidaten pro Mitglied",
        "Candidates per member",
        "Wie viele der ähnlichsten Mitglieder für die Verteilung betrachtet werden; "
        "mehr hilft, wenn die Obergrenze greift.",
        "How many of the most similar members the allocation considers; more helps when the hub cap bites.",
        1,
        200,
    ),
    RuleSpec(
        "min_score",
        "float",
        0.05,
        "Mindestähnlichkeit",
        "Minimum similarity",
        "Paare mit geringerer Ähnlichkeit (0 bis 1) werden nie vorgeschlagen.",
        "Pairs with a lower similarity (0 to 1) are never suggested.",
        0.0,
        1.0,
    ),
    RuleSpec(
        "org_mode",
        "choice",
        "prefer_other",
        "Andere Verwaltungen",
        "Other organisations",
        "require_other: nur Mitglieder anderer Verwaltungen; prefer_other: andere bevorzugen (Bonus); any: egal.",
        "require_other: only members of other organisations; prefer_other: prefer them (bonus); any: no preference.",
        choices=tuple(ORG_MODES),
    ),
    RuleSpec(
        "other_org_bonus",
        "float",
        0.4,
        "Bonus für andere Verwaltung",
        "Other-organisation bonus",
        "Wird bei prefer_other zur Ähnlichkeit addiert, wenn die Verwaltungen verschieden sind.",
        "Added to the similarity under prefer_other when the organisations differ.",
        0.0,
        1.0,
    ),
    RuleSpec(
        "cooldown_weeks",
        "int",
        12,
        "Sperrfrist in Wochen",
        "Cooldown in weeks",
        "Ein Paar, das in diesen Wochen schon vorgeschlagen wurde, wird nicht erneut vorgeschlagen; "
        "0 = keine Sperrfrist.",
        "A pair suggested within these weeks is not suggested again; 0 = no cooldown.",
        0,
        104,
    ),
    RuleSpec(
        "ignored_factor",
        "float",
        0.5,
        "Faktor für ignorierte Vorschläge",
        "Factor for ignored suggestions",
        "Die Ähnlichkeit eines früher ignorierten Paars wird damit multipliziert; 1 = kein Abzug, 0 = nie wieder.",
        "The similarity of a pair whose suggestion was ignored is multiplied by this; "
        "1 = no discount, 0 = never again.",
        0.0,
        1.0,
    ),
    RuleSpec(
        "exploration",
        "float",
        0.05,
        "Abwechslung",
        "Exploration",
        "Zufälliger Anteil, um fast gleich gute Kandidaten zu mischen, damit nicht immer dasselbe Paar kommt.",
        "Random share that shuffles nearly equal candidates so the same pair does not always come first.",
        0.0,
        1.0,
    ),
    RuleSpec(
        "active_within_days",
        "int",
        180,
        "Aktiv innerhalb von Tagen",
        "Active within days",
        "Nur Mitglieder, die in so vielen Tagen im Forum waren; 0 = keine Grenze.",
        "Only members seen in the forum within this many days; 0 = no limit.",
        0,
        3650,
    ),
    RuleSpec(
        "excluded_groups",
        "names",
        (),
        "Ausgeschlossene Gruppen",
        "Excluded groups",
        "Mitglieder dieser Forengruppen (z. B. staff, bots) werden weder benachrichtigt noch vorgeschlagen.",
        "Members of these forum groups (e.g. staff, bots) are neither messaged nor suggested.",
    ),
    RuleSpec(
        "cold_start_min_terms",
        "int",
        5,
        "Wenig Profil: unter so vielen Begriffen",
        "Thin profile: below this many terms",
        "Mitglieder mit weniger Profilbegriffen bekommen einen Anteil des Profils ihrer Verwaltung.",
        "Members with fewer profile terms get a share of their organisation's profile.",
        0,
        100,
    ),
    RuleSpec(
        "cold_start_org_weight",
        "float",
        0.3,
        "Anteil Verwaltungsprofil",
        "Organisation profile share",
        "Wie stark das Profil der eigenen Verwaltung bei wenig eigenem Profil mitzählt; 0 = gar nicht.",
        "How much the organisation's profile counts for a thin profile; 0 = not at all.",
        0.0,
        1.0,
    ),
    RuleSpec(
        "explanation_terms",
        "int",
        3,
        "Begriffe in der Begründung",
        "Terms in the explanation",
        "Wie viele gemeinsame Begriffe ein Vorschlag nennt („Ihr teilt: …“).",
        "How many shared terms a suggestion names (\u201cYou share: \u2026\u201d).",
        1,
        10,
    ),
    RuleSpec(
        "calibration",
        "choice",
        "off",
        "Gewichte aus der Forengeschichte kalibrieren",
        "Calibrate weights from forum history",
        "on: vor jedem Lauf werden die Gewichte und der Bonus so gewählt, dass sie Antworten, Likes, Erwähnungen und "
        "Nachrichten zwischen Mitgliedern am besten vorhersagen; bei zu wenig Geschichte gelten die Werte unten.",
        "on: before each run the weights and bonus are chosen to best predict replies, likes, mentions and messages "
        "between members; with too little history the values below apply.",
        choices=("off", "on"),
    ),
    _weight("text", 1.0, "Profiltext (Über mich)", "profile text (about me)"),
    _weight("fields", 1.5, "Profilfelder (z. B. Arbeitsschwerpunkt)", "profile fields (e.g. focus of work)"),
    _weight("interests", 2.0, "selbst angegebene Interessen", "self-declared interests"),
    _weight("tags", 3.0, "Schlagwörter eigener Themen und Beiträge", "tags of own topics and replies"),
    _weight("categories", 0.5, "Kategorien eigener Themen und Beiträge", "categories of own topics and replies"),
    _weight("titles", 1.0, "Titel eigener Themen und Beiträge", "titles of own topics and replies"),
    _weight("liked_tags", 1.0, "Schlagwörter gelikter Beiträge", "tags of liked posts"),
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
    """One reason why a rule set was rejected, naming the rule, in German and English."""

    rule: str
    message_de: str
    message_en: str


class RuleError(ValueError):
    """A rule set failed validation; `problems` lists every offending rule."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message_en for problem in problems))


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
                    RuleProblem(
                        name,
                        f"Regelversion {raw!r} wird nicht unterstützt (erwartet: {RULES_SCHEMA_VERSION}).",
                        f"Rule schema version {raw!r} is not supported (expected {RULES_SCHEMA_VERSION}).",
                    )
                )
            continue
        spec = RULES_BY_NAME.get(name)
        if spec is None:
            problems.append(RuleProblem(name, f"Unbekannte Regel „{name}“.", f"Unknown rule '{name}'."))
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
        return None, RuleProblem(
            spec.name,
            f"Regel „{spec.name}“: {raw!r} ist nicht erlaubt; erlaubt ist {spec.accepted_de()}.",
            f"Rule '{spec.name}': {raw!r} is not accepted; expected {spec.accepted_en()}.",
        )

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
