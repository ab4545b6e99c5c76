"""Member-supplied text inside Markdown the companion posts: shown as written, never as links, images or HTML."""

from __future__ import annotations

import re

# Characters that start emphasis, links, images, code, HTML, tables or strike-through in Discourse's Markdown.
_SPECIAL = re.compile(r"([\\`*_\[\]()<>#!|~])")
# "@name" would notify someone: a zero-width joiner keeps it readable but not a mention.
_MENTION = re.compile(r"@(?=\w)")


def escape_markdown(text: str) -> str:
    """The text with every Markdown-active character escaped and @-mentions defused."""
    return _MENTION.sub("@\u200d", _SPECIAL.sub(r"\\\1", text or ""))
