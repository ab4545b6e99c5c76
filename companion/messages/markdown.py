"""Member-supplied text made inert in the Markdown of forum PMs (no links, mentions, emphasis or HTML from names)."""

from __future__ import annotations

import re

# The ASCII punctuation (CommonMark lets a backslash escape each) that can start markup inside a line in
# Discourse: links and images ([]()!), emphasis (*_~), code (`), HTML and entities (<>&), headings (#),
# mentions (@), tables (|), BBCode ([]), and the backslash itself.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~@&])")
# What starts a list when a value opens a line: "- x", "+ x", "1. x", "2) x".
_LEADING_BLOCK = re.compile(r"\A([-+]|\d+[.)])")


class MarkdownSafe(str):
    """Text the companion wrote itself (its own URLs, prepared Markdown): rendered as it is."""


def escape_markdown(value: object) -> str:
    """Render a value as literal text in Markdown: one line, every markup character escaped."""
    if isinstance(value, MarkdownSafe):
        return str(value)
    text = _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
    return _LEADING_BLOCK.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], text)


def plain_line(value: object) -> str:
    """A value for a plain-text line such as a PM title: whitespace (newlines too) collapsed to single spaces."""
    return " ".join(str(value).split())


def escape_markdown_text(value: object) -> str:
    """Several lines of member-written text (a Vorhaben, notes): each line escaped, the line breaks kept."""
    return "\n".join(escape_markdown(line) if line.strip() else "" for line in str(value).splitlines())
