"""companion/web/admin."""
