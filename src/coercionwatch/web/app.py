"""Routes: each HTML page has a JSON twin under /api built from the same Page data."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from coercionwatch.model import KINDS, Incident, native_record
from coercionwatch.model.types import utc_timestamp
from coercionwatch.publish import PublicRecord, dumps_envelope, seed_envelope
from coercionwatch.publish.bulk import kind_file, kind_rows
from coercionwatch.publish.citations import FORMATS as CITATION_FORMATS
from coercionwatch.publish.citations import citation_file
from coercionwatch.publish.datapackage import datapackage
from coercionwatch.publish.feed import atom_feed
from coercionwatch.publish.links import SECTIONS, Links
from coercionwatch.publish.pages import Page
from coercionwatch.publish.pages.actors import actor_page, actors_page
from coercionwatch.publish.pages.data import data_page
from coercionwatch.publish.pages.home import home_page
from coercionwatch.publish.pages.incident import incident_page, incident_record
from coercionwatch.publish.pages.incidents import IncidentFilters, incidents_page
from coercionwatch.publish.pages.records import list_page, record_page
from coercionwatch.publish.pages.search import MARK, error_page, search_page
from coercionwatch.publish.pages.timeline import TimelineFilters, timeline_page
from coercionwatch.publish.render import render
from coercionwatch.publish.sitemap import sitemap
from coercionwatch.store import Store

from .apidocs import add_api_docs
from .headers import SECURITY_HEADERS, SecurityHeaders
from .params import BadParameter, incident_query, search_words, timeline_query

KIND_OF_SECTION = {section: kind for kind, section in SECTIONS.items()}
SERVER_LINKS = Links(static=False)

IncidentQuery = Annotated[tuple[IncidentFilters, str | None], Depends(incident_query)]
TimelineQuery = Annotated[TimelineFilters, Depends(timeline_query)]
SearchWords = Annotated[str | None, Depends(search_words)]


class JSONBytes(Response):
    """JSON written by orjson: page data is plain dicts, so no model validation is needed."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


class NotFound(StarletteHTTPException):
    def __init__(self, what: str) -> None:
        super().__init__(404, detail=f"No {what} here.")


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api") or path.endswith((".json", ".atom", ".xml"))


def create_app(store: Store, *, site: str) -> FastAPI:
    """The app for one store; `site` is the public address used in urls and citations."""
    public = PublicRecord(store)
    app = FastAPI(
        title="Coercion Watch",
        description="The public record of coercion against international justice.",
        docs_url=None,  # add_api_docs serves them without a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(SecurityHeaders)
    add_api_docs(app)
    app.mount("/static", StaticFiles(packages=[("coercionwatch.publish", "static")]), "static")

    def html(page: Page, status: int = 200) -> HTMLResponse:
        return HTMLResponse(render(page, SERVER_LINKS), status_code=status)

    def record_bytes(kind: str, record_id: str) -> bytes:
        """A record's JSON file, serialised once per snapshot: the hot path of the API."""
        snapshot = public.current()
        key = (kind, record_id)
        cached = snapshot.rendered.get(key)
        if cached is not None:
            return cached
        record = snapshot.get(kind, record_id) if kind in KINDS else None
        if record is None:
            raise NotFound(kind if kind in KINDS else "record")
        if isinstance(record, Incident):
            envelope = seed_envelope(record, snapshot.incident_updates(record), site=site)
            data = dumps_envelope(envelope).encode("utf-8")
        else:
            data = orjson.dumps(native_record(record))
        snapshot.rendered[key] = data
        return data

    def found(page: Page | None, what: str) -> Page:
        if page is None:
            raise NotFound(what)
        return page

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONBytes({"error": exc.detail}, status_code=exc.status_code)
        message = exc.detail if isinstance(exc.detail, str) else "The request was not understood."
        if isinstance(exc, BadParameter):
            message = f"The parameter '{exc.parameter}' is not valid: {exc.message}."
        return html(error_page(exc.status_code, message), exc.status_code)

    @app.exception_handler(500)
    async def server_error(request: Request, exc: Exception) -> Response:
        """Answered outside the middleware, so this answer carries the headers itself."""
        answer = (
            JSONBytes({"error": "Internal server error."}, status_code=500)
            if _wants_json(request)
            else html(error_page(500, "Something went wrong on our side."), 500)
        )
        answer.headers.update(SECURITY_HEADERS)
        return answer

    # --- home, data, feed, sitemap

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        return html(home_page(public.current()))

    @app.get("/api", tags=["pages"])
    def home_api() -> JSONBytes:
        return JSONBytes(home_page(public.current()).data)

    @app.get("/data", response_class=HTMLResponse, include_in_schema=False)
    def data() -> HTMLResponse:
        return html(data_page(public.current()))

    @app.get("/api/data", tags=["pages"])
    def data_api() -> JSONBytes:
        """Record counts by kind, as the data page lists them for download."""
        return JSONBytes(data_page(public.current()).data)

    @app.get("/data/datapackage.json", tags=["data"])
    def data_package() -> JSONBytes:
        return JSONBytes(datapackage(site))

    @app.get("/data/{kind}.{fmt}", tags=["data"])
    def data_file(kind: str, fmt: str) -> Response:
        if kind not in KINDS or fmt not in ("json", "csv"):
            raise NotFound("such download")
        rows = kind_rows(public.current(), kind, site, utc_timestamp())
        media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
        return Response(kind_file(kind, rows, fmt), media_type=media)

    @app.get("/feed.atom", tags=["data"])
    def feed() -> Response:
        return Response(atom_feed(public.current(), site), media_type="application/atom+xml")

    @app.get("/sitemap.xml", include_in_schema=False)
    def site_map() -> Response:
        return Response(sitemap(public.current(), site), media_type="application/xml")

    # --- incidents

    def incidents_for(query: tuple[IncidentFilters, str | None]) -> Page:
        filters, words = query
        matching = None
        if words:
            hits = store.search(words, kind="incident", public_only=True, limit=10_000)
            matching = {hit.id for hit in hits}
        return incidents_page(public.current(), filters, words, matching)

    @app.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
    def incidents(query: IncidentQuery) -> HTMLResponse:
        return html(incidents_for(query))

    @app.get("/api/incidents", tags=["pages"])
    def incidents_api(query: IncidentQuery) -> JSONBytes:
        """Incidents, filtered, with the choices each filter takes."""
        return JSONBytes(incidents_for(query).data)

    @app.get("/incident/{slug}.json", tags=["records"])
    async def incident_envelope(slug: str) -> Response:
        """The incident as a seed envelope."""
        return Response(record_bytes("incident", slug), media_type="application/json")

    @app.get("/incident/{slug}/citation.{fmt}", tags=["records"])
    def incident_citation(slug: str, fmt: str) -> Response:
        """The citation as BibTeX (bib), RIS (ris) or CSL-JSON (csl.json)."""
        snapshot = public.current()
        incident = snapshot.get("incident", slug)
        if not isinstance(incident, Incident) or fmt not in CITATION_FORMATS:
            raise NotFound("citation")
        body = citation_file(incident_record(incident, snapshot, site), fmt)
        disposition = f'attachment; filename="{slug}.{fmt}"'
        return Response(
            body, media_type=CITATION_FORMATS[fmt], headers={"Content-Disposition": disposition}
        )

    # --- timeline and search

    def timeline_for(filters: TimelineFilters) -> Page:
        return timeline_page(public.current(), filters)

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline(filters: TimelineQuery) -> HTMLResponse:
        return html(timeline_for(filters))

    @app.get("/api/timeline", tags=["pages"])
    def timeline_api(filters: TimelineQuery) -> JSONBytes:
        """Every dated event, newest first, filtered."""
        return JSONBytes(timeline_for(filters).data)

    def search_for(words: str | None) -> Page:
        hits = store.search(words, public_only=True, marks=(MARK, MARK)) if words else []
        return search_page(public.current(), words, hits)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(words: SearchWords) -> HTMLResponse:
        return html(search_for(words))

    @app.get("/api/search", tags=["pages"])
    def search_api(words: SearchWords) -> JSONBytes:
        """Full-text search over every public record."""
        return JSONBytes(search_for(words).data)

    # --- every kind: list, page, JSON

    def list_for(section: str) -> Page:
        kind = KIND_OF_SECTION.get(section)
        if kind is None:
            raise NotFound("page")
        if kind == "actor":
            return actors_page(public.current())
        return list_page(public.current(), kind)

    def record_for(kind: str, record_id: str) -> Page:
        snapshot = public.current()
        if kind == "incident":
            return found(incident_page(snapshot, record_id, site), "incident")
        if kind == "actor":
            return found(actor_page(snapshot, record_id), "actor")
        if kind not in KINDS:
            raise NotFound("page")
        return found(record_page(snapshot, kind, record_id), kind)

    @app.get("/api/{section}", tags=["pages"])
    def list_api(section: str) -> JSONBytes:
        """The list of one kind: incidents, actors, measures, responses, countermeasures,
        provisions or sources."""
        return JSONBytes(list_for(section).data)

    @app.get("/api/{kind}/{record_id}", tags=["pages"])
    def record_api(kind: str, record_id: str) -> JSONBytes:
        """One record's page data, with what it links to and what points at it."""
        return JSONBytes(record_for(kind, record_id).data)

    @app.get("/{kind}/{record_id}.json", tags=["records"])
    async def record_json(kind: str, record_id: str) -> Response:
        """One record as a native record file (incidents: see /incident/{slug}.json)."""
        return Response(record_bytes(kind, record_id), media_type="application/json")

    @app.get("/{section}", response_class=HTMLResponse, include_in_schema=False)
    def list_html(section: str) -> HTMLResponse:
        return html(list_for(section))

    @app.get("/{kind}/{record_id}", response_class=HTMLResponse, include_in_schema=False)
    def record_html(kind: str, record_id: str) -> HTMLResponse:
        return html(record_for(kind, record_id))

    return app


def app_from_environment() -> FastAPI:
    """For Uvicorn's workers: the database and site come from COERCIONWATCH_DB and _SITE."""
    import os

    from coercionwatch.publish import DEFAULT_SITE

    store = Store.open(os.environ.get("COERCIONWATCH_DB"))
    return create_app(store, site=os.environ.get("COERCIONWATCH_SITE", DEFAULT_SITE))
