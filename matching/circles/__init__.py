"""matching/circles."""
