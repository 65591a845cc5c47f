import csv
import math
import re
from importlib.resources import files

import pytest

from coercionwatch.publish.charts import MapState, world_map
from coercionwatch.publish.charts.worldmap import DOT_RADIUS, FILLS, world
from tests.conftest import SHARED

from .helpers import HOSTILE, SVG, all_text, no_markup_got_through, parse, rows

STATES = [
    MapState("FR", "France", "answered"),
    MapState("BR", "Brazil", "silent"),
    MapState("US", "United States", "non-party"),
    MapState("NR", "Nauru", "answered"),
    MapState("TV", "Tuvalu", "non-party"),
    MapState("LI", "Liechtenstein", "answered"),
    MapState("SM", "San Marino", "silent"),
    MapState("MC", "Monaco", "non-party"),
    MapState("MT", "Malta", "answered"),
    MapState("AD", "Andorra", "silent"),
    MapState("KN", "Saint Kitts and Nevis", "answered"),
    MapState("LC", "Saint Lucia", "answered"),
    MapState("VC", "Saint Vincent and the Grenadines", "silent"),
    MapState("GD", "Grenada", "answered"),
    MapState("HU", "Hungary", "answered", note="withdrawal disputed"),
]
MICROSTATES = {"NR", "TV", "LI", "SM", "MC", "MT", "AD", "KN", "LC", "VC", "GD"}


def _marks(root):
    return {g.get("data-code"): g for g in root.iter(f"{SVG}g") if g.get("data-code")}


def test_every_state_is_named_and_coloured_by_its_status():
    root = parse(world_map(STATES, title="Answers to wave one").svg)
    marks = _marks(root)
    assert sorted(marks) == sorted(s.code for s in STATES)
    hatch = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    for state in STATES:
        mark = marks[state.code]
        assert state.status in mark.get("class").split()
        assert mark.get("role") == "img"
        expected = {"answered": "answered", "silent": "silent", "non-party": "not a State Party"}
        name = f"{state.name}: {expected[state.status]}"
        if state.note:
            name += f" ({state.note})"
        assert mark.get("aria-label") == name
        assert mark.find(f"{SVG}title").text == name
        fill = mark.get("fill")
        if state.status == "silent":  # a pattern, not only a colour
            assert re.fullmatch(r"url\(#(.+)\)", fill).group(1) in hatch
        else:
            assert fill == FILLS[state.status]
    # Nothing else is named: the states not given are one neutral, hidden shape.
    named = [e for e in root.iter() if e.get("role") == "img"]
    assert len(named) == len(STATES)
    neutral = root.find(f".//{SVG}path[@class='neutral']")
    assert neutral.get("aria-hidden") == "true"
    assert neutral.get("fill") == FILLS["none"]
    assert world()["states"]["GL"]["d"] in neutral.get("d")  # Greenland, not given
    assert world()["states"]["FR"]["d"] not in neutral.get("d")


def test_microstates_are_dots_and_large_states_are_not():
    root = parse(world_map(STATES, title="t").svg)
    marks = _marks(root)
    for code, mark in marks.items():
        has_dot = mark.find(f"{SVG}circle") is not None
        assert has_dot == (code in MICROSTATES), code
        assert ("dot" in mark.get("class").split()) == has_dot
    assert marks["TV"].find(f"{SVG}path") is None  # Tuvalu: a dot, no outline at 1:50m
    assert marks["FR"].find(f"{SVG}path") is not None
    # The Lesser Antilles are closer than two dots are wide: none hides another.
    circles = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            assert math.dist(a, b) >= 2 * DOT_RADIUS, (a, b)
    # Dots are drawn after every outline, so no neighbour covers them.
    order = [e.get("data-code") for e in root.iter(f"{SVG}g") if e.get("data-code")]
    assert all(code in MICROSTATES for code in order[-len(MICROSTATES) :])


def test_the_csv_has_a_row_for_each_state_shown():
    chart = world_map(STATES, title="t")
    assert chart.csv.splitlines()[0] == "code,name,status,note,drawn"
    table = rows(chart.csv)
    assert [r["code"] for r in table] == sorted(s.code for s in STATES)
    by_code = {r["code"]: r for r in table}
    assert by_code["HU"] == {
        "code": "HU",
        "name": "Hungary",
        "status": "answered",
        "note": "withdrawal disputed",
        "drawn": "shape",
    }
    assert by_code["NR"]["drawn"] == "dot"
    assert by_code["BR"]["status"] == "silent"


def test_the_text_alternative_names_the_counts_and_the_states():
    chart = world_map(STATES, title="Answers to wave one")
    assert chart.alt.startswith("Answers to wave one. A world map of 15 states: ")
    assert "8 answered, 4 silent, 3 not States Parties." in chart.alt
    assert "Silent: Andorra, Brazil, Saint Vincent and the Grenadines, San Marino." in chart.alt
    root = parse(chart.svg)
    assert root.find(f"{SVG}desc").text == chart.alt
    assert root.find(f"{SVG}title").text == "Answers to wave one"
    assert root.get("aria-describedby") == root.find(f"{SVG}desc").get("id")
    assert "Answered (8)" in all_text(root)
    assert "Silent (4)" in all_text(root)


def test_hostile_names_come_out_as_text():
    hostile = [
        MapState("FR", HOSTILE, "silent", note="a & b <i>"),
        MapState("NR", "\x00Nauru\x1b", "answered"),
    ]
    chart = world_map(hostile, title=HOSTILE)
    assert "<script" not in chart.svg
    root = parse(chart.svg)
    no_markup_got_through(root)
    assert root.find(f"{SVG}title").text == HOSTILE
    marks = _marks(root)
    assert marks["FR"].get("aria-label") == f"{HOSTILE}: silent (a & b <i>)"
    assert marks["NR"].get("aria-label") == "Nauru: answered"  # no character XML forbids
    assert rows(chart.csv)[0]["name"] == HOSTILE


def test_a_formula_in_a_name_stays_text_in_the_csv():
    chart = world_map([MapState("FR", "=HYPERLINK(1)", "answered")], title="t")
    assert rows(chart.csv)[0]["name"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("states", "message"),
    [
        ([MapState("ZZ", "Nowhere", "answered")], "state 1 ('ZZ'): not an ISO 3166-1"),
        ([MapState("FR", "France", "loud")], "status 'loud' is not one of"),
        ([MapState("FR", "France", "silent")] * 2, "state 2 ('FR'): the state is given twice"),
    ],
)
def test_states_the_map_cannot_draw_are_refused(states, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        world_map(states, title="t")


def test_two_maps_in_one_page_do_not_share_ids():
    one = parse(world_map(STATES, title="Wave one").svg)
    two = parse(world_map(STATES[:3], title="Wave two").svg)
    ids = lambda root: {e.get("id") for e in root.iter() if e.get("id")}  # noqa: E731
    assert ids(one) and not ids(one) & ids(two)


def test_an_empty_map_draws_every_state_neutral():
    chart = world_map([], title="Nothing yet")
    root = parse(chart.svg)
    assert _marks(root) == {}
    assert rows(chart.csv) == []
    assert "0 states" in chart.alt


def test_the_geometry_covers_every_state_of_the_reference_table():
    with (SHARED / "data" / "states" / "states.csv").open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert len(table) >= 195
    outlines = world()["states"]
    assert sorted(r["iso2"] for r in table if r["iso2"] not in outlines) == []
    for r in table:
        assert outlines[r["iso2"]]["numeric"] == r["m49"], r["iso2"]
    # Shapes with no ISO code are drawn neutral, never named; Kosovo has its common code.
    others = {o["name"] for o in world()["other"]}
    assert {"Somaliland", "N. Cyprus"} <= others
    assert outlines["XK"]["name"] == "Kosovo"
    assert outlines["EH"]["name"] == "W. Sahara"


def test_the_geometry_file_is_small_and_every_path_is_svg():
    data = files("coercionwatch.publish.charts") / "world.json"
    assert len(data.read_bytes()) < 300_000
    grammar = re.compile(r"(M-?[\d.]+[ -]?[\d.]+l[-\d. ]+z?)*")
    geometry = world()
    assert geometry["about"]["rebuild"].startswith("python tools/world_geometry.py")
    for code, outline in geometry["states"].items():
        assert grammar.fullmatch(outline["d"]), code
        x, y = outline["point"]
        assert 0 <= x <= geometry["width"] and 0 <= y <= geometry["height"], code
