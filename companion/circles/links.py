"""Links the circle service puts into forum messages: pages and signed, member-specific RSVP links."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from companion.circles.errors import RsvpRefused

RSVP_SALT = "circles-rsvp"
ANSWERS = ("yes", "maybe", "no")


def _serializer(settings) -> URLSafeSerializer:
    if not settings.secret_key:
        raise RsvpRefused("COMPANION_SECRET_KEY is not set, so RSVP links cannot be signed")
    return URLSafeSerializer(settings.secret_key, salt=RSVP_SALT)


def rsvp_token(settings, meeting_id: int, member_id: int) -> str:
    """A signed token naming one member and one meeting."""
    return _serializer(settings).dumps({"meeting": meeting_id, "member": member_id})


def read_rsvp_token(settings, token: str) -> tuple[int, int]:
    """The (meeting id, member id) of a signed token, raising RsvpRefused when it was tampered with."""
    try:
        data = _serializer(settings).loads(token)
        return int(data["meeting"]), int(data["member"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise RsvpRefused("this RSVP link is not valid") from None


def rsvp_url(settings, meeting_id: int, member_id: int, answer: str) -> str:
    """The absolute URL of a signed RSVP link for one answer."""
    return f"{settings.base_url}/circles/rsvp/{rsvp_token(settings, meeting_id, member_id)}/{answer}"


def rsvp_links(settings, meeting_id: int, member_id: int) -> dict[str, str]:
    """Signed RSVP links for every answer."""
    return {answer: rsvp_url(settings, meeting_id, member_id, answer) for answer in ANSWERS}


def circle_url(settings, circle_id: int) -> str:
    """The absolute URL of a circle's page."""
    return f"{settings.base_url}/circles/circle/{circle_id}"


def meetup_url(settings, meetup_id: int) -> str:
    """The absolute URL of a meetup's page."""
    return f"{settings.base_url}/circles/meetups/{meetup_id}"


def calendar_url(settings, token: str) -> str:
    """The absolute URL of an ICS feed."""
    return f"{settings.base_url}/calendar/{token}.ics"
