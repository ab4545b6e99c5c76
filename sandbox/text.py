"""Small text helpers: slugs, cooking raw Markdown-ish text into HTML, clickable links."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_URL = re.compile(r"https?://[^\s<>\"']+")


def transliterate(text: str) -> str:
    """Replace German umlauts and ß by their ASCII spellings."""
    return text.translate(_UMLAUTS)


def slugify(text: str) -> str:
    """Make a URL slug like Discourse's ASCII slugs (lowercase words joined by dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", transliterate(text).lower()).strip("-")
    return slug or "topic"


def linkify_escaped(text: str) -> Markup:
    """Escape text for HTML and turn http(s) URLs in it into clickable links."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        parts.append(str(escape(text[position : match.start()])))
        url = str(escape(match.group(0)))
        parts.append(f'<a href="{url}" rel="nofollow noopener">{url}</a>')
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


def cook(raw: str) -> str:
    """Render raw post text to HTML paragraphs the way Discourse's cooked field looks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", raw.strip()) if p.strip()]
    return "\n".join(f"<p>{linkify_escaped(p)}</p>".replace("\n", "<br>\n") for p in paragraphs)


def excerpt(raw: str, length: int = 300) -> str:
    """Cut plain text to at most `length` characters with an ellipsis like Discourse's excerpts."""
    flat = " ".join(raw.split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"


_ODD_SPACES = re.compile("[\u00a0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


def clean_title(title: str) -> str:
    """Rewrite a title as Discourse saves it (lib/text_cleaner.rb TextCleaner.clean_title, title_prettify on)."""
    text = re.sub(r"!+", "!", title)
    text = re.sub(r"\?+", "?", text)
    if re.search(r"[A-Z]+", text) and text == text.upper():
        # Ruby's tr('A-Z', 'a-z') lowers ASCII letters only.
        text = text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))
    # Capitalise the first word only when it is entirely lower-case ASCII.
    text = re.sub(r"\A([a-z]*)\b", lambda m: m.group(1).capitalize(), text, count=1)
    text = re.sub(r"([^.])\.+(\s*)\Z", r"\1\2", text, count=1)
    text = re.sub(r" +", " ", text)
    return _ODD_SPACES.sub(" ", text).strip()
