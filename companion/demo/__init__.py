"""companion/demo."""
