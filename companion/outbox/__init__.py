"""companion/outbox."""
