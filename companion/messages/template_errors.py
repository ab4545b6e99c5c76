"""Why an admin's template does not render, worded in the reader's language with the line and the field at fault."""

from __future__ import annotations

import re
from types import TracebackType

from flask_babel import gettext as _
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from companion.errors import CompanionError

# Jinja compiles templates from strings under this file name; its rewritten tracebacks carry the template's lines.
_TEMPLATE_FILE = "<template>"


class TemplateTooCostly(TemplateError):
    """A template that would take too long or produce too much text; the message is already worded for the admin."""


class TemplateInvalid(CompanionError, ValueError):
    """An edited template does not render: a message for the admin, the field at fault and Jinja's own words."""

    def __init__(self, message: str, *, field: str = "body", detail: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.detail = detail


def too_long(limit: int) -> TemplateInvalid:
    """The source is over the size bound."""
    return TemplateInvalid(_("The template is longer than %(n)s characters.", n=limit))


def explain(error: Exception, field: str) -> TemplateInvalid:
    """A TemplateInvalid for what went wrong while rendering a field ("title" or "body")."""
    message = _wording(error)
    line = _line_of(error)
    # A title is one line, so only the body's messages name the line.
    if line is not None and field == "body":
        message = _("Line %(line)s: %(message)s", line=line, message=message)
    detail = "" if isinstance(error, TemplateTooCostly) else _jinja_words(error)
    return TemplateInvalid(message, field=field, detail=detail)


def _wording(error: Exception) -> str:
    text = getattr(error, "message", None) or str(error)
    if isinstance(error, TemplateTooCostly):
        return _("The template costs too much to render: %(reason)s.", reason=text)
    if isinstance(error, UndefinedError):
        if match := re.fullmatch(r"'(.+)' is undefined", text):
            return _("There is no placeholder “%(name)s” here; use one from the list.", name=match[1])
        if match := re.search(r"has no attribute '(.+)'", text):
            return _("The value has no field “%(name)s”.", name=match[1])
        return _("The template uses a value that does not exist.")
    if isinstance(error, SecurityError):
        return _("The template tries something the sandbox does not allow.")
    if isinstance(error, TemplateSyntaxError):
        return _syntax_wording(text)
    if isinstance(error, TemplateError):
        return _("The template does not render.")
    if isinstance(error, OverflowError):
        # The sandbox's range() limit, or a float too large: a question of cost, not of syntax.
        return _("The template costs too much to render: %(reason)s.", reason=_("a number or a range is too large"))
    return _("A value cannot be computed (for example a division by zero or a wrong type).")


def _syntax_wording(text: str) -> str:
    if text.startswith("Unexpected end of template"):
        return _("A block is not closed: an “endfor” or “endif” is missing.")
    if match := re.match(r"Encountered unknown tag '(.+?)'", text):
        return _("There is no tag “%(name)s”.", name=match[1])
    if match := re.match(r"No filter named '(.+?)'", text):
        return _("There is no filter “%(name)s”.", name=match[1])
    if match := re.match(r"unexpected '(.+?)'", text):
        return _("Unexpected “%(sign)s”: a bracket does not match.", sign=match[1])
    return _("The template's syntax is not valid.")


def _line_of(error: Exception) -> int | None:
    if isinstance(error, TemplateSyntaxError):
        return error.lineno
    line = None
    traceback: TracebackType | None = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == _TEMPLATE_FILE:
            line = traceback.tb_lineno  # the innermost template frame is the line at fault
        traceback = traceback.tb_next
    return line


def _jinja_words(error: Exception) -> str:
    """Jinja's or Python's own message, shown as a technical detail next to the worded one."""
    text = getattr(error, "message", None) or str(error)
    return text if isinstance(error, TemplateError) else f"{type(error).__name__}: {text}"
