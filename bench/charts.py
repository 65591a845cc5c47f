"""Time to draw the pictures at the record's scale: the world map of every state, a
timeline of 1,000 waves, a heat map of 5 groups against 1,000 waves.

    .venv/bin/python bench/charts.py [--repeat 20]
"""

import argparse
import datetime as dt
import statistics
import time
from importlib.resources import files

import pycountry

from coercionwatch.publish.charts import (
    MapState,
    RegionCell,
    WavePoint,
    region_heatmap,
    wave_timeline,
    world_map,
)
from coercionwatch.publish.charts.worldmap import world

GROUPS = ["african", "asia-pacific", "eastern-european", "latin-american", "weog"]


def timed(draw, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        chart = draw()
        times.append(time.perf_counter() - start)
        size = len(chart.svg.encode("utf-8"))
    return statistics.median(times) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    start = time.perf_counter()
    world()
    load_ms = (time.perf_counter() - start) * 1000
    codes = [c for c in world()["states"] if pycountry.countries.get(alpha_2=c)]
    statuses = ["answered", "silent", "non-party"]
    states = [
        MapState(c, pycountry.countries.get(alpha_2=c).name, statuses[n % 3])
        for n, c in enumerate(codes)
    ]
    first = dt.date(2020, 1, 1)
    waves = [
        WavePoint(
            f"w{n}", (first + dt.timedelta(days=2 * n)).isoformat(), f"Wave {n}", 3, 125, n % 126
        )
        for n in range(1000)
    ]
    cells = [
        RegionCell(w.id, w.label, g, g, 25, n % 26) for w in waves for n, g in enumerate(GROUPS)
    ]
    start = time.perf_counter()
    world_map(states, title="Every state")
    first_ms = (time.perf_counter() - start) * 1000
    size = len((files("coercionwatch.publish.charts") / "world.json").read_bytes())
    print(f"world.json: {size:,} bytes, loaded once in {load_ms:.0f} ms")
    print(f"first world map (the dots laid out for this set of states): {first_ms:.1f} ms")
    print("| picture | marks | ms (median) | SVG KiB |")
    print("| --- | ---: | ---: | ---: |")
    for name, marks, draw in [
        ("world_map", len(states), lambda: world_map(states, title="Every state")),
        ("wave_timeline", len(waves), lambda: wave_timeline(waves, title="1,000 waves")),
        ("region_heatmap", len(cells), lambda: region_heatmap(cells, title="5 x 1,000")),
    ]:
        ms, svg = timed(draw, repeat)
        print(f"| {name} | {marks:,} | {ms:.1f} | {svg / 1024:.0f} |")


if __name__ == "__main__":
    main()
