"""companion/suggestions."""
