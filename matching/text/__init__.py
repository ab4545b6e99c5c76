"""matching/text."""
