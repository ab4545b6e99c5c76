"""matching/camp."""
