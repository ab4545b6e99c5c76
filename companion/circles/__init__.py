"""Peer circles ("Zirkel"): seasons, sign-ups, formation, publishing, RSVPs, reminders, calendars, meetups."""
