"""PM templates: member-supplied values cannot inject Markdown, and templates cannot exhaust the server."""

from __future__ import annotations

import re
import time

import pytest

from companion.messages.markdown import MarkdownSafe, escape_markdown
from companion.messages.templates import DEFAULTS, TemplateInvalid, example_values, render

HOSTILE_NAMES = [
    "[Passwort bestätigen](https://evil.example/login)",
    "![x](https://evil.example/pixel.png)",
    "<a href='https://evil.example'>Anna</a>",
    "@admins bitte sofort melden",
    "**WICHTIG**\n\n# Neue Anweisung",
    "Anna](https://evil.example) [",
    "[quote]Fake[/quote] `code` ~~x~~ |a|b|",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_member_names_in_the_suggestion_pm_are_literal_text(name):
    values = example_values("suggestions")
    values["member_name"] = name
    values["suggestions"] = [dict(values["suggestions"][0], name=name, organisation=name, explanation=name)]
    default = DEFAULTS["suggestions"]
    _, body = render(default.title["de"], default.body["de"], values)
    # The companion's own links stay links ...
    assert "](https://forum.example/u/erika)" in body
    assert "(https://companion.example/suggestions)" in body
    # ... but nothing from the name opens a link, an image, HTML, a mention or a new block.
    for markup in ("](https://evil", "<a ", "@admins", "[quote]", "![x]", "**WICHTIG"):
        assert re.search(r"(?<!\\)" + re.escape(markup), body) is None, markup
    assert "\n#" not in body
    assert escape_markdown(name) in body


def test_introduction_titles_stay_one_plain_line():
    default = DEFAULTS["introduction"]
    values = dict(example_values("introduction"), first_name="Anna\n\nSchmidt", second_name="[Bert](x)")
    title, body = render(default.title["de"], default.body["de"], values)
    assert "\n" not in title and "Anna Schmidt" in title
    assert "[Bert](x)" not in body


def test_markdown_safe_values_pass_unchanged():
    assert escape_markdown(MarkdownSafe("https://f.example/u/a_b")) == "https://f.example/u/a_b"
    assert escape_markdown("a_b") == "a\\_b"


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(10**9) %}x{% endfor %}",
        "{{ 'x' * 10000000 }}",
        "{% for i in range(99999) %}{{ 'x' * 100 }}{% endfor %}",
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "{{ 'x'|center(1000000000) }}",
        "{{ 'ab'|replace('a', 'aaaaaaaaaa')|replace('a', 'aaaaaaaaaa')|replace('a', 'aaaaaaaaaa')"
        "|replace('a', 'aaaaaaaaaa')|replace('a', 'aaaaaaaaaa')|replace('a', 'aaaaaaaaaa') }}",
        "{{ 2 ** 100000000 }}",
        "{{ 1 / 0 }}",
        "x" * 30_000,
    ],
)
def test_costly_templates_are_refused_with_a_clear_error_quickly(body):
    started = time.monotonic()
    with pytest.raises(TemplateInvalid):
        render("Titel", body, example_values("suggestions"))
    assert time.monotonic() - started < 3
