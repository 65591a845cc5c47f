"""The coverage pages: who answered each wave of measures, who stayed silent, by region.

The figures are `analysis.coverage`'s, counted over the public record only (the store's
projection verdicts), so a restricted response is neither counted nor named, and the
pages, their JSON twins, their CSVs and the static site all give the same numbers. Every
picture comes with its text alternative and the CSV of exactly what it shows.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from cachetools import LRUCache
from markupsafe import Markup

from coercionwatch.analysis.coverage import (
    CoverageReport,
    StateLayers,
    Wave,
    WaveCoverage,
    WaveEntry,
    count_waves,
    coverage,
    report_json,
    state_layers,
    wave_entries,
)
from coercionwatch.model import states as reference
from coercionwatch.model.labels import label
from coercionwatch.model.vocabulary import vocabulary
from coercionwatch.model.waves import authority_of, day_known
from coercionwatch.publish.charts import (
    Chart,
    MapState,
    RegionCell,
    WavePoint,
    region_heatmap,
    wave_timeline,
    world_map,
)
from coercionwatch.publish.charts.chart import csv_row, csv_text, percent, share
from coercionwatch.publish.charts.worldmap import world
from coercionwatch.publish.view import PublicView
from coercionwatch.store import reader

from .common import Page

LEANS = {
    "against": "Against the measures",
    "for": "For the measures",
    "ambiguous": "Ambiguous",
    "neither": "Neutral",
}
"""How a stance's lean reads in a table."""

STATUS_LABELS = {"answered": "Answered", "silent": "Silent", "non-party": "Not a State Party"}
LAYER_STATUS = {"present": "Present", "proposed": "Proposed", "absent": "Absent"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def read_coverage(
    view: PublicView,
    *,
    wave: str | None = None,
    as_of: dt.date | None = None,
    within: int | None = None,
) -> CoverageReport:
    """The report the pages show: the public record only. Raises `UnknownWave`."""
    return coverage(view.connection, public_only=True, wave=wave, as_of=as_of, within=within)


def coverage_json(report: CoverageReport) -> dict[str, Any]:
    """The JSON twin: the shape `report coverage --json` gives scripts."""
    return report_json(report)


# --- names


def _short_date(date: str) -> str:
    parts = [int(p) for p in date.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{parts[2]} {month} {parts[0]}"


def _authority(wave: Wave) -> str:
    """`EO 14203`, or the measure type or program the wave is named by."""
    token = authority_of(wave.measures[0])
    if token.startswith("eo") and token[2:].isdigit():
        return f"EO {token[2:]}"
    named = label("measure", "type", token)
    return named if named != token else token.replace("-", " ").capitalize()


BOUNDS = {"before": "by ", "after": "from ", "approximate": "about "}
"""What a wave's label says before a date that is a bound or an estimate."""


def wave_label(wave: Wave, view: PublicView) -> str:
    """`20 Aug 2025: EO 14203 (United States)`: short enough for a chart's axis. A wave
    whose day is not given (a measure and its act alone) says how its date is known and
    whom it targets, so it cannot be taken for the day's wave."""
    label = f"{_short_date(wave.date)}: {_authority(wave)} ({view.name('actor', wave.imposer)})"
    first = wave.measures[0]
    if day_known(first):
        return label
    targets = ", ".join(dict.fromkeys(view.name("actor", m.target) for m in wave.measures))
    return f"{BOUNDS.get(first.date_certainty or '', '')}{label}, {targets}"


def _state(code: str, report: CoverageReport) -> dict[str, Any]:
    found = reference.state(code)
    return {"code": code, "name": found.name if found else code, "id": report.state_ids.get(code)}


def _region(code: str) -> str:
    group = reference.regional_group(code)
    return vocabulary("un-regions").label(group) if group else "No regional group"


def _query(report: CoverageReport) -> str:
    """The query string the page was asked with, for its downloads on the server."""
    given = {"as_of": report.as_of.isoformat() if report.as_of else None, "within": report.within}
    kept = {k: v for k, v in given.items() if v is not None}
    return "?" + urlencode(kept) if kept else ""


def _disputes(items: list[WaveCoverage]) -> list[str]:
    """What a count of States Parties on these waves' days depends on (Hungary's withdrawal
    after 2 June 2026), each said once."""
    return list(dict.fromkeys(d.note for item in items for d in item.disputes))


def _answered_phrase(report: CoverageReport) -> str:
    return "answered" if report.within is None else f"answered within {report.within} days"


# --- the pictures and their CSVs


@dataclass(frozen=True, slots=True)
class OverviewLine:
    """What the overview, its pictures and its CSVs read of one wave: a site build keeps
    this of each wave, and drops who answered how."""

    row: dict[str, Any]
    label: str
    imposer_name: str
    by_region: dict[str, dict[str, int]]
    point: WavePoint
    disputes: tuple[str, ...]


def overview_lines(view: PublicView, report: CoverageReport) -> list[OverviewLine]:
    view.learn_names(("actor", item.wave.imposer) for item in report.waves)
    lines = []
    for item in report.waves:
        label = wave_label(item.wave, view)
        lines.append(
            OverviewLine(
                _wave_row(item),
                label,
                view.name("actor", item.wave.imposer),
                item.by_region,
                WavePoint(
                    item.wave.id,
                    item.wave.start.isoformat(),
                    label,
                    len(item.wave.measures),
                    len(item.parties),
                    len(item.answered),
                ),
                tuple(d.note for d in item.disputes),
            )
        )
    return lines


def timeline_chart(report: CoverageReport, view: PublicView) -> Chart:
    return lines_timeline(overview_lines(view, report), report)


def lines_timeline(lines: list[OverviewLine], report: CoverageReport) -> Chart:
    """A partial date (`2025-12`) stands at its first day; its label says what is known."""
    points = [line.point for line in lines]
    return wave_timeline(points, title=f"Share of States Parties that {_answered_phrase(report)}")


HEATMAP_WAVES = 36
"""Columns of the heat map: the latest waves, so that it stays readable on a long record
(the table above it lists every wave)."""


def heatmap_chart(report: CoverageReport, view: PublicView) -> Chart:
    return lines_heatmap(overview_lines(view, report), report)


def lines_heatmap(lines: list[OverviewLine], report: CoverageReport) -> Chart:
    groups = vocabulary("un-regions")
    cells = [
        RegionCell(
            line.point.id,
            line.label,
            group,
            groups.label(group),
            counted["parties"],
            counted["answered"],
        )
        for line in lines[-HEATMAP_WAVES:]
        for group, counted in line.by_region.items()
    ]
    latest = f", the latest {HEATMAP_WAVES} waves" if len(lines) > HEATMAP_WAVES else ""
    title = f"States Parties that {_answered_phrase(report)}, by region{latest}"
    return region_heatmap(cells, title=title)


def map_chart(item: WaveCoverage, report: CoverageReport, view: PublicView) -> Chart:
    """Every state the map can draw: answered, silent or not a State Party that day."""
    answered, parties = set(item.answered), set(item.parties)
    disputed = {d.code for d in item.disputes}
    drawable = world()["states"]
    states = [
        MapState(
            code,
            state.name,
            "answered" if code in answered else "silent" if code in parties else "non-party",
            "membership disputed" if code in disputed else None,
        )
        for code, state in sorted(reference.states().items())
        if code in drawable
    ]
    title = f"Who {_answered_phrase(report)}: {wave_label(item.wave, view)}"
    return world_map(states, title=title)


OVERVIEW_COLUMNS = [
    "wave",
    "date",
    "imposer",
    "measures",
    "states_parties",
    "answered",
    "share",
    "answered_within_7",
    "answered_within_30",
    "silent",
    "first_answer_days",
    "first_cross_regional_days",
    "checklist_done",
    "checklist_steps",
]


def _wave_row(item: WaveCoverage) -> dict[str, Any]:
    parties, answered = len(item.parties), len(item.answered)
    return {
        "wave": item.wave.id,
        "date": item.wave.date,
        "imposer": item.wave.imposer,
        "measures": len(item.wave.measures),
        "states_parties": parties,
        "answered": answered,
        "share": "" if not parties else round(answered / parties, 4),
        "answered_within_7": len(item.within[7]),
        "answered_within_30": len(item.within[30]),
        "silent": len(item.silent),
        "first_answer_days": _blank(item.first_answer_days),
        "first_cross_regional_days": _blank(item.first_cross_regional_days),
        "checklist_done": sum(1 for s in item.checklist if s.done),
        "checklist_steps": len(item.checklist),
    }


def _blank(value: int | None) -> int | str:
    return "" if value is None else value


def overview_csv(report: CoverageReport) -> str:
    """The overview's table: a row a wave."""
    return csv_text(OVERVIEW_COLUMNS, [list(_wave_row(item).values()) for item in report.waves])


def lines_csv(lines: list[OverviewLine]) -> str:
    """The overview's table from the lines a site build keeps."""
    return csv_text(OVERVIEW_COLUMNS, [list(line.row.values()) for line in lines])


STATE_COLUMNS = [
    "code",
    "name",
    "region",
    "answered_within_7",
    "answered_within_30",
    "answered_ever",
    "first_date",
    "days",
    "lean",
    "channel",
    "forum",
    "responses",
]


def _state_rows(item: WaveCoverage, report: CoverageReport) -> list[dict[str, Any]]:
    """Every State Party on the wave's day, by name: how it answered, or that it did not."""
    within = {days: set(codes) for days, codes in item.within.items()}
    channels, forums = vocabulary("channels"), vocabulary("forums")
    rows = []
    for code in item.parties:
        answer = item.answers.get(code)
        rows.append(
            {
                **_state(code, report),
                "region": _region(code),
                "within7": code in within[7],
                "within30": code in within[30],
                "withinGiven": code in within[report.within] if report.within is not None else None,
                "ever": answer is not None,
                "firstDate": answer.first_date if answer else None,
                "days": (answer.first - item.wave.start).days if answer and answer.first else None,
                "leans": [LEANS.get(x, x) for x in sorted(answer.leans)] if answer else [],
                "channels": [_term(channels, x) for x in sorted(answer.channels)] if answer else [],
                "forums": [_term(forums, x) for x in sorted(answer.forums)] if answer else [],
                "responses": sorted(set(answer.responses)) if answer else [],
            }
        )
    return sorted(rows, key=lambda r: (r["name"], r["code"]))


def _term(vocab: Any, value: str) -> str:
    return vocab.label(value) if value in vocab else value


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def states_csv(
    item: WaveCoverage, report: CoverageReport, rows: list[dict[str, Any]] | None = None
) -> str:
    """The wave page's states table, as shown; `rows`: its `_state_rows`, where the caller
    has them already (a site build writes the page beside it)."""
    return csv_text(STATE_COLUMNS, []) + "".join(
        csv_row(
            (
                r["code"],
                r["name"],
                r["region"],
                _yes(r["within7"]),
                _yes(r["within30"]),
                _yes(r["ever"]),
                r["firstDate"] or "",
                _blank(r["days"]),
                "; ".join(r["leans"]),
                "; ".join(r["channels"]),
                "; ".join(r["forums"]),
                " ".join(r["responses"]),
            )
        )
        for r in (_state_rows(item, report) if rows is None else rows)
    )


def _figure(chart: Chart) -> dict[str, Any]:
    """The picture inline (written and escaped by `publish.charts`) and its words."""
    return {"svg": Markup(chart.svg), "alt": chart.alt}


# --- the overview


def overview_page(view: PublicView, report: CoverageReport) -> Page:
    return overview_from(view, report, overview_lines(view, report))


def overview_from(view: PublicView, report: CoverageReport, lines: list[OverviewLine]) -> Page:
    """The overview of these waves' lines; `report` gives the query it answers and the
    undated measures."""
    groups = vocabulary("un-regions")
    waves = [
        {
            **line.row,
            "label": line.label,
            "imposerName": line.imposer_name,
            "sharePercent": percent(share(line.row["answered"], line.row["states_parties"])),
            "byRegion": [
                {"group": g, "label": groups.label(g), **counted}
                for g, counted in line.by_region.items()
            ],
        }
        for line in lines
    ]
    data = {
        "asOf": report.as_of.isoformat() if report.as_of else None,
        "within": report.within,
        "query": _query(report),
        "answeredPhrase": _answered_phrase(report),
        "groups": [{"group": g, "label": t.label} for g, t in groups.terms.items()],
        "waves": waves,
        "timeline": _figure(lines_timeline(lines, report)),
        "heatmap": _figure(lines_heatmap(lines, report)),
        "disputes": list(dict.fromkeys(note for line in lines for note in line.disputes)),
        "undated": report.undated,
    }
    return Page("coverage.html", "Who answered", "coverage", data)


# --- one wave


def _linked(view: PublicView, ids: list[str]) -> list[dict[str, Any]]:
    """A checklist's `by`: responses and protections linked, region names as they are."""
    view.learn_titles((kind, i) for i in ids for kind in ("response", "countermeasure"))
    found = []
    for i in ids:
        kind = next((k for k in ("response", "countermeasure") if view.exists(k, i)), None)
        found.append(
            {"kind": kind, "id": i, "title": view.title(kind, i) if kind else i}
            if kind
            else {"kind": None, "id": None, "title": i}
        )
    return found


def _response(view: PublicView, response_id: str) -> dict[str, Any]:
    return {"kind": "response", "id": response_id, "title": view.title("response", response_id)}


def wave_page(
    view: PublicView,
    report: CoverageReport,
    item: WaveCoverage,
    drawn: Chart | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> Page:
    """`drawn` and `rows`: the wave's map and its `_state_rows`, where the caller has them
    already (a site build writes their CSVs beside the page); the rows are taken over."""
    wave = item.wave
    rows = _state_rows(item, report) if rows is None else rows
    view.learn_titles(("response", r) for row in rows for r in row["responses"])
    view.learn_titles(("measure", m.id) for m in wave.measures)
    for row in rows:
        row["responses"] = [_response(view, r) for r in row["responses"]]
    groups = vocabulary("un-regions")
    parties, answered = len(item.parties), len(item.answered)
    cross = item.first_cross_regional
    data = {
        "wave": {
            "id": wave.id,
            "date": wave.date,
            "label": wave_label(wave, view),
            "imposer": {"id": wave.imposer, "name": view.name("actor", wave.imposer)},
            "authority": _authority(wave),
            "measures": [
                {"kind": "measure", "id": m.id, "title": view.title("measure", m.id)}
                for m in wave.measures
            ],
        },
        "asOf": report.as_of.isoformat() if report.as_of else None,
        "within": report.within,
        "query": _query(report),
        "answeredPhrase": _answered_phrase(report),
        "statesParties": parties,
        "answered": answered,
        "sharePercent": percent(share(answered, parties)),
        "silentCount": len(item.silent),
        "within7": len(item.within[7]),
        "within30": len(item.within[30]),
        "states": rows,
        "silent": sorted(
            (_state(code, report) for code in item.silent), key=lambda s: (s["name"], s["code"])
        ),
        "byRegion": [
            {
                "group": g,
                "label": groups.label(g),
                **counted,
                "sharePercent": percent(share(counted["answered"], counted["parties"])),
            }
            for g, counted in item.by_region.items()
        ],
        "firstAnswerDays": item.first_answer_days,
        "firstCrossRegionalDays": item.first_cross_regional_days,
        "firstCrossRegional": _response(view, cross) if cross else None,
        "reportedCounts": [
            {
                "response": _response(view, c["response"]),
                "memberCount": c["memberCount"],
                "named": len(c["namedStatesParties"]),
            }
            for c in item.joint_counts
        ],
        "nationality": [
            {
                "target": {
                    "kind": "actor",
                    "id": n["target"],
                    "title": view.name("actor", n["target"]),
                },
                **_state(n["code"], report),
                "answered": n["answered"],
            }
            for n in item.nationality
        ],
        "hostState": (
            {**_state(item.host_state["code"], report), "answered": item.host_state["answered"]}
            if item.host_state.get("code")
            else None
        ),
        "checklist": [
            {
                "id": s.id,
                "label": s.label,
                "done": s.done,
                "by": _linked(view, s.by),
                "missing": s.missing,
            }
            for s in item.checklist
        ],
        "map": _figure(drawn or map_chart(item, report, view)),
        "disputes": _disputes([item]),
    }
    return Page("coverage_wave.html", data["wave"]["label"], f"coverage/{wave.id}", data)


# --- the static site


WAVES_COUNTED = 256
"""Waves counted at a time where every wave is read (the overview, the state pages'
index): their answers are dropped before the next are counted."""


def coverage_overview(view: PublicView) -> Iterator[Page]:
    """The overview, with the CSVs of what it shows: the waves counted a group at a time
    and each kept only as its line of the overview, so that memory stays flat however
    many waves there are."""
    index = coverage_index(view)
    lines: list[OverviewLine] = []
    report = None
    for start in range(0, len(index.entries), WAVES_COUNTED):
        report = count_waves(view.connection, index.entries[start : start + WAVES_COUNTED])
        lines.extend(overview_lines(view, report))
    shell = CoverageReport(
        None, None, True, [], [], index.undated, report.state_ids if report else {}
    )
    overview = overview_from(view, shell, lines)
    overview.files = {
        "coverage.csv": lines_csv(lines),
        "coverage/timeline.csv": lines_timeline(lines, shell).csv,
        "coverage/heatmap.csv": lines_heatmap(lines, shell).csv,
    }
    yield overview


def coverage_pages(view: PublicView, entries: list[WaveEntry]) -> Iterator[Page]:
    """These waves' pages, each with the CSVs of what it shows, counted together; each
    wave's map is drawn once, for its page and its CSV."""
    report = count_waves(view.connection, entries)
    for item in report.waves:
        drawn = map_chart(item, report, view)
        rows = _state_rows(item, report)
        table = states_csv(item, report, rows)
        page = wave_page(view, report, item, drawn, rows)
        page.files = {
            f"coverage/{item.wave.id}/states.csv": table,
            f"coverage/{item.wave.id}/map.csv": drawn.csv,
        }
        yield page


# --- on a state's page


@dataclass(frozen=True, slots=True)
class WaveLine:
    """A wave as a state's page lists it."""

    id: str
    label: str
    date: str
    start: dt.date
    parties: frozenset[str]
    """Shared by every wave counted with the same States Parties."""


@dataclass(frozen=True, slots=True)
class Answered:
    """One State Party's answer to one wave, as its page shows it."""

    wave: int
    """The wave's place in `CoverageIndex.waves`."""
    first: dt.date | None
    first_date: str | None
    leans: tuple[str, ...]
    responses: tuple[str, ...]


@dataclass
class CoverageIndex:
    """What every state's page reads of the coverage report, indexed once for all of them
    and far smaller than the report: each wave's line, each state's answers by its code,
    each state's layers. A site build also shares its waves out from `entries`."""

    entries: list[WaveEntry]
    undated: list[str]
    waves: list[WaveLine]
    answers: dict[str, list[Answered]]
    layers: dict[str, StateLayers]


_INDEXES: LRUCache[tuple[object, ...], CoverageIndex] = LRUCache(maxsize=1)
_INDEXES_LOCK = threading.Lock()


def coverage_index(view: PublicView) -> CoverageIndex:
    """Every wave counted a group at a time, and every state's layers, for a state of the
    record: kept under the journal's tip (whose hash chains every write before it, so no
    two records share one) and the day, until the next write. Every state's page, on the
    server and in a site build, reads its part of this one index."""
    key = (reader.journal_tip(view.connection), dt.date.today())
    with _INDEXES_LOCK:
        found = _INDEXES.get(key)
    if found is None:
        entries, undated = wave_entries(view.connection)
        waves: list[WaveLine] = []
        answers: dict[str, list[Answered]] = {}
        memberships: dict[frozenset[str], frozenset[str]] = {}
        for start in range(0, len(entries), WAVES_COUNTED):
            report = count_waves(view.connection, entries[start : start + WAVES_COUNTED])
            view.learn_names(("actor", item.wave.imposer) for item in report.waves)
            for item in report.waves:
                parties = frozenset(item.parties)
                for code, answer in item.answers.items():
                    answers.setdefault(code, []).append(
                        Answered(
                            len(waves),
                            answer.first,
                            answer.first_date,
                            tuple(sorted(answer.leans)),
                            tuple(sorted(set(answer.responses))),
                        )
                    )
                waves.append(
                    WaveLine(
                        item.wave.id,
                        wave_label(item.wave, view),
                        item.wave.date,
                        item.wave.start,
                        memberships.setdefault(parties, parties),
                    )
                )
        layers = {s.code: s for s in state_layers(view.connection)}
        found = CoverageIndex(entries, undated, waves, answers, layers)
        with _INDEXES_LOCK:
            _INDEXES[key] = found
    return found


def state_coverage(view: PublicView, code: str) -> dict[str, Any]:
    """A state's answers and silences wave by wave, and its protection layers today."""
    index = coverage_index(view)
    channels, layers = vocabulary("channels"), vocabulary("layers")
    mine = {answer.wave: answer for answer in index.answers.get(code, [])}
    view.learn_titles(("response", r) for answer in mine.values() for r in answer.responses)
    waves = []
    for number, wave in enumerate(index.waves):
        answer = mine.get(number)
        status = "answered" if answer else "silent" if code in wave.parties else "non-party"
        waves.append(
            {
                "id": wave.id,
                "label": wave.label,
                "date": wave.date,
                "status": status,
                "statusLabel": STATUS_LABELS[status],
                "firstDate": answer.first_date if answer else None,
                "days": (answer.first - wave.start).days if answer and answer.first else None,
                "leans": [LEANS.get(x, x) for x in answer.leans] if answer else [],
                "responses": [_response(view, r) for r in answer.responses] if answer else [],
            }
        )
    found = index.layers.get(code)
    shown_layers = []
    if found is not None:
        ids = [c for layer in found.layers.values() for c in layer.by]
        view.learn_titles(("countermeasure", c) for c in ids)
        shown_layers = [
            {
                "layer": name,
                "label": layers.label(name) if name in layers else name,
                "status": layer.status,
                "statusLabel": LAYER_STATUS.get(layer.status, layer.status),
                "by": [
                    {"kind": "countermeasure", "id": c, "title": view.title("countermeasure", c)}
                    for c in layer.by
                ],
                "channels": [_term(channels, x) for x in layer.channels],
            }
            for name, layer in found.layers.items()
        ]
    today = dt.date.today()
    return {
        "waves": waves,
        "answered": sum(1 for w in waves if w["status"] == "answered"),
        "silent": sum(1 for w in waves if w["status"] == "silent"),
        "layers": shown_layers,
        "gaps": [x["label"] for x in shown_layers if x["status"] == "absent"],
        "layersAsOf": today.isoformat(),
        "disputes": [d.note for d in reference.membership_disputes(today) if d.code == code],
    }
