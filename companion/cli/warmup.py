"""`companion warm-up`: compile the matching kernels into numba's cache (run at image build)."""

from __future__ import annotations

import os

import click


@click.command("warm-up")
def warm_up_command() -> None:
    """Compile every matching kernel once, so the first request or nightly run does not wait for it.

    With NUMBA_CACHE_DIR set the compiled code is kept there; the Dockerfile runs
    this while building the image, so a container starts with a warm cache.

    \b
    Example:
      NUMBA_CACHE_DIR=/var/cache/companion/numba companion warm-up
    """
    import numba

    from companion.ops.compute import warm_up

    seconds = warm_up()
    cache = os.environ.get("NUMBA_CACHE_DIR") or "next to the sources"
    click.echo(f"matching kernels ready in {seconds:.1f} s (threading layer {numba.threading_layer()}, cache {cache})")


def register(main: click.Group) -> None:
    main.add_command(warm_up_command)
