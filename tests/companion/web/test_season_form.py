"""The season form: weekly time blocks as rows of fields with an error per field; JSON stays as import/export."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from companion.store.models import Member, Season
from tests.support.web import log_in


def _admin_client(web_app, store):
    with store.transaction() as session:
        admin = Member(forum_user_id=77, username="ada", name="Ada")
        session.add(admin)
        session.flush()
        admin_id = admin.id
    client = web_app.test_client()
    log_in(client, admin_id, admin=True)
    return client


def _base(client):
    html = client.get("/circles/admin/seasons/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return html, {
        "csrf_token": token,
        "name": "Frühjahr",
        "signup_opens_on": "2025-01-01",
        "signup_closes_on": "2025-01-31",
        "first_meeting_on": "2025-02-03",
        "min_size": "4",
        "target_size": "6",
        "max_size": "8",
        "cadence_weeks": "5",
        "meetings_count": "4",
        "meeting_minutes": "90",
        "year_end_closed": "on",
    }


def test_the_new_season_form_shows_the_default_blocks_as_rows(web_app, store):
    client = _admin_client(web_app, store)
    html, _data = _base(client)
    assert 'id="block-0-label_de" name="block-0-label_de" value="Vormittag"' in html
    assert 'type="time" id="block-0-start" name="block-0-start" value="09:00"' in html
    assert 'name="block-0-weekdays" value="4" checked' in html
    assert 'name="block-3-label_de" value=""' in html  # the empty row for a new block


def test_rows_are_saved_as_time_blocks(web_app, store):
    client = _admin_client(web_app, store)
    _html, data = _base(client)
    rows = {
        "block_count": "2",
        "block-0-label_de": "Früher Nachmittag",
        "block-0-start": "13:00",
        "block-0-end": "15:00",
        "block-0-weekdays": ["1", "3"],
        "block-1-label_de": "",
        "block-1-start": "",
        "block-1-end": "",
    }
    response = client.post("/circles/admin/seasons/new", data={**data, **rows})
    assert response.status_code == 302, response.get_data(as_text=True)
    with store.session() as session:
        season = session.scalar(select(Season))
        assert season.time_blocks == [
            {
                "key": "frueher-nachmittag",
                "start": "13:00",
                "end": "15:00",
                "label_de": "Früher Nachmittag",
                "label_en": "Früher Nachmittag",
                "weekdays": [1, 3],
            }
        ]


def test_each_wrong_field_gets_its_error_and_keeps_what_was_typed(web_app, store):
    client = _admin_client(web_app, store)
    _html, data = _base(client)
    rows = {
        "block_count": "2",
        "block-0-label_de": "Mittag",
        "block-0-start": "12:00",
        "block-0-end": "12:30",
        "block-0-weekdays": ["2"],
        "block-1-label_de": "Abend",
        "block-1-start": "18 Uhr",
        "block-1-end": "20:00",
    }
    response = client.post("/circles/admin/seasons/new", data={**data, **rows})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="block-0-end-error">Das Zeitfenster ist kürzer als ein Treffen (90 Minuten).' in html
    assert 'id="block-1-start-error">Bitte eine Uhrzeit wie 09:00 eingeben.' in html
    assert "Bitte mindestens einen Wochentag wählen." in html
    assert 'name="block-1-label_de" value="Abend"' in html
    with store.session() as session:
        assert session.scalar(select(Season)) is None


def test_json_stays_available_as_import(web_app, store):
    client = _admin_client(web_app, store)
    html, data = _base(client)
    exported = re.search(r'name="time_blocks_exported" value="([^"]+)"', html).group(1)
    assert "vormittag" in exported
    imported = [{"key": "abend", "start": "17:00", "end": "19:00", "label_de": "Abend", "label_en": "Evening"}]
    response = client.post(
        "/circles/admin/seasons/new",
        data={**data, "block_count": "0", "time_blocks": json.dumps(imported), "time_blocks_exported": "[]"},
    )
    assert response.status_code == 302
    with store.session() as session:
        assert session.scalar(select(Season)).time_blocks == imported
