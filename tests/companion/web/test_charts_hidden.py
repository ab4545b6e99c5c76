"""Charts mark a hidden figure (None) with a dash instead of drawing it as zero."""

from __future__ import annotations

import re

from companion.web.charts import Series, bar_chart, heatmap


def test_a_hidden_bar_is_a_dash_not_a_bar():
    svg = str(bar_chart("t", ["Q1", "Q2"], [Series("a", [None, 4])]))
    assert len(re.findall(r"<rect [^>]*><title>", svg)) == 1
    assert "a, Q2: 4" in svg and ">–</text>" in svg


def test_a_hidden_heatmap_cell_is_grey_with_a_dash():
    svg = str(heatmap("t", ["A", "B"], [[0, None], [None, 3]]))
    assert svg.count('fill="#c9ced6"') == 2
    assert "A – B: –" in svg and "B – B: 3" in svg


def test_long_legend_labels_do_not_overlap():
    svg = str(bar_chart("t", ["Q1"], [Series("angenommene Vorstellungen", [1]), Series("b", [2])]))
    first, second = (float(x) for x in re.findall(r'<rect x="([\d.]+)" y="6"', svg))
    assert second - first >= 16 + 7 * len("angenommene Vorstellungen")
