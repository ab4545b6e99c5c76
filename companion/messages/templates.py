"""Message templates for forum PMs: shipped defaults in German and English, admin-editable, rendered safely."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from companion.audit.entries import record
from companion.messages.markdown import MarkdownSafe, escape_markdown, plain_line
from companion.messages.template_errors import TemplateInvalid, TemplateTooCostly, explain, too_long
from companion.store.models import MessageTemplate

LOCALES = ("de", "en")

# Bounds on what an admin's template may cost: a PM is a few thousand characters, rendered in milliseconds.
MAX_SOURCE_CHARS = 20_000
MAX_OUTPUT_CHARS = 50_000
MAX_RENDER_SECONDS = 1.0


def _too_large(size: int) -> TemplateTooCostly:
    return TemplateTooCostly(_("the text would be longer than %(n)s characters", n=MAX_OUTPUT_CHARS))


def _sized(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_OUTPUT_CHARS:
        raise _too_large(len(value))
    return value


def _bounded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses huge widths or counts before it runs and huge results after."""

    @functools.wraps(function)  # keeps jinja_pass_arg, so context-taking filters still get their context
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for argument in (*args, *kwargs.values()):
            if isinstance(argument, int) and not isinstance(argument, bool) and abs(argument) > MAX_OUTPUT_CHARS:
                raise _too_large(argument)
        return _sized(function(*args, **kwargs))

    return bounded


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox (no attribute access into Python objects) plus bounds on repetition and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _bounded_filter(f) for name, f in self.filters.items()}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                repeated = isinstance(sequence, str | list | tuple) and isinstance(count, int)
                if repeated and len(sequence) * count > MAX_OUTPUT_CHARS:
                    raise _too_large(len(sequence) * count)
        if operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise TemplateTooCostly(_("a power is too large"))
        return super().call_binop(context, operator, left, right)


# Jinja in a sandbox: admins edit these, so templates may not reach into Python objects. Bodies are Markdown:
# every value is escaped unless the companion marked it MarkdownSafe (its own URLs), so a member's name cannot
# carry a link, a mention or HTML into a PM the system account sends. Titles are plain text on one line.
_OPTIONS: dict[str, Any] = dict(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
_BODY_ENV = _BoundedEnvironment(finalize=escape_markdown, **_OPTIONS)
_TITLE_ENV = _BoundedEnvironment(finalize=plain_line, **_OPTIONS)


@dataclass(frozen=True)
class DefaultTemplate:
    """A template as shipped: title and body per language, and the variables it may use."""

    key: str
    variables: tuple[str, ...]
    title: Mapping[str, str]
    body: Mapping[str, str]


DEFAULTS: dict[str, DefaultTemplate] = {
    t.key: t
    for t in (
        DefaultTemplate(
            key="suggestions",
            variables=("member_name", "suggestions", "suggestions_url", "profile_url"),
            title={
                "de": "Finde deine Mitrebell*innen: neue Vorschläge",
                "en": "Find your fellow rebels: new suggestions",
            },
            body={
                "de": (
                    "Hallo {{ member_name }},\n\n"
                    "diese Kolleg*innen arbeiten an ähnlichen Themen wie du:\n\n"
                    "{% for s in suggestions %}"
                    "- **[{{ s.name }}]({{ s.profile_url }})** ({{ s.organisation }}): {{ s.explanation }}\n"
                    "{% endfor %}\n\n"
                    "Schreib ihnen einfach eine Nachricht – oder lass den Begleitdienst euch vorstellen: "
                    "[Kontakt aufnehmen oder „Passt nicht“ sagen]({{ suggestions_url }}).\n\n"
                    "Wie oft du Vorschläge bekommst oder ob überhaupt, stellst du hier ein: "
                    "[Mein Profil]({{ profile_url }})."
                ),
                "en": (
                    "Hello {{ member_name }},\n\n"
                    "these colleagues work on topics similar to yours:\n\n"
                    "{% for s in suggestions %}"
                    "- **[{{ s.name }}]({{ s.profile_url }})** ({{ s.organisation }}): {{ s.explanation }}\n"
                    "{% endfor %}\n\n"
                    "Just send them a message – or let the companion introduce you: "
                    '[get in touch or say "not a fit"]({{ suggestions_url }}).\n\n'
                    "Choose how often you get suggestions, or stop them: [My profile]({{ profile_url }})."
                ),
            },
        ),
        DefaultTemplate(
            key="introduction",
            variables=("first_name", "second_name", "first_organisation", "second_organisation", "shared"),
            title={
                "de": "Darf ich vorstellen: {{ first_name }} und {{ second_name }}",
                "en": "Meet each other: {{ first_name }} and {{ second_name }}",
            },
            body={
                "de": (
                    "Hallo ihr beiden,\n\n"
                    "{{ first_name }} ({{ first_organisation }}) möchte {{ second_name }} ({{ second_organisation }}) "
                    "kennenlernen. {{ shared }}.\n\n"
                    "Erzählt euch doch hier kurz, woran ihr gerade arbeitet."
                ),
                "en": (
                    "Hello you two,\n\n"
                    "{{ first_name }} ({{ first_organisation }}) would like to meet "
                    "{{ second_name }} ({{ second_organisation }}). "
                    "{{ shared }}.\n\n"
                    "Why not tell each other here what you are working on right now?"
                ),
            },
        ),
        DefaultTemplate(
            key="meeting_check",
            variables=("member_name", "other_name", "other_organisation", "introduced_on", "met_url", "not_met_url"),
            title={
                "de": "Habt ihr euch getroffen, {{ member_name }} und {{ other_name }}?",
                "en": "Did you meet, {{ member_name }} and {{ other_name }}?",
            },
            body={
                "de": (
                    "Hallo {{ member_name }},\n\n"
                    "am {{ introduced_on }} haben wir dich und {{ other_name }} ({{ other_organisation }}) "
                    "einander vorgestellt. Hattet ihr inzwischen Kontakt – getroffen, telefoniert oder geschrieben?\n\n"
                    "[Ja, wir hatten Kontakt]({{ met_url }}) · [Noch nicht]({{ not_met_url }})\n\n"
                    "Ein Klick auf der Seite genügt. Wir zählen nur, wie viele Kontakte entstehen, nie wer mit wem."
                ),
                "en": (
                    "Hello {{ member_name }},\n\n"
                    "on {{ introduced_on }} we introduced you and {{ other_name }} ({{ other_organisation }}) "
                    "to each other. Have you been in touch since – met, called or written?\n\n"
                    "[Yes, we were in touch]({{ met_url }}) · [Not yet]({{ not_met_url }})\n\n"
                    "One click on the page is enough. We only count how many contacts come about, never who met whom."
                ),
            },
        ),
    )
}


def get_template(session: Session, key: str, locale: str) -> tuple[str, str]:
    """The (title, body) source in force: the admins' edit, or the shipped default."""
    locale = locale if locale in LOCALES else "de"
    edited = session.get(MessageTemplate, (key, locale))
    if edited is not None:
        return edited.title, edited.body
    default = DEFAULTS[key]
    return default.title[locale], default.body[locale]


def render(title: str, body: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """Render title and body within bounds of time and size; a TemplateInvalid names the field at fault."""
    if len(title) + len(body) > MAX_SOURCE_CHARS:
        raise too_long(MAX_SOURCE_CHARS)
    deadline = time.monotonic() + MAX_RENDER_SECONDS
    rendered_title = _render_field("title", _TITLE_ENV, title, values, deadline)
    return " ".join(rendered_title.split()), _render_field("body", _BODY_ENV, body, values, deadline).strip()


def _render_field(
    field: str, env: SandboxedEnvironment, source: str, values: Mapping[str, Any], deadline: float
) -> str:
    try:
        return _bounded_render(env, source, values, deadline)
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as error:
        # {{ 1/0 }}, range() beyond the sandbox's limit, a wrong type: the admin's template, not a server error.
        raise explain(error, field) from None


def _bounded_render(env: SandboxedEnvironment, source: str, values: Mapping[str, Any], deadline: float) -> str:
    """Render in chunks, stopping at the deadline (checked on every template line) or the size bound."""
    template = env.from_string(source)
    previous = sys.gettrace()

    def watch(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateTooCostly(_("it takes longer than %(seconds)s s", seconds=f"{MAX_RENDER_SECONDS:g}"))
        return watch

    parts: list[str] = []
    size = 0
    sys.settrace(watch)
    try:
        chunks: Iterator[str] = template.generate(values)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise _too_large(size)
            parts.append(chunk)
    finally:
        sys.settrace(previous)
    return "".join(parts)


def render_message(session: Session, key: str, locale: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """Render the template in force for a key and language."""
    title, body = get_template(session, key, locale)
    return render(title, body, values)


def example_values(key: str) -> dict[str, Any]:
    """Plausible values to check that an edited template renders."""
    suggestion = {
        "name": "Erika Beispiel",
        "profile_url": MarkdownSafe("https://forum.example/u/erika"),
        "organisation": "Stadt Beispiel",
        "explanation": "Ihr teilt: OZG, E-Akte",
    }
    samples = {
        "member_name": "Max Mustermann",
        "suggestions": [suggestion],
        "suggestions_url": MarkdownSafe("https://companion.example/suggestions"),
        "profile_url": MarkdownSafe("https://companion.example/profile"),
        "first_name": "Max Mustermann",
        "second_name": "Erika Beispiel",
        "first_organisation": "Kreis Beispiel",
        "second_organisation": "Stadt Beispiel",
        "shared": "Ihr teilt: OZG",
        "other_name": "Erika Beispiel",
        "other_organisation": "Stadt Beispiel",
        "introduced_on": "3. Dezember 2026",
        "met_url": MarkdownSafe("https://companion.example/met/beispiel?answer=met"),
        "not_met_url": MarkdownSafe("https://companion.example/met/beispiel?answer=not_met"),
    }
    return {name: samples[name] for name in DEFAULTS[key].variables}


def save_template(session: Session, actor: str, key: str, locale: str, title: str, body: str) -> None:
    """Store an admin's edit after checking it renders; audited."""
    if key not in DEFAULTS or locale not in LOCALES:
        raise TemplateInvalid(_("There is no template %(name)s.", name=f"{key}/{locale}"))
    render(title, body, example_values(key))
    edited = session.get(MessageTemplate, (key, locale))
    if edited is None:
        session.add(MessageTemplate(key=key, locale=locale, title=title, body=body, updated_by=actor))
    else:
        edited.title, edited.body, edited.updated_by = title, body, actor
    record(session, actor, "templates.save", f"{key}/{locale}", {"title": title})


def reset_template(session: Session, actor: str, key: str, locale: str) -> None:
    """Go back to the shipped default; audited."""
    edited = session.get(MessageTemplate, (key, locale))
    if edited is not None:
        session.delete(edited)
    record(session, actor, "templates.reset", f"{key}/{locale}")


TEMPLATE_KEYS = tuple(DEFAULTS)
