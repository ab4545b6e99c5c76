"""companion/forum."""
