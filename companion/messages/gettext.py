"""Translating outside a web request: a message in a given language, for forum messages and the CLI.

Web pages use Flask-Babel's gettext (the page's locale). Forum messages are written in the member's language
by jobs without a request, so they read the same compiled catalogue directly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

TRANSLATIONS_ROOT = Path(__file__).resolve().parents[1] / "translations"


@lru_cache(maxsize=8)
def catalogue(language: str) -> NullTranslations:
    """The compiled catalogue of a language (NullTranslations for English or when none is compiled)."""
    path = TRANSLATIONS_ROOT / language / "LC_MESSAGES" / "messages.mo"
    if language == "en" or not path.exists():
        # English is the msgid itself; a missing catalogue is reported at app start (companion.web.i18n).
        return NullTranslations()
    with path.open("rb") as handle:
        return Translations(handle)


def language_of(locale: str | None) -> str:
    """ "de" or "en" from a locale such as "de_DE" or "en-GB" (German when unknown)."""
    return "en" if (locale or "").lower().startswith("en") else "de"


def text_in(locale: str | None, msgid: str, **params: Any) -> str:
    """The message in that language (German or English), with %(name)s parameters filled in."""
    text = catalogue(language_of(locale)).gettext(msgid)
    return text % params if params else text


def plural_in(locale: str | None, singular: str, plural: str, num: int, **params: Any) -> str:
    """The singular or plural message for ``num`` in that language, with %(num)d and the other parameters filled in."""
    text = catalogue(language_of(locale)).ngettext(singular, plural, num)
    return text % {"num": num, **params}
