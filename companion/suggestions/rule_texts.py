"""The words for the matching rules: label, help, accepted values and validation problems, in the page language.

matching.suggestions.rules holds the rules as data with stable codes; the texts live here, through gettext, so the
web pages show them in German or English and the CLI in English.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal, lazy_gettext
from flask_babel import gettext as _

from matching.suggestions.rules import RULES_BY_NAME, RuleProblem, RuleSpec

RULE_LABELS: dict[str, Any] = {
    "suggestions_per_member": lazy_gettext("Suggestions per member"),
    "hub_cap": lazy_gettext("Hub cap"),
    "candidates_per_member": lazy_gettext("Candidates per member"),
    "min_score": lazy_gettext("Minimum similarity"),
    "org_mode": lazy_gettext("Other organisations"),
    "other_org_bonus": lazy_gettext("Other-organisation bonus"),
    "cooldown_weeks": lazy_gettext("Cooldown in weeks"),
    "ignored_factor": lazy_gettext("Factor for ignored suggestions"),
    "exploration": lazy_gettext("Exploration"),
    "active_within_days": lazy_gettext("Active within days"),
    "excluded_groups": lazy_gettext("Excluded groups"),
    "cold_start_min_terms": lazy_gettext("Thin profile: below this many terms"),
    "cold_start_org_weight": lazy_gettext("Organisation profile share"),
    "explanation_terms": lazy_gettext("Terms in the explanation"),
    "calibration": lazy_gettext("Calibrate weights from forum history"),
    "weight_text": lazy_gettext("Weight: profile text (about me)"),
    "weight_fields": lazy_gettext("Weight: profile fields (e.g. focus of work)"),
    "weight_interests": lazy_gettext("Weight: self-declared interests"),
    "weight_tags": lazy_gettext("Weight: tags of own topics and replies"),
    "weight_categories": lazy_gettext("Weight: categories of own topics and replies"),
    "weight_titles": lazy_gettext("Weight: titles of own topics and replies"),
    "weight_liked_tags": lazy_gettext("Weight: tags of liked posts"),
}

RULE_HELP: dict[str, Any] = {
    "suggestions_per_member": lazy_gettext("How many members each member is suggested per run."),
    "hub_cap": lazy_gettext(
        "How often one member may be suggested to others in one run, so popular members are not flooded."
    ),
    "candidates_per_member": lazy_gettext(
        "How many of the most similar members the allocation considers; more helps when the hub cap bites."
    ),
    "min_score": lazy_gettext("Pairs with a lower similarity (0 to 1) are never suggested."),
    "org_mode": lazy_gettext(
        "Only other organisations: members of the same organisation are never suggested; "
        "prefer other organisations: they get a bonus; no preference: the organisation does not matter."
    ),
    "other_org_bonus": lazy_gettext(
        'Added to the similarity under "prefer other organisations" when the organisations differ.'
    ),
    "cooldown_weeks": lazy_gettext("A pair suggested within these weeks is not suggested again; 0 = no cooldown."),
    "ignored_factor": lazy_gettext(
        "The similarity of a pair whose suggestion was ignored is multiplied by this; 1 = no discount, 0 = never again."
    ),
    "exploration": lazy_gettext(
        "Random share that shuffles nearly equal candidates so the same pair does not always come first."
    ),
    "active_within_days": lazy_gettext("Only members seen in the forum within this many days; 0 = no limit."),
    "excluded_groups": lazy_gettext(
        "Members of these forum groups (e.g. staff, bots) are neither messaged nor suggested."
    ),
    "cold_start_min_terms": lazy_gettext(
        "Members with fewer profile terms get a share of their organisation's profile."
    ),
    "cold_start_org_weight": lazy_gettext(
        "How much the organisation's profile counts for a thin profile; 0 = not at all."
    ),
    "explanation_terms": lazy_gettext("How many shared terms a suggestion names (“You share: …”)."),
    "calibration": lazy_gettext(
        "On: before each run the weights and bonus are chosen to best predict replies, likes, mentions and "
        "messages between members; with too little history the values below apply."
    ),
    "weight_text": lazy_gettext("How much profile text (about me) count in the similarity; 0 switches this part off."),
    "weight_fields": lazy_gettext(
        "How much profile fields (e.g. focus of work) count in the similarity; 0 switches this part off."
    ),
    "weight_interests": lazy_gettext(
        "How much self-declared interests count in the similarity; 0 switches this part off."
    ),
    "weight_tags": lazy_gettext(
        "How much tags of own topics and replies count in the similarity; 0 switches this part off."
    ),
    "weight_categories": lazy_gettext(
        "How much categories of own topics and replies count in the similarity; 0 switches this part off."
    ),
    "weight_titles": lazy_gettext(
        "How much titles of own topics and replies count in the similarity; 0 switches this part off."
    ),
    "weight_liked_tags": lazy_gettext(
        "How much tags of liked posts count in the similarity; 0 switches this part off."
    ),
}

CHOICE_LABELS: dict[str, Any] = {
    "any": lazy_gettext("no preference"),
    "prefer_other": lazy_gettext("prefer other organisations"),
    "require_other": lazy_gettext("only other organisations"),
    "off": lazy_gettext("off"),
    "on": lazy_gettext("on"),
}


def rule_label(name: str) -> str:
    """The label of a rule (its name if it has none)."""
    return str(RULE_LABELS[name]) if name in RULE_LABELS else name


def rule_help(name: str) -> str:
    """The help text of a rule."""
    return str(RULE_HELP[name]) if name in RULE_HELP else ""


def choice_label(choice: str) -> str:
    """The label of one value of a choice rule."""
    return str(CHOICE_LABELS[choice]) if choice in CHOICE_LABELS else choice


def _number(value: float | None) -> str:
    return str(format_decimal(value if value is not None else 0))


def accepted_text(spec: RuleSpec) -> str:
    """What a rule accepts, in words: "whole number from 1 to 10", "one of: …"."""
    if spec.type == "choice":
        return _("one of: %(choices)s", choices=", ".join(choice_label(choice) for choice in spec.choices))
    if spec.type == "names":
        return _("a list of group names")
    low, high = _number(spec.minimum), _number(spec.maximum)
    if spec.type == "int":
        return _("whole number from %(low)s to %(high)s", low=low, high=high)
    return _("number from %(low)s to %(high)s", low=low, high=high)


def value_text(spec: RuleSpec | None, value: Any) -> str:
    """A rule value as the pages show it (choices by their label, lists joined)."""
    if spec is not None and spec.type == "choice" and isinstance(value, str):
        return choice_label(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    if isinstance(value, float):
        return str(format_decimal(value))
    return str(value)


def problem_text(problem: RuleProblem) -> str:
    """One validation problem in words, naming the rule by its label."""
    spec = RULES_BY_NAME.get(problem.rule)
    params = dict(problem.params)
    if problem.code == "unknown_rule":
        return _("Unknown rule “%(rule)s”.", rule=problem.rule)
    if problem.code == "unsupported_schema":
        return _(
            "Rule version %(value)s is not supported (expected: %(expected)s).",
            value=params.get("value"),
            expected=params.get("expected"),
        )
    if spec is None:
        return problem.code
    return _(
        "%(rule)s: “%(value)s” is not accepted; expected %(accepted)s.",
        rule=rule_label(spec.name),
        value=params.get("value"),
        accepted=accepted_text(spec),
    )
