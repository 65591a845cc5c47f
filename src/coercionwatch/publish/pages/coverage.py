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
    coverage,
    report_json,
)
from coercionwatch.model import states as reference
from coercionwatch.model.labels import label
from coercionwatch.model.vocabulary import vocabulary
from coercionwatch.model.waves import authority_of
from coercionwatch.publish.charts import (
    Chart,
    MapState,
    RegionCell,
    WavePoint,
    region_heatmap,
    wave_timeline,
    world_map,
)
from coercionwatch.publish.charts.chart import csv_text, percent, share
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


def wave_label(wave: Wave, view: PublicView) -> str:
    """`20 Aug 2025: EO 14203 (United States)`: short enough for a chart's axis."""
    return f"{_short_date(wave.date)}: {_authority(wave)} ({view.name('actor', wave.imposer)})"


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


def timeline_chart(report: CoverageReport, view: PublicView) -> Chart:
    """A partial date (`2025-12`) stands at its first day; its label says what is known."""
    points = [
        WavePoint(
            item.wave.id,
            item.wave.start.isoformat(),
            wave_label(item.wave, view),
            len(item.wave.measures),
            len(item.parties),
            len(item.answered),
        )
        for item in report.waves
    ]
    return wave_timeline(points, title=f"Share of States Parties that {_answered_phrase(report)}")


HEATMAP_WAVES = 36
"""Columns of the heat map: the latest waves, so that it stays readable on a long record
(the table above it lists every wave)."""


def heatmap_chart(report: CoverageReport, view: PublicView) -> Chart:
    groups = vocabulary("un-regions")
    cells = [
        RegionCell(
            item.wave.id,
            wave_label(item.wave, view),
            group,
            groups.label(group),
            counted["parties"],
            counted["answered"],
        )
        for item in report.waves[-HEATMAP_WAVES:]
        for group, counted in item.by_region.items()
    ]
    latest = f", the latest {HEATMAP_WAVES} waves" if len(report.waves) > HEATMAP_WAVES else ""
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
                "firstDate": answer.first.isoformat() if answer and answer.first else None,
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


def states_csv(item: WaveCoverage, report: CoverageReport) -> str:
    """The wave page's states table, as shown."""
    return csv_text(
        STATE_COLUMNS,
        [
            [
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
            ]
            for r in _state_rows(item, report)
        ],
    )


def _figure(chart: Chart) -> dict[str, Any]:
    """The picture inline (written and escaped by `publish.charts`) and its words."""
    return {"svg": Markup(chart.svg), "alt": chart.alt}


# --- the overview


def overview_page(view: PublicView, report: CoverageReport) -> Page:
    groups = vocabulary("un-regions")
    view.learn_names(("actor", item.wave.imposer) for item in report.waves)
    waves = []
    for item in report.waves:
        row = _wave_row(item)
        waves.append(
            {
                **row,
                "label": wave_label(item.wave, view),
                "imposerName": view.name("actor", item.wave.imposer),
                "sharePercent": percent(share(row["answered"], row["states_parties"])),
                "byRegion": [
                    {"group": g, "label": groups.label(g), **counted}
                    for g, counted in item.by_region.items()
                ],
            }
        )
    data = {
        "asOf": report.as_of.isoformat() if report.as_of else None,
        "within": report.within,
        "query": _query(report),
        "answeredPhrase": _answered_phrase(report),
        "groups": [{"group": g, "label": t.label} for g, t in groups.terms.items()],
        "waves": waves,
        "timeline": _figure(timeline_chart(report, view)),
        "heatmap": _figure(heatmap_chart(report, view)),
        "disputes": _disputes(report.waves),
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
    view: PublicView, report: CoverageReport, item: WaveCoverage, drawn: Chart | None = None
) -> Page:
    """`drawn`: the wave's map, where the caller has drawn it already (a site build writes
    its CSV beside the page)."""
    wave = item.wave
    rows = _state_rows(item, report)
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


def coverage_waves(view: PublicView) -> list[WaveCoverage]:
    """Every wave, from the report the state pages read too (one a build)."""
    return state_report(view).report.waves


def coverage_overview(view: PublicView) -> Iterator[Page]:
    """The overview, with the CSVs of what it shows."""
    report = state_report(view).report
    overview = overview_page(view, report)
    overview.files = {
        "coverage.csv": overview_csv(report),
        "coverage/timeline.csv": timeline_chart(report, view).csv,
        "coverage/heatmap.csv": heatmap_chart(report, view).csv,
    }
    yield overview


def coverage_pages(view: PublicView, waves: list[WaveCoverage]) -> Iterator[Page]:
    """These waves' pages, each with the CSVs of what it shows; each wave's map is drawn
    once, for its page and its CSV."""
    report = state_report(view).report
    for item in waves:
        drawn = map_chart(item, report, view)
        page = wave_page(view, report, item, drawn)
        page.files = {
            f"coverage/{item.wave.id}/states.csv": states_csv(item, report),
            f"coverage/{item.wave.id}/map.csv": drawn.csv,
        }
        yield page


# --- on a state's page


@dataclass
class StatePages:
    """The report that every state's page reads its part of, indexed once for all of them:
    each wave's label and States Parties, each state's layers by its code."""

    report: CoverageReport
    labels: list[str]
    parties: list[frozenset[str]]
    layers: dict[str, StateLayers]


_STATE_REPORTS: LRUCache[tuple[object, ...], StatePages] = LRUCache(maxsize=1)
_STATE_REPORTS_LOCK = threading.Lock()


def state_report(view: PublicView) -> StatePages:
    """Every wave, and every state's layers, counted once for a state of the record: kept
    under the journal's tip (whose hash chains every write before it, so no two records
    share one) and the day, until the next write. Every state's page, on the server and in
    a site build, reads its part of this one report, as do a site build's coverage pages."""
    key = (reader.journal_tip(view.connection), dt.date.today())
    with _STATE_REPORTS_LOCK:
        found = _STATE_REPORTS.get(key)
    if found is None:
        report = coverage(view.connection, public_only=True, every_state=True)
        view.learn_names(("actor", item.wave.imposer) for item in report.waves)
        found = StatePages(
            report,
            [wave_label(item.wave, view) for item in report.waves],
            [frozenset(item.parties) for item in report.waves],
            {s.code: s for s in report.states},
        )
        with _STATE_REPORTS_LOCK:
            _STATE_REPORTS[key] = found
    return found


def state_coverage(view: PublicView, code: str) -> dict[str, Any]:
    """A state's answers and silences wave by wave, and its protection layers today."""
    indexed = state_report(view)
    channels, layers = vocabulary("channels"), vocabulary("layers")
    waves = []
    for item, wave_name, parties in zip(
        indexed.report.waves, indexed.labels, indexed.parties, strict=True
    ):
        answer = item.answers.get(code)
        status = "answered" if answer else "silent" if code in parties else "non-party"
        responses = sorted(set(answer.responses)) if answer else []
        view.learn_titles(("response", r) for r in responses)
        waves.append(
            {
                "id": item.wave.id,
                "label": wave_name,
                "date": item.wave.date,
                "status": status,
                "statusLabel": STATUS_LABELS[status],
                "firstDate": answer.first.isoformat() if answer and answer.first else None,
                "days": (answer.first - item.wave.start).days if answer and answer.first else None,
                "leans": [LEANS.get(x, x) for x in sorted(answer.leans)] if answer else [],
                "responses": [_response(view, r) for r in responses],
            }
        )
    found = indexed.layers.get(code)
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
