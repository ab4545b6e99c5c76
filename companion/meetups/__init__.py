"""companion/meetups."""
