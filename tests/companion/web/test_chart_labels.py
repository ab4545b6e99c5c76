"""The dashboard heatmap leaves room for the last organisation's rotated label."""

from __future__ import annotations

import math
import re

from companion.web.charts import heatmap


def test_the_last_column_label_fits_inside_the_drawing():
    labels = ["Kreis Wesel", "Stadt Essen", "Stadtverwaltung Gelsenkir"]
    svg = str(heatmap("Wer mit wem", labels, [[0, 1, 2], [1, 0, 3], [2, 3, 0]]))
    width = float(re.search(r'viewBox="0 0 (\d+)', svg).group(1))
    last_x = float(re.findall(r"rotate\(-50 ([\d.]+)", svg)[-1])
    text_px = 22 * 6.5  # the label is shortened to 22 characters
    assert last_x + text_px * math.cos(math.radians(50)) <= width
