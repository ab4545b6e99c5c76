"""Why members get no suggestion, in words: matching returns an ExclusionReason code per member, no text."""

from __future__ import annotations

from companion.messages.gettext import plural_in, text_in
from matching.suggestions.engine import ExclusionReason


def exclusion_text(reason: ExclusionReason | str, locale: str | None = "de") -> str:
    """Why a member takes no part in a run, as a phrase that reads after a colon ("keine Einwilligung")."""
    texts: dict[str, str] = {
        ExclusionReason.SYSTEM_USER: text_in(locale, "system account"),
        ExclusionReason.NO_STATUS: text_in(locale, "no status known"),
        ExclusionReason.NO_CONSENT: text_in(locale, "no consent"),
        ExclusionReason.INACTIVE: text_in(locale, "account not activated"),
        ExclusionReason.SUSPENDED: text_in(locale, "suspended in the forum"),
        ExclusionReason.SILENCED: text_in(locale, "silenced in the forum"),
        ExclusionReason.STAGED: text_in(locale, "staged account"),
        ExclusionReason.EXCLUDED_GROUP: text_in(locale, "in an excluded group"),
        ExclusionReason.NOT_SEEN_RECENTLY: text_in(locale, "not seen in the forum recently"),
    }
    return texts.get(reason, str(reason))


def excluded_count_text(reason: ExclusionReason | str, count: int, locale: str | None = "de") -> str:
    """How many members get no suggestion for one reason ("231 get none: not seen in the forum recently")."""
    return _none_for(count, exclusion_text(reason, locale), locale)


def without_candidate_count_text(count: int, locale: str | None = "de") -> str:
    """How many members take part but find nobody to be suggested under today's rules."""
    return _none_for(count, text_in(locale, "taking part, but no candidate under these rules today"), locale)


def _none_for(count: int, reason: str, locale: str | None) -> str:
    """One sentence for members getting no suggestion: the count, then the reason."""
    return plural_in(locale, "%(num)d gets none: %(reason)s", "%(num)d get none: %(reason)s", count, reason=reason)
