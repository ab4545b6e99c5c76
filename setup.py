"""Build hook: compile the German gettext catalogue (.po -> .mo) whenever the package is built or installed.

Everything else about the package is declared in pyproject.toml. The .mo is written next to its .po in the
source tree, so a normal `pip install .` ships it as package data and an editable install
(`pip install -e .`) reads it in place; no binary file is committed.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "companion" / "translations"


class build_py_with_catalogues(build_py):
    """build_py that compiles companion/translations/*/LC_MESSAGES/messages.po first."""

    def run(self) -> None:
        # Fuzzy entries are left out, as at runtime; --statistics prints how complete each locale is.
        CommandLineInterface().run(["pybabel", "compile", "-d", str(TRANSLATIONS), "-D", "messages", "--statistics"])
        super().run()


setup(cmdclass={"build_py": build_py_with_catalogues})
