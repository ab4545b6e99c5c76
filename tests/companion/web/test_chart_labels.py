"""The dashboard heatmap leaves room for the last organisation's rotated label."""

from __future__ import annotations

import math
import re

from companion.web.charts import heatmap
from tests.support.web import log_in


def test_the_last_column_label_fits_inside_the_drawing():
    labels = ["Kreis Wesel", "Stadt Essen", "Stadtverwaltung Gelsenkir"]
    svg = str(heatmap("Wer mit wem", labels, [[0, 1, 2], [1, 0, 3], [2, 3, 0]]))
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    last_x = float(re.findall(r"rotate\(-50 ([\d.]+)", svg)[-1])
    text_px = 22 * 6.5  # the label is shortened to 22 characters
    assert last_x + text_px * math.cos(math.radians(50)) <= width


def test_an_empty_attendance_chart_says_why(client, store):
    from companion.store.models import Member

    with store.transaction() as session:
        admin = Member(forum_user_id=5, username="ada", name="Ada")
        session.add(admin)
        session.flush()
        admin_id = admin.id
    log_in(client, admin_id, admin=True)
    html = client.get("/admin/dashboard/").get_data(as_text=True)
    assert 'id="attendance-empty"' in html and "noch kein Zirkeltreffen stattgefunden" in html
