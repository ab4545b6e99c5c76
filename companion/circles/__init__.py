"""Peer circles ("Zirkel") in the companion: seasons, sign-ups, formation, publishing, RSVPs, reminders, calendars, meetups."""
