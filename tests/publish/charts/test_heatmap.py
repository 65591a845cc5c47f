import re

import pytest

from coercionwatch.publish.charts import RegionCell, region_heatmap
from coercionwatch.publish.charts.chart import contrast
from coercionwatch.publish.charts.heatmap import shade

from .helpers import HOSTILE, SVG, all_text, no_markup_got_through, parse, rows

CELLS = [
    RegionCell("w1", "First wave", "african", "African States", 33, 11),
    RegionCell("w1", "First wave", "weog", "Western European and other States", 25, 25),
    RegionCell("w2", "Second wave", "african", "African States", 33, 0),
    RegionCell("w2", "Second wave", "weog", "Western European and other States", 25, 5),
    RegionCell("w3", "Third wave", "weog", "Western European and other States", 0, 0),
]


def _cells(root):
    return {
        (g.get("data-wave"), g.get("data-group")): g
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "cell"
    }


def test_each_cell_is_shaded_by_its_share_and_shows_its_count():
    root = parse(region_heatmap(CELLS, title="By region").svg)
    cells = _cells(root)
    assert sorted(cells) == sorted((c.wave_id, c.group) for c in CELLS)
    expected = {
        ("w1", "african"): (1 / 3, "11/33"),
        ("w1", "weog"): (1.0, "25/25"),
        ("w2", "african"): (0.0, "0/33"),
        ("w2", "weog"): (0.2, "5/25"),
    }
    for key, (value, figure) in expected.items():
        rect, label = cells[key].find(f"{SVG}rect"), cells[key].find(f"{SVG}text")
        assert rect.get("fill") == shade(value)
        assert "".join(label.itertext()) == figure
        assert contrast(label.get("fill"), rect.get("fill")) >= 4.5
    assert shade(0.0) != shade(0.2) != shade(1.0)
    # No States Parties in the group: no share to shade, the count still written.
    empty = cells["w3", "weog"]
    assert empty.find(f"{SVG}rect").get("fill") == "#FFFFFF"
    assert "".join(empty.find(f"{SVG}text").itertext()) == "0/0"
    assert cells["w1", "african"].find(f"{SVG}title").text == (
        "First wave, African States: 11 of 33 (33%)"
    )


def test_rows_are_groups_and_columns_are_waves_in_the_order_given():
    root = parse(region_heatmap(CELLS, title="By region").svg)
    cells = _cells(root)
    x = lambda key: float(cells[key].find(f"{SVG}rect").get("x"))  # noqa: E731
    y = lambda key: float(cells[key].find(f"{SVG}rect").get("y"))  # noqa: E731
    assert x(("w1", "african")) < x(("w2", "african")) < x(("w3", "weog"))
    assert y(("w1", "african")) < y(("w1", "weog")) == y(("w3", "weog"))
    # The African States have no cell for the third wave: a blank square, unnamed.
    assert ("w3", "african") not in cells
    text = all_text(root)
    assert "Western European and other States" in text
    assert "Third wave" in text


def test_the_csv_and_the_text_alternative_say_what_the_cells_show():
    chart = region_heatmap(CELLS, title="By region")
    assert [
        (r["wave_id"], r["group"], r["parties"], r["answered"], r["share"]) for r in rows(chart.csv)
    ] == [
        ("w1", "african", "33", "11", "0.3333"),
        ("w1", "weog", "25", "25", "1.0"),
        ("w2", "african", "33", "0", "0.0"),
        ("w2", "weog", "25", "5", "0.2"),
        ("w3", "weog", "0", "0", ""),
    ]
    assert chart.alt.startswith("By region. States Parties that answered, by regional group")
    assert "2 groups, 3 waves." in chart.alt
    assert (
        "First wave: African States: 11 of 33 (33%); "
        "Western European and other States: 25 of 25 (100%)."
    ) in chart.alt
    assert "Third wave: Western European and other States: 0 of 0 (–)." in chart.alt


def test_hostile_labels_come_out_as_text():
    cells = [RegionCell("w", HOSTILE, "g", HOSTILE, 2, 1)]
    chart = region_heatmap(cells, title=HOSTILE)
    assert "<script" not in chart.svg
    root = parse(chart.svg)
    no_markup_got_through(root)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert rows(chart.csv)[0]["group_label"] == HOSTILE


def test_no_cells_is_said_in_words():
    chart = region_heatmap([], title="By region")
    assert "No waves to show." in all_text(parse(chart.svg))
    assert rows(chart.csv) == []


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([CELLS[0], CELLS[0]], "cell 2 ('w1', 'african'): the wave and group are given twice"),
        ([RegionCell("w", "W", "g", "G", 3, 4)], "cell 1 ('w', 'g'): 4 answered but only 3"),
        ([RegionCell("w", "W", "g", "G", -1, 0)], "counts cannot be negative"),
    ],
)
def test_figures_it_would_draw_wrong_are_refused(cells, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        region_heatmap(cells, title="t")
