"""companion/messages."""
