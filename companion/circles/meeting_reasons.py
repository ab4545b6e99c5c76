"""Why a meeting was moved or could not be placed, in words: matching returns a BlockReason code and its data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.messages.gettext import text_in
from matching.circles.meetings import BlockReason

# Meetings moved before codes were stored keep a note the migration could not read back as a code.
LEGACY_NOTE = "legacy_note"


def blocked_day_text(
    code: str,
    params: Mapping[str, Any] | None = None,
    locale: str | None = "de",
    organisations: Mapping[Any, str] | None = None,
) -> str:
    """Why a day could not take the meeting ("Feiertag (Fronleichnam)"), organisations named when known."""
    values = dict(params or {})
    organisation = values.get("organisation")
    name = (organisations or {}).get(organisation, str(organisation))
    texts: dict[str, str] = {
        BlockReason.PUBLIC_HOLIDAY: text_in(locale, "public holiday (%(holiday)s)", holiday=values.get("holiday", "")),
        BlockReason.SCHOOL_HOLIDAY: text_in(locale, "school holidays"),
        BlockReason.CLOSED_DAY: text_in(locale, "network-wide closure day"),
        BlockReason.CLOSURE_DAY: text_in(locale, "closure day of organisation %(organisation)s", organisation=name),
        BlockReason.BEFORE_FIRST: text_in(locale, "before the season's first meeting date"),
        BlockReason.ORDER: text_in(locale, "not after the previous meeting"),
        BlockReason.HOST_CLOSED: text_in(locale, "every host organisation is closed"),
    }
    return texts.get(code, code)


def moved_text(
    code: str | None,
    params: Mapping[str, Any] | None = None,
    locale: str | None = "de",
    organisations: Mapping[Any, str] | None = None,
) -> str:
    """Why a meeting is not on its planned date ("Verschoben: Feiertag (Fronleichnam)"); empty when it is not moved."""
    if code is None:
        return ""
    if code == LEGACY_NOTE:
        return str((params or {}).get("text", ""))
    return text_in(locale, "Moved: %(reason)s", reason=blocked_day_text(code, params, locale, organisations))


def unplaced_text(
    code: str,
    params: Mapping[str, Any] | None = None,
    locale: str | None = "de",
    organisations: Mapping[Any, str] | None = None,
) -> str:
    """Why a meeting of the series has no date ("Kein Termin innerhalb einer Woche möglich: Schulferien")."""
    reason = blocked_day_text(code, params, locale, organisations)
    return text_in(locale, "No date possible within one week: %(reason)s", reason=reason)
