"""The yearly camp (barcamp): participants bring sessions, vote, and get a grid of rooms and slots."""
