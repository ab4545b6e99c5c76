"""The words for badge validation problems, in the reader's language (matching reports them as codes)."""

from __future__ import annotations

from flask_babel import gettext as _

from matching.badges.rules import ParamProblem


def param_problem_text(problem: ParamProblem) -> str:
    """One rule-parameter problem in words; parameter names stay as the admin writes them in the JSON."""
    p = dict(problem.params)
    if problem.code == "unknown_rule":
        return _("Unknown badge rule “%(rule)s”.", rule=p.get("rule"))
    if problem.code == "unknown_param":
        return _("The rule has no parameter “%(name)s”.", name=p.get("name"))
    if problem.code == "not_a_list":
        return _("“%(name)s” must be a list of interaction kinds.", name=p.get("name"))
    if problem.code == "bad_kinds":
        return _(
            "“%(name)s” must name at least one of: %(kinds)s.", name=p.get("name"), kinds=", ".join(p.get("kinds", ()))
        )
    if problem.code == "not_whole_number":
        return _("“%(name)s” must be a whole number.", name=p.get("name"))
    if problem.code == "below_minimum":
        return _(
            "“%(name)s” must be at least %(minimum)s (entered: %(value)s).",
            name=p.get("name"),
            minimum=p.get("minimum"),
            value=p.get("value"),
        )
    return str(problem)
