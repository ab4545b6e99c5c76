"""Shared CLI plumbing: one-line errors instead of tracebacks, and the lazily opened context."""

from __future__ import annotations

import functools
import sys

import click

from companion.errors import expected_errors

__all__ = ["CompanionGroup", "pass_context"]


class CompanionGroup(click.Group):
    """A click group that turns expected errors into one clear line and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except expected_errors() as error:
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
