"""A world map of states coloured by their answer to a wave: answered, silent, not a party.

The outlines are Natural Earth's (public domain) at 1:50m, from the npm package world-atlas
(ISC), projected once (Equal Earth) by `tools/world_geometry.py` into `world.json` beside
this module; nothing is projected when a map is drawn. A state too small to see at the
map's scale (Nauru, Monaco, most of the Caribbean and the Pacific) is drawn as a dot as
well, so that it can be seen, pointed at and named.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from collections.abc import Sequence
from importlib.resources import files
from typing import Any, Literal, NamedTuple, get_args

import orjson

from .chart import (
    INK,
    MUTED,
    Chart,
    chart_id,
    csv_row,
    csv_text,
    svg_document,
    text,
    text_lines,
    wrap,
)

Status = Literal["answered", "silent", "non-party"]
STATUSES: tuple[Status, ...] = get_args(Status)

LABELS: dict[str, str] = {
    "answered": "answered",
    "silent": "silent",
    "non-party": "not a State Party",
    "none": "not counted",
}
LEGEND_LABELS = {
    "answered": "Answered",
    "silent": "Silent",
    "non-party": "Not a State Party",
    "none": "Not counted",
}
# Okabe and Ito's palette, told apart with any colour vision; silence is also hatched, so
# it differs from an answer in grey print too.
FILLS = {"answered": "#0072B2", "silent": "#E69F00", "non-party": "#ABABAB", "none": "#E6E6E6"}
HATCH = "#5C3D00"
DOT_AREA = 8.0
"""Square pixels of the 1000-pixel frame under which a state is also drawn as a dot."""
DOT_RADIUS = 2.4
DOT_GAP = 0.8  # between two dots moved apart so that neither hides the other
TOP = 44  # the title's band
LEGEND = 56  # the legend's and the attribution's band


class MapState(NamedTuple):
    """One state on the map; `code` is ISO 3166-1 alpha-2, `note` is said in its name. A
    tuple, hashed and compared in C: a build draws every state on every wave's map."""

    code: str
    name: str
    status: Status
    note: str | None = None


@functools.cache
def world() -> dict[str, Any]:
    """The projected outlines (see world.json's `about`)."""
    return orjson.loads((files(__package__) / "world.json").read_bytes())


def is_dot(code: str) -> bool:
    """Whether a state is too small to see, and so drawn as a dot too."""
    return world()["states"][code]["area"] < DOT_AREA


def _name(state: MapState) -> str:
    note = f" ({state.note})" if state.note else ""
    return f"{state.name}: {LABELS[state.status]}{note}"


def _check(states: Sequence[MapState]) -> None:
    outlines = world()["states"]
    seen: set[str] = set()
    for n, state in enumerate(states, start=1):
        if state.code not in outlines:
            raise ValueError(f"{_where(n, state)}: not an ISO 3166-1 alpha-2 code the map can draw")
        if state.status not in STATUSES:
            raise ValueError(
                f"{_where(n, state)}: status {state.status!r} is not one of {STATUSES}"
            )
        if state.code in seen:
            raise ValueError(f"{_where(n, state)}: the state is given twice")
        seen.add(state.code)


def _where(n: int, state: MapState) -> str:
    return f"state {n} ({state.code!r})"


@functools.lru_cache(maxsize=64)
def dot_positions(codes: frozenset[str]) -> dict[str, tuple[float, float]]:
    """Each dot at its state's point, nudged until no two overlap (the Lesser Antilles are
    closer together than two dots are wide); a moved dot keeps a line to its point. Kept
    for the few sets of states maps are drawn for (the same set, wave after wave)."""
    outlines = world()["states"]
    places = {code: list(outlines[code]["point"]) for code in sorted(codes)}
    spacing = 2 * DOT_RADIUS + DOT_GAP
    for _ in range(50):
        moved = False
        for a, b in itertools.combinations(places.values(), 2):
            dx, dy = b[0] - a[0], b[1] - a[1]
            distance = math.hypot(dx, dy)
            if distance >= spacing:
                continue
            if distance == 0:
                dx, dy, distance = 0.0, 1.0, 1.0
            push = (spacing - distance) / 2 + 0.01
            a[0] -= dx / distance * push
            a[1] -= dy / distance * push
            b[0] += dx / distance * push
            b[1] += dy / distance * push
            moved = True
        if not moved:
            break
    return {code: (round(x, 1), round(y, 1)) for code, (x, y) in places.items()}


def _fill(ident: str, status: str) -> str:
    return f"url(#{ident}-hatch)" if status == "silent" else FILLS[status]


def _legend(ident: str, counts: Counter[str], y: float) -> list[str]:
    out = [f'<g class="legend" transform="translate(16 {y:g})">']
    x = 0.0
    for status in (*STATUSES, "none"):
        label = LEGEND_LABELS[status]
        if status != "none":
            label += f" ({counts[status]})"
        out.append(
            f'<rect x="{x:g}" y="0" width="18" height="14" fill="{_fill(ident, status)}"'
            f' stroke="{MUTED}" stroke-width=".6"/>' + text_lines([label], x + 24, 11.5, 13)
        )
        x += 24 + len(label) * 7.4 + 28
    out.append("</g>")
    return out


@functools.lru_cache(maxsize=64)
def _marks(dot_codes: frozenset[str]) -> dict[str, str]:
    """Each state's shape, and its dot where it is drawn as one, for one set of dots: the
    same for every wave drawn with the same States Parties."""
    outlines = world()["states"]
    dots = dot_positions(dot_codes)
    marks = {}
    for code, outline in outlines.items():
        mark = f'<path d="{outline["d"]}"/>' if outline["d"] else ""
        if code in dots:
            x, y = dots[code]
            px, py = outline["point"]
            if math.hypot(x - px, y - py) > DOT_RADIUS:
                mark += (
                    f'<path d="M{px:g} {py:g}L{x:g} {y:g}" fill="none" stroke="{INK}"'
                    ' stroke-width=".5"/>'
                )
            mark += (
                f'<circle cx="{x:g}" cy="{y:g}" r="{DOT_RADIUS:g}" stroke="{INK}"'
                ' stroke-width=".7"/>'
            )
        marks[code] = mark
    return marks


@functools.lru_cache(maxsize=64)
def _neutral(given: frozenset[str]) -> str:
    """The one path of every outline not given a status, for one set of states given."""
    geometry = world()
    neutral = [o["d"] for o in geometry["other"]] + [
        outline["d"] for code, outline in geometry["states"].items() if code not in given
    ]
    return "".join(d for d in neutral if d)


@functools.lru_cache(maxsize=4096)
def _named(name: str, status: Status, note: str | None) -> str:
    """A state's escaped name as the map says it: the same few hundred on every map."""
    return text(_name(MapState("", name, status, note)))


@functools.lru_cache(maxsize=4096)
def _state_mark(state: MapState, dot_codes: frozenset[str]) -> tuple[str, str]:
    """A state's group as the map draws it, in two halves around its fill (a silent
    state's hatching is named by its map): the same few hundred groups on every map."""
    name = _named(state.name, state.status, state.note)
    before = (
        f'<g class="state {state.status}{" dot" if state.code in dot_codes else ""}"'
        f' data-code="{text(state.code)}" role="img" aria-label="{name}" fill="'
    )
    return before, f'"><title>{name}</title>{_marks(dot_codes)[state.code]}</g>'


CSV_HEADER = ("code", "name", "status", "note", "drawn")


def world_map(states: Sequence[MapState], *, title: str) -> Chart:
    """States coloured by status; states not given are drawn neutral and left unnamed. The
    outlines, dots and names are escaped and joined once, and reused map after map."""
    _check(states)
    geometry = world()
    width, height = geometry["width"], geometry["height"]
    ident = chart_id("map", title, states)
    counts = Counter(s.status for s in states)
    drawn_as_dots = frozenset(s.code for s in states if is_dot(s.code))
    shapes = sorted(states, key=lambda s: (s.code in drawn_as_dots, s.code))  # dots on top
    body = [
        f'<defs><pattern id="{ident}-hatch" patternUnits="userSpaceOnUse" width="4" height="4"'
        f' patternTransform="rotate(45)"><rect width="4" height="4" fill="{FILLS["silent"]}"/>'
        f'<rect width="1.5" height="4" fill="{HATCH}"/></pattern></defs>',
        text_lines(wrap(title, 18, width - 32, 1), 16, 28, 18, font_weight="600"),
        f'<g transform="translate(0 {TOP})" stroke="#FFFFFF" stroke-width=".4"'
        ' stroke-linejoin="round">',
        f'<path class="neutral" aria-hidden="true" fill="{FILLS["none"]}"'
        f' d="{_neutral(frozenset(s.code for s in states))}"/>',
    ]
    for state in shapes:
        before, after = _state_mark(state, drawn_as_dots)
        body.append(before + _fill(ident, state.status) + after)
    body.append("</g>")
    body += _legend(ident, counts, TOP + height + 10)
    body.append(
        text_lines(
            ["Outlines: Natural Earth (public domain), via world-atlas"],
            width - 16,
            TOP + height + LEGEND - 8,
            11,
            text_anchor="end",
            fill=MUTED,
        )
    )
    alt = _alt(title, states, counts)
    svg = svg_document(
        ident,
        width,
        TOP + height + LEGEND,
        title=title,
        alt=alt,
        body=body,
        kind="map",
        role="group",
    )
    table = csv_text(CSV_HEADER, []) + "".join(
        csv_row(
            (s.code, s.name, s.status, s.note or "", "dot" if s.code in drawn_as_dots else "shape")
        )
        for s in sorted(states, key=lambda s: s.code)
    )
    return Chart(svg, alt, table)


def _alt(title: str, states: Sequence[MapState], counts: Counter[str]) -> str:
    def names(status: str) -> str:
        return ", ".join(sorted(s.name for s in states if s.status == status)) or "none"

    return (
        f"{title}. A world map of {len(states)} state{'' if len(states) == 1 else 's'}: "
        f"{counts['answered']} answered, "
        f"{counts['silent']} silent, {counts['non-party']} not States Parties. "
        f"Answered: {names('answered')}. Silent: {names('silent')}."
    )
