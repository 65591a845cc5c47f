"""Waves on a time axis, each a bar of the share of States Parties that answered it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .chart import (
    INK,
    MUTED,
    Chart,
    chart_id,
    check_counts,
    csv_text,
    percent,
    share,
    svg_document,
    text,
    text_lines,
    text_width,
    wrap,
)

WIDTH = 800
LEFT, RIGHT, TOP = 56, 40, 56
PLOT = 220  # the bars' height at 100%
LABEL_SIZE = 12
LABEL_CHARS = 34
LABEL_SPACING = 14  # pixels between bars under which their labels would run into each other
ANSWERED = "#0072B2"
TRACK, TRACK_LINE = "#E8EEF4", "#8CA3BA"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class WavePoint:
    """One wave: its day (ISO 8601), its measures, and how many States Parties answered."""

    id: str
    date: str
    label: str
    measures: int
    parties: int
    answered: int


def _day(point: WavePoint, n: int) -> dt.date:
    try:
        return dt.date.fromisoformat(point.date)
    except (TypeError, ValueError):
        raise ValueError(
            f"wave {n} ({point.id!r}): date {point.date!r} is not YYYY-MM-DD"
        ) from None


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of months (or of years, for a long span), no more than eight of them."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    for step in (1, 2, 3, 6, 12, 24, 60, 120):
        if months / step <= 8:
            break
    start = first.year * 12 + first.month - 1
    start += -start % step
    ticks = []
    for m in range(start, last.year * 12 + last.month, step):
        day = dt.date(m // 12, m % 12 + 1, 1)
        if first <= day <= last:
            ticks.append(day)
    return ticks


def _tick_label(day: dt.date, yearly: bool) -> str:
    return str(day.year) if yearly else f"{MONTHS[day.month - 1]} {day.year}"


def _place(
    days: Sequence[dt.date], start: dt.date, span: int, left: float
) -> tuple[list[float], float]:
    """Each bar's centre and the bars' width. Waves of one day (two imposers, two
    authorities) stand side by side around it."""
    plot_width = WIDTH - left - RIGHT
    xs = [left + (day - start).days / span * plot_width for day in days]
    gaps = [b - a for a, b in itertools.pairwise(xs) if b > a] or [plot_width]
    bar = max(4.0, min(28.0, min(gaps) * 0.7))
    same_day = Counter(days)
    seen: Counter[dt.date] = Counter()
    for k, day in enumerate(days):
        xs[k] += (seen[day] - (same_day[day] - 1) / 2) * (bar + 2)
        seen[day] += 1
    return xs, bar


def _spacing(xs: Sequence[float]) -> float:
    return min((b - a for a, b in itertools.pairwise(sorted(xs))), default=WIDTH)


def _describe(point: WavePoint) -> str:
    measures = f"{point.measures} measure{'' if point.measures == 1 else 's'}"
    return (
        f"{point.label} ({point.date}, {measures}): {point.answered} of {point.parties} "
        f"States Parties answered ({percent(share(point.answered, point.parties))})"
    )


def wave_timeline(points: Sequence[WavePoint], *, title: str) -> Chart:
    """One bar a wave at its date; its filled height is the share that answered."""
    days = [_day(p, n) for n, p in enumerate(points, start=1)]
    for n, p in enumerate(points, start=1):
        check_counts(f"wave {n} ({p.id!r})", p.parties, p.answered)
        if p.measures < 0:
            raise ValueError(f"wave {n} ({p.id!r}): measures cannot be negative")
    ident = chart_id("timeline", title, points)
    order = sorted(range(len(points)), key=lambda i: (days[i], points[i].id))
    rows = [
        (
            p.id,
            p.date,
            p.label,
            p.measures,
            p.parties,
            p.answered,
            "" if p.parties == 0 else round(p.answered / p.parties, 4),
        )
        for p in (points[i] for i in order)
    ]
    table = csv_text(["id", "date", "label", "measures", "parties", "answered", "share"], rows)
    if not points:
        alt = f"{title}. No waves to show."
        body = [
            text_lines([title], 16, 28, 18, font_weight="600"),
            text_lines(["No waves to show."], 16, 70, 14, fill=MUTED),
        ]
        return Chart(
            svg_document(ident, WIDTH, 100, title=title, alt=alt, body=body, kind="timeline"),
            alt,
            table,
        )

    first, last = min(days), max(days)
    pad = max(dt.timedelta(days=15), (last - first) * 0.04)
    start, end = first - pad, last + pad
    span = (end - start).days
    labels = [
        wrap(points[i].label, LABEL_SIZE, LABEL_CHARS * LABEL_SIZE * 0.56, 1)[0] for i in order
    ]
    # The labels slant down to the left: the plot starts far enough in for the first ones.
    reach = [text_width(label, LABEL_SIZE) * 0.71 + 8 for label in labels]
    where = [(days[i] - start).days / span for i in order]
    left = min(
        WIDTH / 2,
        max(
            [LEFT]
            + [(r - f * (WIDTH - RIGHT)) / (1 - f) for r, f in zip(reach, where, strict=True)]
        ),
    )
    xs, bar = _place([days[i] for i in order], start, span, left)
    labelled = _spacing(xs) >= LABEL_SPACING
    if not labelled:  # too close to write: names on hover, in the alt text and the CSV
        left = LEFT
        xs, bar = _place([days[i] for i in order], start, span, left)
    crowded = bar < 24 or len(set(days)) < len(days)

    def x(day: dt.date) -> float:
        return left + (day - start).days / span * (WIDTH - left - RIGHT)

    below = (max(reach) if labelled else 0) + 40
    baseline = TOP + 24 + PLOT
    height = baseline + below + 12

    body = [text_lines(wrap(title, 18, WIDTH - 32, 1), 16, 28, 18, font_weight="600")]
    for pct in (0, 50, 100):  # the share axis
        y = baseline - PLOT * pct / 100
        body.append(
            f'<path d="M{left:g} {y:g}H{WIDTH - RIGHT:g}" stroke="#D9D9D9" stroke-width="1"/>'
            + text_lines([f"{pct}%"], left - 8, y + 4, 11, text_anchor="end", fill=MUTED)
        )
    yearly = (last - first).days > 24 * 31
    for day in _ticks(start, end):  # the time axis
        tx = x(day)
        body.append(
            f'<path d="M{tx:g} {baseline:g}v5" stroke="{MUTED}"/>'
            + text_lines(
                [_tick_label(day, yearly)], tx, baseline + 17, 11, text_anchor="middle", fill=MUTED
            )
        )
    body.append(f'<path d="M{left:g} {baseline:g}H{WIDTH - RIGHT:g}" stroke="{INK}"/>')
    for bx, i, label in zip(xs, order, labels, strict=True):
        p = points[i]
        answered = share(p.answered, p.parties) or 0.0
        figure = f"{p.answered}/{p.parties}"
        top = baseline - PLOT
        if not labelled:
            figure_at = ""
        elif crowded:
            figure_at = text_lines(
                [figure], bx, top - 6, 11, transform=f"rotate(-45 {bx:g} {top - 6:g})"
            )
        else:
            figure_at = text_lines([figure], bx, top - 6, 11, text_anchor="middle")
        body.append(
            f'<g class="wave" data-wave="{text(p.id)}"><title>{text(_describe(p))}</title>'
            f'<rect x="{bx - bar / 2:g}" y="{top:g}" width="{bar:g}" height="{PLOT:g}"'
            f' fill="{TRACK}" stroke="{TRACK_LINE}" stroke-width=".6"/>'
            f'<rect x="{bx - bar / 2:g}" y="{baseline - PLOT * answered:.1f}" width="{bar:g}"'
            f' height="{PLOT * answered:.1f}" fill="{ANSWERED}"/>'
            + figure_at
            + (
                text_lines(
                    [label],
                    bx,
                    baseline + 34,
                    LABEL_SIZE,
                    text_anchor="end",
                    transform=f"rotate(-45 {bx:g} {baseline + 34:g})",
                )
                if labelled
                else ""
            )
            + "</g>"
        )
    alt = (
        f"{title}. {len(points)} wave{'' if len(points) == 1 else 's'} from "
        f"{first.isoformat()} to {last.isoformat()}, each a bar of the share of States "
        "Parties that answered it. " + "; ".join(_describe(points[i]) for i in order) + "."
    )
    svg = svg_document(
        ident, WIDTH, round(height), title=title, alt=alt, body=body, kind="timeline"
    )
    return Chart(svg, alt, table)
