"""Routes of the coverage pages: who answered each wave, who stayed silent.

Each page, its JSON twin and its CSVs are read from one report per request, so they give
the same figures. The JSON is what `report coverage --json` gives scripts; the CSVs are
exactly what each table or picture shows. `?as_of=` counts only answers given by a day,
`?within=` makes "answered" mean answered within that many days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated, TypeVar

import orjson
from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from coercionwatch.analysis.coverage import CoverageReport, UnknownWave, WaveCoverage
from coercionwatch.publish.pages import Page
from coercionwatch.publish.pages.coverage import (
    coverage_json,
    heatmap_chart,
    map_chart,
    overview_csv,
    overview_page,
    read_coverage,
    states_csv,
    timeline_chart,
    wave_page,
)
from coercionwatch.publish.view import PublicView

from .params import BadParameter, known_parameters, optional

MAX_WITHIN = 36_500

T = TypeVar("T")

Viewing = Callable[[], AbstractContextManager[PublicView]]


PARAMETERS = ("as_of", "within")


def coverage_query(
    request: Request,
    as_of: Annotated[
        str | None, Query(description="Count only answers given by this day (YYYY-MM-DD).")
    ] = None,
    within: Annotated[
        str | None,
        Query(
            description=f"`answered` means within this many days of the wave (0 to {MAX_WITHIN})."
        ),
    ] = None,
) -> tuple[dt.date | None, int | None]:
    known_parameters(request, PARAMETERS)
    day = optional(as_of)
    days = optional(within)
    if day is not None:
        try:
            parsed: dt.date | None = dt.date.fromisoformat(day)
        except ValueError:
            raise BadParameter("as_of", "not a day written YYYY-MM-DD") from None
    else:
        parsed = None
    if days is not None and (not days.isdigit() or int(days) > MAX_WITHIN):
        raise BadParameter("within", f"a whole number of days from 0 to {MAX_WITHIN}")
    return parsed, int(days) if days is not None else None


CoverageQuery = Annotated[tuple[dt.date | None, int | None], Depends(coverage_query)]


def _no_wave(wave_id: str) -> StarletteHTTPException:
    return StarletteHTTPException(404, detail=f"No wave {wave_id!r} here.")


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _json(data: object) -> Response:
    return Response(orjson.dumps(data), media_type="application/json")


def add_coverage_routes(
    app: FastAPI, viewing: Viewing, html: Callable[[Page], HTMLResponse]
) -> None:
    """Registered before the record routes, whose `/{kind}/{id}` would otherwise take them."""

    def whole(
        query: tuple[dt.date | None, int | None],
        build: Callable[[PublicView, CoverageReport], T],
    ) -> T:
        as_of, within = query
        with viewing() as view:
            return build(view, read_coverage(view, as_of=as_of, within=within))

    def one(
        wave_id: str,
        query: tuple[dt.date | None, int | None],
        build: Callable[[PublicView, CoverageReport, WaveCoverage], T],
    ) -> T:
        as_of, within = query
        with viewing() as view:
            try:
                report = read_coverage(view, wave=wave_id, as_of=as_of, within=within)
            except UnknownWave:
                raise _no_wave(wave_id) from None
            if not report.waves:
                raise StarletteHTTPException(
                    404, detail=f"Wave {wave_id!r} began after {as_of}, the date asked for."
                )
            return build(view, report, report.waves[0])

    @app.get("/coverage", response_class=HTMLResponse, include_in_schema=False)
    def coverage_html(query: CoverageQuery) -> HTMLResponse:
        return html(whole(query, overview_page))

    @app.get("/api/coverage", tags=["pages"])
    def coverage_api(query: CoverageQuery) -> Response:
        """Every wave: the States Parties that day, who answered (within 7 and 30 days, and
        ever) and how, who was silent, by regional group, and the response checklist; per
        State Party, its legal, reputational and commercial layers. The shape of
        `coercionwatch report coverage --json`."""
        return _json(whole(query, lambda _, report: coverage_json(report)))

    @app.get("/coverage.csv", tags=["data"])
    def coverage_csv(query: CoverageQuery) -> Response:
        """The overview's table of waves."""
        return _csv(whole(query, lambda _, report: overview_csv(report)), "coverage.csv")

    @app.get("/coverage/timeline.csv", tags=["data"])
    def coverage_timeline_csv(query: CoverageQuery) -> Response:
        """What the timeline of waves shows: a row a wave."""
        text = whole(query, lambda view, report: timeline_chart(report, view).csv)
        return _csv(text, "coverage-timeline.csv")

    @app.get("/coverage/heatmap.csv", tags=["data"])
    def coverage_heatmap_csv(query: CoverageQuery) -> Response:
        """What the heat map shows: a row a wave and regional group."""
        text = whole(query, lambda view, report: heatmap_chart(report, view).csv)
        return _csv(text, "coverage-heatmap.csv")

    @app.get("/coverage/{wave_id}/states.csv", tags=["data"])
    def wave_states_csv(wave_id: str, query: CoverageQuery) -> Response:
        """The wave's table of States Parties and their answers."""
        text = one(wave_id, query, lambda _, report, item: states_csv(item, report))
        return _csv(text, f"{wave_id}-states.csv")

    @app.get("/coverage/{wave_id}/map.csv", tags=["data"])
    def wave_map_csv(wave_id: str, query: CoverageQuery) -> Response:
        """What the wave's world map shows: a row a state."""
        text = one(wave_id, query, lambda view, report, item: map_chart(item, report, view).csv)
        return _csv(text, f"{wave_id}-map.csv")

    @app.get("/api/coverage/{wave_id}", tags=["pages"])
    def wave_api(wave_id: str, query: CoverageQuery) -> Response:
        """One wave, as `coercionwatch report coverage --wave ID --json` gives it."""
        return _json(one(wave_id, query, lambda _, report, __: coverage_json(report)))

    @app.get("/coverage/{wave_id}", response_class=HTMLResponse, include_in_schema=False)
    def wave_html(wave_id: str, query: CoverageQuery) -> HTMLResponse:
        return html(one(wave_id, query, wave_page))
