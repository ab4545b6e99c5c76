"""Message templates as JSON: export every template in force, import a file of them all at once or not at all."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from companion.errors import CompanionError
from companion.messages.templates import DEFAULTS, LOCALES, TemplateInvalid, get_template, save_template

FORMAT_VERSION = 1


class TemplateImportInvalid(CompanionError, ValueError):
    """An import file the companion cannot take; `problems` says what is wrong with which entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def export_templates(session: Session) -> dict[str, Any]:
    """Every template key in every language as it is in force (the admins' edit or the shipped default)."""
    entries = []
    for key in DEFAULTS:
        for locale in LOCALES:
            title, body = get_template(session, key, locale)
            entries.append({"key": key, "locale": locale, "title": title, "body": body})
    return {"version": FORMAT_VERSION, "templates": entries}


def _entries(data: Any) -> list[Any]:
    if (
        not isinstance(data, dict)
        or data.get("version") != FORMAT_VERSION
        or not isinstance(data.get("templates"), list)
    ):
        raise TemplateImportInvalid(
            [_("This is no template export of the companion (version %(version)s).", version=FORMAT_VERSION)]
        )
    return data["templates"]


def import_templates(session: Session, actor: str, data: Any) -> int:
    """Save every changed entry of an export after checking all; nothing is saved when one is wrong.

    Returns how many templates changed: an entry equal to the text in force is left alone, so importing an
    export of shipped defaults keeps them defaults (and later improvements of the defaults still arrive).
    """
    entries = _entries(data)
    problems: list[str] = []
    valid: list[tuple[str, str, str, str]] = []
    for number, entry in enumerate(entries, start=1):
        fields = entry if isinstance(entry, dict) else {}
        key, locale = fields.get("key"), fields.get("locale")
        title, body = fields.get("title"), fields.get("body")
        if not all(isinstance(value, str) for value in (key, locale, title, body)):
            problems.append(_("Entry %(number)s: key, locale, title and body must be texts.", number=number))
            continue
        assert isinstance(key, str) and isinstance(locale, str) and isinstance(title, str) and isinstance(body, str)
        if key not in DEFAULTS or locale not in LOCALES:
            problems.append(
                _("Entry %(number)s: there is no template %(name)s.", number=number, name=f"{key}/{locale}")
            )
            continue
        if (title, body) != get_template(session, key, locale):
            valid.append((key, locale, title, body))
    if problems:
        raise TemplateImportInvalid(problems)
    # Checked inside a savepoint: an entry that does not render rolls back the ones saved before it.
    nested = session.begin_nested()
    for number, (key, locale, title, body) in enumerate(valid, start=1):
        try:
            save_template(session, actor, key, locale, title, body)
        except TemplateInvalid as error:
            problems.append(
                _("Entry %(number)s (%(name)s): %(problem)s", number=number, name=f"{key}/{locale}", problem=str(error))
            )
    if problems:
        nested.rollback()
        raise TemplateImportInvalid(problems)
    nested.commit()
    return len(valid)
