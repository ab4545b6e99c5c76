"""Languages of the web pages: merged per-area German catalogues, locale choice and the language switch."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, current_app, g, redirect, request, session
from flask_babel import Babel

from companion.web.security import safe_next

TRANSLATIONS_ROOT = Path(__file__).resolve().parents[1] / "translations"
LOCALES = ("de", "en")
SESSION_KEY = "locale"

bp = Blueprint("i18n", __name__)


def catalog_files(root: Path = TRANSLATIONS_ROOT, locale: str = "de") -> list[Path]:
    """Every area's catalogue for a locale, e.g. translations/core/de/LC_MESSAGES/messages.po."""
    return sorted(root.glob(f"*/{locale}/LC_MESSAGES/messages.po"))


def merged_catalog(files: list[Path], locale: str = "de") -> Catalog:
    """One catalogue holding the translated messages of all areas (fuzzy and empty ones left out)."""
    merged = Catalog(locale=locale, domain="messages")
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if not all(strings):
                continue
            merged.add(message.id, message.string, context=message.context)
    return merged


def compile_catalogs(target: Path, root: Path = TRANSLATIONS_ROOT) -> Path:
    """Write the merged .mo files below target (atomically, so parallel workers cannot see half a file)."""
    for locale in LOCALES:
        files = catalog_files(root, locale)
        if not files:
            continue
        folder = target / locale / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, merged_catalog(files, locale))
        os.replace(temporary, folder / "messages.mo")
    return target


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


def init_i18n(app: Flask, compiled_dir: Path, default_locale: str, timezone: str = "Europe/Berlin") -> Babel:
    """Compile the catalogues and set up Flask-Babel with the companion's locale choice."""
    compile_catalogs(compiled_dir)
    app.config["BABEL_DEFAULT_LOCALE"] = default_locale
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_dir)
    babel = Babel(app, locale_selector=select_locale, default_timezone=timezone)
    return babel


@bp.get("/language/<code>")
def switch(code: str):
    """Switch the page language for this browser session and go back where the member was."""
    if code in LOCALES:
        session[SESSION_KEY] = code
    return redirect(safe_next(request.args.get("next")))


EXTRACT_KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


def extract_msgids(paths: list[Path]) -> dict[str, set[str]]:
    """Every msgid used in the given Python files and Jinja templates, with the files that use it."""
    from babel.messages.extract import extract

    found: dict[str, set[str]] = {}
    for path in paths:
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        options = {} if method == "python" else {"extensions": "jinja2.ext.do", "trimmed": "false"}
        with path.open("rb") as handle:
            for _line, message, _comments, _context in extract(method, handle, EXTRACT_KEYWORDS, options=options):
                # A plural message is one catalogue entry, keyed by its singular msgid (babel's Catalog).
                ids = message[:1] if isinstance(message, (tuple, list)) else (message,)
                for msgid in ids:
                    if msgid:
                        found.setdefault(msgid, set()).add(str(path))
    return found


def source_files(root: Path | None = None) -> list[Path]:
    """The web code and templates of all areas, where user-facing msgids live."""
    root = root or Path(__file__).resolve().parents[1]
    return sorted((root / "web").glob("*.py")) + sorted((root / "templates").rglob("*.html"))


def missing_translations(locale: str = "de", paths: list[Path] | None = None) -> dict[str, set[str]]:
    """Msgids used by the pages that no area's catalogue translates (with where they are used)."""
    catalog = merged_catalog(catalog_files(locale=locale), locale)
    used = extract_msgids(paths if paths is not None else source_files())
    return {msgid: files for msgid, files in used.items() if catalog.get(msgid) is None}
