"""matching/suggestions."""
