"""Run the companion command with `python -m companion`."""

from companion.cli import main

main()
