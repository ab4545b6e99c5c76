"""Languages of the web pages: the one gettext catalogue, locale choice and the language switch."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, g, redirect, request, session
from flask_babel import Babel

from companion.web.security import safe_next

TRANSLATIONS_ROOT = Path(__file__).resolve().parents[1] / "translations"
LOCALES = ("de", "en")
SESSION_KEY = "locale"
COMPILE_HINT = "pybabel compile -d companion/translations (or reinstall: pip install -e .)"

log = logging.getLogger(__name__)

bp = Blueprint("i18n", __name__)


def catalogue_path(locale: str = "de", root: Path = TRANSLATIONS_ROOT, suffix: str = ".po") -> Path:
    """The one catalogue of a locale: translations/<locale>/LC_MESSAGES/messages.po (or .mo)."""
    return root / locale / "LC_MESSAGES" / f"messages{suffix}"


def load_catalogue(locale: str = "de", root: Path = TRANSLATIONS_ROOT) -> Catalog:
    """The source catalogue (.po) of a locale, as Babel reads it."""
    with catalogue_path(locale, root).open("rb") as handle:
        return read_po(handle, locale=locale)


def compiled_problem(locale: str = "de", root: Path = TRANSLATIONS_ROOT) -> str | None:
    """Why the compiled catalogue (.mo) cannot be trusted (missing, older than its .po), or None if it is fine."""
    source, compiled = catalogue_path(locale, root), catalogue_path(locale, root, ".mo")
    if not source.exists():
        return None
    if not compiled.exists():
        return f"{compiled} is missing: {COMPILE_HINT}"
    if compiled.stat().st_mtime < source.stat().st_mtime:
        return f"{compiled} is older than {source.name}: {COMPILE_HINT}"
    return None


def select_locale() -> str:
    """The page language: the switch, else the member's forum locale, else Accept-Language, else the default."""
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    member = getattr(g, "member", None)
    for candidate in (getattr(g, "member_locale", None), getattr(member, "locale", None)):
        short = _short(candidate)
        if short:
            return short
    best = request.accept_languages.best_match(LOCALES) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _short(locale: str | None) -> str | None:
    # Discourse locales look like "de", "de_DU" or "en_GB"; only the language matters here.
    if not locale:
        return None
    language = locale.replace("-", "_").split("_")[0].lower()
    return language if language in LOCALES else None


def init_i18n(app: Flask, default_locale: str, timezone: str = "Europe/Berlin") -> Babel:
    """Set up Flask-Babel on the compiled catalogues (built at install time) with the companion's locale choice."""
    for locale in LOCALES:
        problem = compiled_problem(locale)
        if problem:
            # German pages would silently fall back to English; say so once, loudly, instead.
            log.error("translations: %s", problem)
    app.config["BABEL_DEFAULT_LOCALE"] = default_locale
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_ROOT)
    return Babel(app, locale_selector=select_locale, default_timezone=timezone)


@bp.get("/language/<code>")
def switch(code: str):
    """Switch the page language for this browser session and go back where the member was."""
    if code in LOCALES:
        session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))
