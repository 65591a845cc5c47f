"""Rebuild src/coercionwatch/publish/charts/world.json, the world map's geometry.

Natural Earth's admin-0 countries at 1:50m, as the npm package world-atlas ships them
(TopoJSON, ids ISO 3166-1 numeric), projected once with d3-geo's Equal Earth projection,
simplified with topojson-simplify, written as SVG paths keyed by ISO 3166-1 alpha-2 (through
pycountry). Needs node and npm; the packages go into a temporary folder, never the repository:

    .venv/bin/python tools/world_geometry.py
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pycountry

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "coercionwatch" / "publish" / "charts" / "world.json"
PACKAGES = ["world-atlas@2.0.2", "topojson-client@3.1.0", "topojson-simplify@3.0.3", "d3-geo@3.1.2"]
WIDTH = 1000  # pixels of the map's frame; the page scales it
MIN_WEIGHT = 3e-6  # steradians: a triangle smaller than about a tenth of a pixel goes
DIGITS = 1
MISSING = [("TV", 179.2, -8.5)]  # Tuvalu (Funafuti): no outline at 1:50m, a dot all the same
UNOFFICIAL = {"Kosovo": "XK"}  # a code in common use (EU, UN documents), not in ISO 3166-1

ABOUT = {
    "what": "Country outlines for coercionwatch.publish.charts.world_map, in the map's pixels.",
    "source": "Natural Earth 1:50m Cultural Vectors, Admin 0 - Countries (public domain), "
    "as the npm package world-atlas 2.0.2 ships it (countries-50m.json, ISC licence, "
    "Copyright Mike Bostock).",
    "projection": f"Equal Earth (d3-geo 3.1.2), {WIDTH} pixels wide, Antarctica left out, "
    f"simplified by topojson-simplify 3.0.3 (spherical triangle area {MIN_WEIGHT} sr).",
    "keys": "states: ISO 3166-1 alpha-2 (pycountry from the numeric id; Kosovo as XK); "
    "d: SVG path; point: the dot's centre, on the largest part; area: square pixels of the "
    "full outline. other: shapes with no state code (Somaliland, Northern Cyprus ...), "
    "drawn neutral.",
    "rebuild": "python tools/world_geometry.py (needs node and npm)",
}


def project() -> dict:
    """The Node step's output: the frame and every feature, in absolute SVG paths."""
    with tempfile.TemporaryDirectory(prefix="world-geometry-") as folder:
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", folder, *PACKAGES],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.copy(HERE / "world_geometry.mjs", folder)
        points = json.dumps([list(p) for p in MISSING])
        args = [str(WIDTH), str(MIN_WEIGHT), str(DIGITS), points]
        out = subprocess.run(
            ["node", "world_geometry.mjs", *args], cwd=folder, check=True, capture_output=True
        )
    return json.loads(out.stdout)


def _number(tenths: int) -> str:
    text = f"{tenths / 10:.1f}".removesuffix(".0")
    return text.replace("0.", ".", 1) if text.lstrip("-").startswith("0.") else text


def _numbers(values: list[int]) -> str:
    """SVG's shortest list: no space before a minus, nor before a second decimal point."""
    out = ""
    for value in values:
        text = _number(value)
        needs_space = out and not text.startswith("-")
        if needs_space and text.startswith(".") and "." in re.split(r"[ -]", out)[-1]:
            needs_space = False
        out += (" " if needs_space else "") + text
    return out


def compact(d: str) -> str:
    """d3's absolute path as relative line segments: fewer bytes, the same shape. A ring that
    simplification left as a single point is dropped."""
    rings: list[str] = []
    for ring in re.findall(r"M[^MZ]*Z?", d):
        points = [
            tuple(round(float(n) * 10) for n in pair.split(","))
            for pair in re.findall(r"[-\d.]+,[-\d.]+", ring)
        ]
        steps: list[int] = []
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            if (x1, y1) != (x0, y0):
                steps += [x1 - x0, y1 - y0]
        if steps:
            start = _numbers(list(points[0]))
            rings.append(f"M{start}l{_numbers(steps)}" + ("z" if ring.endswith("Z") else ""))
    return "".join(rings)


def alpha_2(numeric: str | None, name: str) -> str | None:
    if name in UNOFFICIAL:
        return UNOFFICIAL[name]
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else None


def build(projected: dict) -> dict:
    states: dict[str, dict] = {}
    other: list[dict] = []
    for feature in projected["features"]:
        code = alpha_2(feature["id"], feature["name"])
        d = compact(feature["d"])
        if code is None:
            other.append({"name": feature["name"], "d": d})
        elif code in states:  # Australia and its Ashmore and Cartier Islands share an id
            first = states[code]
            first["d"] += d
            first["area"] = round(first["area"] + feature["area"], 1)
        else:
            states[code] = {
                "numeric": feature["id"],
                "name": feature["name"],
                "d": d,
                "point": feature["point"],
                "area": feature["area"],
            }
    for code, point in projected["points"].items():
        country = pycountry.countries.get(alpha_2=code)
        states[code] = {
            "numeric": country.numeric,
            "name": country.name,
            "d": "",
            "point": point,
            "area": 0,
        }
    return {
        "about": ABOUT,
        "width": projected["width"],
        "height": projected["height"],
        "states": dict(sorted(states.items())),
        "other": sorted(other, key=lambda o: o["name"]),
    }


def write(world: dict, target: Path) -> None:
    """One state a line, so that a rebuild's diff reads state by state."""

    def dumps(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{"]
    lines += [f'"{key}":{dumps(world[key])},' for key in ("about", "width", "height")]
    lines.append('"states":{')
    items = list(world["states"].items())
    lines += [
        f"{dumps(k)}:{dumps(v)}{',' if i < len(items) - 1 else ''}"
        for i, (k, v) in enumerate(items)
    ]
    lines.append("},")
    lines.append('"other":[')
    lines += [
        f"{dumps(o)}{',' if i < len(world['other']) - 1 else ''}"
        for i, o in enumerate(world["other"])
    ]
    lines.append("]}")
    target.write_text("\n".join(lines) + "\n", "utf-8")


def main() -> None:
    world = build(project())
    write(world, TARGET)
    print(
        f"{TARGET}: {len(world['states'])} states, {len(world['other'])} other shapes, "
        f"{TARGET.stat().st_size:,} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
