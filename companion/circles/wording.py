"""Words the circle services put into their messages, in the reader's language: states and dates."""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from flask_babel import format_date, pgettext

from companion.messages.gettext import Wording

# Same msgids (context "state") as the web pages' state labels (companion.web.labels), so both read the same.
_STATES = {
    "draft": "draft",
    "open": "open for sign-up",
    "formed": "formed, not yet published",
    "preview": "preview",
    "published": "published",
    "closed": "closed",
}


def state_text(status: str) -> str:
    """A season or circle state in words ("published" -> "veröffentlicht" on a German page)."""
    return pgettext("state", _STATES[status]) if status in _STATES else status


def state_wording(status: str) -> Wording:
    """A season or circle state worded later in the reader's language, for an error's parameters."""
    return Wording(_STATES.get(status, status), context="state" if status in _STATES else None)


def date_text(day: date) -> str:
    """A date in the page's format ("22.12.2026" on a German page); ISO format outside a request (CLI, logs)."""
    return str(format_date(day)) if has_request_context() else day.isoformat()
