"""Test-run plugin: compile the gettext catalogue when it is missing or older than its .po (as an install would)."""

from __future__ import annotations

from babel.messages.frontend import CommandLineInterface

from companion.web.i18n import LOCALES, TRANSLATIONS_ROOT, compiled_problem


def compile_catalogues() -> None:
    """Compile every locale's messages.po to messages.mo, like setup.py's build hook does."""
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS_ROOT), "-D", "messages"])


def pytest_sessionstart(session) -> None:
    # A developer who edited the .po after `pip install -e .` gets pages in the current translation.
    if any(compiled_problem(locale) for locale in LOCALES):
        compile_catalogues()
