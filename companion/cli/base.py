"""Shared CLI plumbing: one-line errors instead of tracebacks, and the lazily opened context."""

from __future__ import annotations

import functools
import sys

import click

from companion.settings import SettingsError
from companion.store.db import StoreError

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (SettingsError, StoreError)


def register_expected_error(error_type: type[BaseException]) -> None:
    """Let a capability add an error type that the CLI reports as one line."""
    global EXPECTED_ERRORS
    if error_type not in EXPECTED_ERRORS:
        EXPECTED_ERRORS = EXPECTED_ERRORS + (error_type,)


class CompanionGroup(click.Group):
    """A click group that turns expected errors into one clear line and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except EXPECTED_ERRORS as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(2)


def pass_context(*, check_schema: bool = True):
    """Decorate a command so it receives the opened companion Context as first argument."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            from companion.context import Context

            context = Context.from_environment(check_schema=check_schema)
            try:
                return function(context, *args, **kwargs)
            finally:
                context.store.dispose()

        return wrapper

    return decorate
