"""Why a member earned a badge, in words: matching returns an AwardReason code and its figures, no text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from companion.messages.gettext import plural_in, text_in
from matching.badges.rules import AwardReason


def award_reason_text(code: str, params: Mapping[str, Any], locale: str | None = "de") -> str:
    """The rule's reason as one sentence ("Interaktion mit Mitgliedern aus 3 anderen Verwaltungen.")."""
    p = dict(params)
    if code == AwardReason.OTHER_ORGS:
        return plural_in(
            locale,
            "Interacted with members of %(num)d other organisation.",
            "Interacted with members of %(num)d other organisations.",
            p["orgs"],
        )
    if code == AwardReason.CIRCLE_MEETINGS:
        return plural_in(
            locale,
            "Attended %(num)d meeting of circle %(circle)s.",
            "Attended %(num)d meetings of circle %(circle)s.",
            p["meetings"],
            circle=p["circle"],
        )
    if code == AwardReason.SUGGESTIONS_ACCEPTED:
        return plural_in(
            locale,
            "Started a conversation with %(num)d suggested member.",
            "Started a conversation with %(num)d suggested members.",
            p["members"],
        )
    if code == AwardReason.HOSTED_FOR_OTHER_ORGS:
        return plural_in(
            locale,
            "Hosted meeting %(meeting)s for %(num)d member of another organisation.",
            "Hosted meeting %(meeting)s for %(num)d members of other organisations.",
            p["guests"],
            meeting=p["meeting"],
        )
    if code == AwardReason.FIRST_CONTACT:
        return text_in(locale, "First contact between %(own)s and %(other)s.", own=p["own"], other=p["other"])
    return code


def grant_reason_text(badge_name: str, code: str, params: Mapping[str, Any], locale: str | None = "de") -> str:
    """The badge's name (catalogue data in that language) and why it was earned ("Brückenbauer*in: ...")."""
    return f"{badge_name}: {award_reason_text(code, params, locale)}"
