"""The words of a suggestion's reason, in the member's language (matching returns the shared terms only)."""

from __future__ import annotations

from companion.messages.gettext import text_in


def explanation_text(terms: list[str], locale: str | None = "de") -> str:
    """A one-line reason such as "Ihr teilt: OZG, E-Akte, Lean Coffee" ("You share: ..." in English)."""
    if not terms:
        return text_in(locale, "Similar interests")
    return text_in(locale, "You share: %(terms)s", terms=", ".join(terms))
