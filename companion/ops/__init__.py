"""companion/ops."""
