"""companion/members."""
