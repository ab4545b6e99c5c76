"""Camp pages: an admin creates a camp, members and guests propose, members vote, the grid is built and shown."""

from __future__ import annotations

import re

from sqlalchemy import select

from companion.store.models import Camp, CampSession
from tests.support.circles import add_members
from tests.support.web import csrf_token, log_in


def test_from_creation_to_the_grid(client, store):
    with store.transaction() as session:
        admin, anna, ben = (m.id for m in add_members(session, 3))
    log_in(client, admin, admin=True)
    token = csrf_token(client, "/camp/admin/new")
    bad = client.post(
        "/camp/admin/new",
        data={"csrf_token": token, "name": "Camp", "day": "2027-06-18", "rooms": "Saal", "slots": "10:00-10:45"},
    )
    assert bad.status_code == 400 and "bitte als „Name: Plätze“ angeben" in bad.get_data(as_text=True)
    created = client.post(
        "/camp/admin/new",
        data={
            "csrf_token": token,
            "name": "Rebellen-Camp",
            "day": "2027-06-18",
            "location": "Essen",
            "rooms": "Saal: 80\nRaum 2: 20",
            "slots": "10:00-10:45\n11:00-11:45",
        },
    )
    assert created.status_code == 302
    path = created.headers["Location"]
    client.get("/")  # keep the session
    client_guest = client.application.test_client()
    guest_token = csrf_token(client_guest, path)
    assert (
        client_guest.post(
            path, data={"csrf_token": guest_token, "action": "propose", "name": "Eva Gast", "title": "Bürgerhaushalt"}
        ).status_code
        == 302
    )
    for member_id, title in ((anna, "Open Data"), (ben, "KI im Amt")):
        log_in(client, member_id)
        client.post(path, data={"csrf_token": token, "action": "propose", "title": title})
    with store.transaction() as session:
        ids = {s.title: s.id for s in session.scalars(select(CampSession))}
    for member_id in (anna, ben):
        log_in(client, member_id)
        for title in ("Open Data", "KI im Amt"):
            client.post(path, data={"csrf_token": token, "action": "vote", "session_id": ids[title]})
    page = client.get(path).get_data(as_text=True)
    assert "2 Personen interessiert" in page and "0 Personen interessiert" in page
    assert (
        client_guest.post(
            path, data={"csrf_token": guest_token, "action": "vote", "session_id": ids["Open Data"]}
        ).status_code
        == 403
    )
    log_in(client, admin, admin=True)
    camp_id = int(re.search(r"/camp/(\d+)", path).group(1))
    client.post(f"/camp/{camp_id}/admin/plan", data={"csrf_token": token})
    page = client.get(path).get_data(as_text=True)
    assert "Sessionplan" in page and "10:00–10:45" in page
    grid = page[page.index("camp-grid") : page.index("</table>")]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", grid, re.S)
    assert sum("Open Data" in row for row in rows) == 1 and not any("Open Data" in r and "KI im Amt" in r for r in rows)
    ics = client.get(f"/camp/sessions/{ids['Open Data']}.ics")
    assert ics.status_code == 200 and b"SUMMARY:Open Data" in ics.data
    with store.transaction() as session:
        assert session.scalar(select(Camp.status)) == "planned"
