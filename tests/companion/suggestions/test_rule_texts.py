"""The matching rules' words come from the companion's catalogue: every rule has a German label and help."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from companion.suggestions.rule_texts import accepted_text, choice_label, problem_text, rule_help, rule_label
from companion.web.i18n import TRANSLATIONS_ROOT
from matching.suggestions.rules import RULES, RULES_BY_NAME, RuleError, validate_rules


@pytest.fixture
def babel_app():
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_ROOT)
    Babel(app)
    with app.test_request_context():
        yield app


def test_every_rule_has_a_label_and_help_in_english_and_german(babel_app):
    for spec in RULES:
        english = (rule_label(spec.name), rule_help(spec.name))
        assert all(english) and english[0] != spec.name, spec.name
        with force_locale("de"):
            german = (rule_label(spec.name), rule_help(spec.name))
        assert all(german) and german != english, spec.name


def test_choices_and_problems_are_worded_without_codes_in_german(babel_app):
    with force_locale("de"):
        assert accepted_text(RULES_BY_NAME["hub_cap"]) == "ganze Zahl von 1 bis 100"
        assert accepted_text(RULES_BY_NAME["min_score"]) == "Zahl von 0 bis 1"
        assert choice_label("require_other") == "nur andere Verwaltungen"
        options = accepted_text(RULES_BY_NAME["org_mode"])
        assert "prefer_other" not in options and "andere Verwaltungen bevorzugen" in options
        with pytest.raises(RuleError) as error:
            validate_rules({"hub_cap": 0, "nonsense": 1})
        texts = [problem_text(problem) for problem in error.value.problems]
    assert texts == [
        "Höchstens so oft vorgeschlagen: „0“ ist nicht erlaubt; erlaubt ist ganze Zahl von 1 bis 100.",
        "Unbekannte Regel „nonsense“.",
    ]


def test_outside_a_request_the_words_are_english():
    assert accepted_text(RULES_BY_NAME["org_mode"]).startswith("one of: no preference")
    assert rule_label("hub_cap") == "Hub cap"
