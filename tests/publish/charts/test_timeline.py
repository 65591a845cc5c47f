import re

import pytest

from coercionwatch.publish.charts import WavePoint, wave_timeline
from coercionwatch.publish.charts.timeline import PLOT

from .helpers import HOSTILE, SVG, all_text, no_markup_got_through, parse, rows

WAVES = [
    WavePoint("us-2025-06-05", "2025-06-05", "Four judges", 4, 125, 41),
    WavePoint("us-2025-02-13", "2025-02-13", "The Prosecutor", 1, 125, 79),
    WavePoint("ru-2025-08-20", "2025-08-20", "Sentences in absentia", 3, 125, 2),
    WavePoint("us-2025-08-20", "2025-08-20", "Two judges, two deputies", 4, 125, 12),
]


def _bars(root):
    return {g.get("data-wave"): g for g in root.iter(f"{SVG}g") if g.get("class") == "wave"}


def test_a_bar_a_wave_filled_to_the_share_that_answered():
    root = parse(wave_timeline(WAVES, title="Waves").svg)
    bars = _bars(root)
    assert list(bars) == ["us-2025-02-13", "us-2025-06-05", "ru-2025-08-20", "us-2025-08-20"]
    # 79 of 125 is 63.2% of the 220-pixel track: 139.04 pixels.
    track, answered = bars["us-2025-02-13"].findall(f"{SVG}rect")
    assert float(track.get("height")) == PLOT == 220
    assert float(answered.get("height")) == pytest.approx(139.0)
    assert float(answered.get("y")) + float(answered.get("height")) == pytest.approx(
        float(track.get("y")) + float(track.get("height")), abs=0.1
    )
    assert float(bars["ru-2025-08-20"].findall(f"{SVG}rect")[1].get("height")) == pytest.approx(
        3.5, abs=0.05
    )  # 2 of 125
    text = all_text(root)
    for figure in ("79/125", "41/125", "2/125", "12/125", "Four judges", "Mar 2025", "100%"):
        assert figure in text
    assert bars["us-2025-06-05"].find(f"{SVG}title").text == (
        "Four judges (2025-06-05, 4 measures): 41 of 125 States Parties answered (33%)"
    )


def test_time_runs_left_to_right_and_waves_of_one_day_stand_side_by_side():
    root = parse(wave_timeline(WAVES, title="Waves").svg)
    spans = {}
    for wave, bar in _bars(root).items():
        track = bar.find(f"{SVG}rect")
        x, w = float(track.get("x")), float(track.get("width"))
        spans[wave] = (x, x + w)
    order = sorted(spans, key=lambda w: spans[w][0])
    assert order == ["us-2025-02-13", "us-2025-06-05", "ru-2025-08-20", "us-2025-08-20"]
    assert spans["ru-2025-08-20"][1] < spans["us-2025-08-20"][0]  # one day, no overlap
    # June is nearer to August than February is to June, as on a calendar.
    gap = lambda a, b: spans[b][0] - spans[a][0]  # noqa: E731
    assert gap("us-2025-02-13", "us-2025-06-05") > gap("us-2025-06-05", "ru-2025-08-20")


def test_the_csv_and_the_text_alternative_say_what_the_bars_show():
    chart = wave_timeline(WAVES, title="Waves")
    assert rows(chart.csv) == [
        {
            "id": "us-2025-02-13",
            "date": "2025-02-13",
            "label": "The Prosecutor",
            "measures": "1",
            "parties": "125",
            "answered": "79",
            "share": "0.632",
        },
        {
            "id": "us-2025-06-05",
            "date": "2025-06-05",
            "label": "Four judges",
            "measures": "4",
            "parties": "125",
            "answered": "41",
            "share": "0.328",
        },
        {
            "id": "ru-2025-08-20",
            "date": "2025-08-20",
            "label": "Sentences in absentia",
            "measures": "3",
            "parties": "125",
            "answered": "2",
            "share": "0.016",
        },
        {
            "id": "us-2025-08-20",
            "date": "2025-08-20",
            "label": "Two judges, two deputies",
            "measures": "4",
            "parties": "125",
            "answered": "12",
            "share": "0.096",
        },
    ]
    assert chart.alt.startswith("Waves. 4 waves from 2025-02-13 to 2025-08-20")
    assert "The Prosecutor (2025-02-13, 1 measure): 79 of 125 States Parties answered (63%)" in (
        chart.alt
    )
    assert "12 of 125 States Parties answered (10%)." in chart.alt
    assert parse(chart.svg).find(f"{SVG}desc").text == chart.alt


def test_hostile_labels_come_out_as_text():
    chart = wave_timeline([WavePoint("w<1>", "2025-01-01", HOSTILE, 1, 2, 1)], title=HOSTILE)
    assert "<script" not in chart.svg
    root = parse(chart.svg)
    no_markup_got_through(root)
    assert HOSTILE in all_text(root)
    assert next(iter(_bars(root))) == "w<1>"


def test_no_waves_is_said_in_words():
    chart = wave_timeline([], title="Waves")
    assert "No waves to show." in all_text(parse(chart.svg))
    assert chart.alt == "Waves. No waves to show."
    assert chart.csv == "id,date,label,measures,parties,answered,share\n"


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (WavePoint("w", "20 Aug 2025", "x", 1, 2, 1), "wave 1 ('w'): date '20 Aug 2025'"),
        (WavePoint("w", "2025-08-20", "x", 1, 2, 3), "wave 1 ('w'): 3 answered but only 2"),
        (WavePoint("w", "2025-08-20", "x", -1, 2, 1), "wave 1 ('w'): measures cannot be"),
    ],
)
def test_figures_it_would_draw_wrong_are_refused(point, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        wave_timeline([point], title="t")


def test_waves_too_close_to_label_keep_their_names_on_hover_and_in_words():
    import datetime as dt

    first = dt.date(2025, 1, 1)
    many = [
        WavePoint(f"w{n}", (first + dt.timedelta(days=n)).isoformat(), f"Wave {n}", 1, 10, n % 11)
        for n in range(300)
    ]
    chart = wave_timeline(many, title="Many")
    root = parse(chart.svg)
    bars = _bars(root)
    assert len(bars) == 300
    assert all(bar.find(f"{SVG}title").text.startswith("Wave ") for bar in bars.values())
    assert all(bar.find(f"{SVG}text") is None for bar in bars.values())  # no label, no figure
    assert len(rows(chart.csv)) == 300
    assert "Wave 299 (2025-10-27, 1 measure): 2 of 10 States Parties answered (20%)" in chart.alt
    # The few that can be labelled are.
    few = wave_timeline(WAVES, title="Few")
    assert all(b.find(f"{SVG}text") is not None for b in _bars(parse(few.svg)).values())
