"""companion/audit."""
