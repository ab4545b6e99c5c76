"""Translating outside a web request: a message in a given language, for forum messages and the CLI.

Web pages use Flask-Babel's gettext (the page's locale). Forum messages are written in the member's language
by jobs without a request, so they read the same compiled catalogue directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class Worded(Protocol):
    """A value put into words only once the reader's language is known (a message, a date)."""

    def text(self, locale: str | None) -> str: ...


@dataclass(frozen=True)
class Wording:
    """A catalogue message kept as msgid and parameters, worded in a reader's language only when shown."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None

    def text(self, locale: str | None) -> str:
        """The message in that language; parameters that are worded values are put into that language too."""
        values = {
            name: value.text(locale) if isinstance(value, Worded) else value for name, value in self.params.items()
        }
        translations = catalogue(language_of(locale))
        text = str(
            translations.pgettext(self.context, self.msgid) if self.context else translations.gettext(self.msgid)
        )
        return text % values if values else text


def wording(msgid: str, /, **params: Any) -> Wording:
    """A message to word later in the reader's language (extracted for the catalogue like text_in)."""
    return Wording(msgid, params)
