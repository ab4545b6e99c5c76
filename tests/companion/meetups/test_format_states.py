"""Lifecycles of the formats: guests, Lean Coffee topics and the camp change state only as their tables allow."""

from companion.camp.states import CAMP
from companion.meetups.states import GUEST, TOPIC
from tests.support.lifecycles import transitions


def test_a_guest_confirms_or_waits_and_cancels_and_may_register_again():
    transitions(
        GUEST,
        {
            ("unconfirmed", "confirmed"),
            ("unconfirmed", "waiting"),
            ("unconfirmed", "cancelled"),
            ("waiting", "confirmed"),
            ("waiting", "cancelled"),
            ("confirmed", "cancelled"),
            ("cancelled", "unconfirmed"),
        },
    )


def test_a_lean_coffee_topic_goes_from_the_board_through_discussion_once():
    transitions(TOPIC, {("proposed", "discussing"), ("discussing", "discussed")})


def test_a_camp_is_planned_and_then_posted_for_good():
    transitions(CAMP, {("open", "planned"), ("planned", "published")})
