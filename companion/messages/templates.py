"""Message templates for forum PMs: shipped defaults in German and English, admin-editable, rendered safely."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from companion.audit.entries import record
from companion.errors import CompanionError
from companion.store.models import MessageTemplate

LOCALES = ("de", "en")

# Jinja in a sandbox: admins edit these, so templates may not reach into Python objects.
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)


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
    )
}


class TemplateInvalid(CompanionError, ValueError):
    """An edited template does not render."""


def get_template(session: Session, key: str, locale: str) -> tuple[str, str]:
    """The (title, body) source in force: the admins' edit, or the shipped default."""
    locale = locale if locale in LOCALES else "de"
    edited = session.get(MessageTemplate, (key, locale))
    if edited is not None:
        return edited.title, edited.body
    default = DEFAULTS[key]
    return default.title[locale], default.body[locale]


def render(title: str, body: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """Render a template's title and body with the given values."""
    try:
        return _ENV.from_string(title).render(values).strip(), _ENV.from_string(body).render(values).strip()
    except TemplateError as error:
        raise TemplateInvalid(str(error)) from None


def render_message(session: Session, key: str, locale: str, values: Mapping[str, Any]) -> tuple[str, str]:
    """Render the template in force for a key and language."""
    title, body = get_template(session, key, locale)
    return render(title, body, values)


def example_values(key: str) -> dict[str, Any]:
    """Plausible values to check that an edited template renders."""
    suggestion = {
        "name": "Erika Beispiel",
        "profile_url": "https://forum.example/u/erika",
        "organisation": "Stadt Beispiel",
        "explanation": "Ihr teilt: OZG, E-Akte",
    }
    samples = {
        "member_name": "Max Mustermann",
        "suggestions": [suggestion],
        "suggestions_url": "https://companion.example/suggestions",
        "profile_url": "https://companion.example/profile",
        "first_name": "Max Mustermann",
        "second_name": "Erika Beispiel",
        "first_organisation": "Kreis Beispiel",
        "second_organisation": "Stadt Beispiel",
        "shared": "Ihr teilt: OZG",
    }
    return {name: samples[name] for name in DEFAULTS[key].variables}


def save_template(session: Session, actor: str, key: str, locale: str, title: str, body: str) -> None:
    """Store an admin's edit after checking it renders; audited."""
    if key not in DEFAULTS or locale not in LOCALES:
        raise TemplateInvalid(f"unknown template {key}/{locale}")
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
