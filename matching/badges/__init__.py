"""matching/badges."""
