"""Routes: each HTML page has a JSON twin under /api built from the same Page data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any

import orjson
from anyio import to_thread
from cachetools import LRUCache
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from coercionwatch.model import KINDS, Incident, native_record
from coercionwatch.model.types import utc_timestamp
from coercionwatch.publish import PublicView, dumps_envelope, seed_envelope
from coercionwatch.publish.bulk import everything_chunks, kind_chunks, kind_rows
from coercionwatch.publish.citations import FORMATS as CITATION_FORMATS
from coercionwatch.publish.citations import citation_file
from coercionwatch.publish.datapackage import datapackage
from coercionwatch.publish.feed import atom_feed
from coercionwatch.publish.links import SECTIONS, Links
from coercionwatch.publish.pages import Page
from coercionwatch.publish.pages.actors import actor_page
from coercionwatch.publish.pages.data import data_page
from coercionwatch.publish.pages.home import home_page
from coercionwatch.publish.pages.incident import incident_page, incident_record
from coercionwatch.publish.pages.lists import list_page
from coercionwatch.publish.pages.records import record_page
from coercionwatch.publish.pages.search import error_page, search_page
from coercionwatch.publish.pages.timeline import timeline_page
from coercionwatch.publish.proofs import record_proof
from coercionwatch.publish.render import render
from coercionwatch.publish.sitemap import sitemap_files
from coercionwatch.store import Store
from coercionwatch.store.listing import Listing

from .answers import ANSWER_BYTES, AnswerCache
from .apidocs import add_api_docs
from .coverage import add_coverage_routes
from .headers import SECURITY_HEADERS, SecurityHeaders
from .params import BadParameter, list_query, search_query, timeline_query

KIND_OF_SECTION = {section: kind for kind, section in SECTIONS.items()}
SERVER_LINKS = Links(static=False)
RENDERED_RECORDS = 1024
"""Record files kept serialised per process, keyed by what their content depends on."""
THREADS = 4
"""Requests a worker answers at once. Each holds a connection and the memory its queries
take while they run; Starlette's default of 40 let a burst of searches keep over a
gigabyte (each thread's allocations stay in its own malloc arena), where four keep the
cores busy. More concurrency comes from `serve --workers N`."""

TimelineQuery = Annotated[Listing, Depends(timeline_query)]
SearchQuery = Annotated[tuple[str | None, str | None, int], Depends(search_query)]


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


def create_app(store: Store, *, site: str, answer_bytes: int = ANSWER_BYTES) -> FastAPI:
    """The app for one store; `site` is the public address used in urls and citations.

    Every answer reads the store afresh through one connection (`viewing`); the process
    keeps only bounded caches keyed by record version, so any number of workers share
    nothing but the database, and a write is seen by the very next request. `answer_bytes`
    bounds the answers kept until the next write (`web.answers`); 0 keeps none."""
    rendered: LRUCache[tuple[Any, ...], bytes] = LRUCache(maxsize=RENDERED_RECORDS)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = THREADS
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="Coercion Watch",
        description="The public record of coercion against international justice.",
        docs_url=None,  # add_api_docs serves them without a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AnswerCache, head=store.published_head, max_bytes=answer_bytes)
    add_api_docs(app)
    app.mount("/static", StaticFiles(packages=[("coercionwatch.publish", "static")]), "static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> RedirectResponse:
        """Browsers ask for this where a page names no icon: the API docs, JSON files."""
        return RedirectResponse(SERVER_LINKS.asset("favicon.svg"), status_code=301)

    @contextmanager
    def viewing() -> Iterator[PublicView]:
        """One request's view: one connection, one transaction, so a page is consistent
        even while a write lands."""
        with store.reading() as connection, connection.begin():
            yield PublicView(connection)

    def html(page: Page, status: int = 200) -> HTMLResponse:
        return HTMLResponse(render(page, SERVER_LINKS), status_code=status)

    def record_bytes(kind: str, record_id: str) -> bytes:
        """A record's JSON file, serialised once per version: the hot path of the API."""
        if kind not in KINDS:
            raise NotFound("record")
        with viewing() as view:
            found = view.versioned(kind, record_id)
            if found is None:
                raise NotFound(kind)
            record, depends_on = found
            key = (kind, record_id, *depends_on)
            data = rendered.get(key)
            if data is not None:
                return data
            if isinstance(record, Incident):
                envelope = seed_envelope(record, view.incident_updates(record), site=site)
                data = dumps_envelope(envelope).encode("utf-8")
            else:
                data = orjson.dumps(native_record(record))
        rendered[key] = data
        return data

    def found(page: Page | None, what: str) -> Page:
        if page is None:
            raise NotFound(what)
        return page

    def streamed(
        chunks: Callable[[PublicView], Iterator[bytes]], media: str, name: str
    ) -> Response:
        """A download written as it is read, the connection held until its last byte."""

        def body() -> Iterator[bytes]:
            with viewing() as view:
                yield from chunks(view)

        disposition = f'attachment; filename="{name}"'
        return StreamingResponse(
            body(), media_type=media, headers={"Content-Disposition": disposition}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONBytes({"error": exc.detail}, status_code=exc.status_code)
        message = exc.detail if isinstance(exc.detail, str) else "The request was not understood."
        if isinstance(exc, BadParameter):
            message = exc.sentence()
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

    def page_for(build: Callable[[PublicView], Page]) -> Page:
        with viewing() as view:
            return build(view)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home() -> HTMLResponse:
        return html(page_for(home_page))

    @app.get("/api", tags=["pages"])
    def home_api() -> JSONBytes:
        return JSONBytes(page_for(home_page).data)

    @app.get("/data", response_class=HTMLResponse, include_in_schema=False)
    def data() -> HTMLResponse:
        return html(page_for(data_page))

    @app.get("/api/data", tags=["pages"])
    def data_api() -> JSONBytes:
        """Record counts by kind, the licence, and when the record last changed."""
        return JSONBytes(page_for(data_page).data)

    @app.get("/data/datapackage.json", tags=["data"])
    def data_package() -> JSONBytes:
        return JSONBytes(datapackage(site))

    @app.get("/data/records.jsonl", tags=["data"])
    def everything() -> Response:
        """Every public record of every kind, one per line; `coercionwatch import` reads it."""
        return streamed(
            everything_chunks,
            "application/jsonl",
            "records.jsonl",
        )

    @app.get("/data/{kind}.{fmt}", tags=["data"])
    def data_file(kind: str, fmt: str) -> Response:
        """Every public record of one kind, as JSON or CSV."""
        if kind not in KINDS or fmt not in ("json", "csv"):
            raise NotFound("such download")
        return download(Listing(kind), fmt)

    def download(listing: Listing, fmt: str) -> Response:
        kind = listing.kinds[0]
        generated = utc_timestamp()
        media = "application/json" if fmt == "json" else "text/csv; charset=utf-8"
        return streamed(
            lambda view: kind_chunks(kind, kind_rows(view, listing, site, generated), fmt),
            media,
            f"{SECTIONS[kind]}.{fmt}",
        )

    @app.get("/feed.atom", tags=["data"])
    def feed() -> Response:
        body = page_bytes(lambda view: atom_feed(view, site))
        return Response(body, media_type="application/atom+xml")

    def page_bytes(build: Callable[[PublicView], bytes]) -> bytes:
        with viewing() as view:
            return build(view)

    @app.get("/sitemap.xml", include_in_schema=False)
    @app.get("/sitemap-{number}.xml", include_in_schema=False)
    def site_map(number: int | None = None) -> Response:
        wanted = "sitemap.xml" if number is None else f"sitemap-{number}.xml"
        with viewing() as view:
            for name, content in sitemap_files(view, site):
                if name == wanted:
                    return Response(content, media_type="application/xml")
        raise NotFound("sitemap")

    # --- incidents

    @app.get("/incident/{slug}.json", tags=["records"])
    def incident_envelope(slug: str) -> Response:
        """The incident as a seed envelope."""
        return Response(record_bytes("incident", slug), media_type="application/json")

    @app.get("/incident/{slug}/citation.{fmt}", tags=["records"])
    def incident_citation(slug: str, fmt: str) -> Response:
        """The citation as BibTeX (bib), RIS (ris) or CSL-JSON (csl.json)."""
        with viewing() as view:
            incident = view.get("incident", slug)
            if not isinstance(incident, Incident) or fmt not in CITATION_FORMATS:
                raise NotFound("citation")
            body = citation_file(incident_record(incident, view, site), fmt)
        disposition = f'attachment; filename="{slug}.{fmt}"'
        return Response(
            body, media_type=CITATION_FORMATS[fmt], headers={"Content-Disposition": disposition}
        )

    # --- timeline and search

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline(listing: TimelineQuery) -> HTMLResponse:
        return html(page_for(lambda view: timeline_page(view, listing)))

    @app.get("/api/timeline", tags=["pages"])
    def timeline_api(listing: TimelineQuery) -> JSONBytes:
        """Every dated measure, response, protection and incident, newest first, a page at
        a time (`next` is the token of the page after), with counts by kind."""
        return JSONBytes(page_for(lambda view: timeline_page(view, listing)).data)

    def search_for(query: tuple[str | None, str | None, int]) -> Page:
        words, kind, number = query
        return page_for(lambda view: search_page(view, words, kind, number))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(query: SearchQuery) -> HTMLResponse:
        return html(search_for(query))

    @app.get("/api/search", tags=["pages"])
    def search_api(query: SearchQuery) -> JSONBytes:
        """Full-text search over every public record, best first, with counts by kind."""
        return JSONBytes(search_for(query).data)

    add_coverage_routes(app, viewing, html)

    # --- every kind: list, page, JSON

    def add_list_routes(kind: str, section: str) -> None:
        """The list of one kind as a page, its JSON twin and its downloads, each declaring
        the kind's own facets as query parameters."""
        # Dependencies as defaults: the annotations of a function made here are strings
        # that FastAPI resolves among the module's names, where these two are not.
        paged = Depends(list_query(kind))
        whole = Depends(list_query(kind, paged=False))

        def page(listing: Listing = paged) -> HTMLResponse:
            return html(page_for(lambda view: list_page(view, listing)))

        def api(listing: Listing = paged) -> JSONBytes:
            return JSONBytes(page_for(lambda view: list_page(view, listing)).data)

        def csv(listing: Listing = whole) -> Response:
            return download(listing, "csv")

        def json(listing: Listing = whole) -> Response:
            return download(listing, "json")

        api.__doc__ = (
            f"One page of the {section}, filtered by any of its facets by name, with `facets`: "
            "the counts of each facet's values among the records filtered, and `next`, the "
            "token of the page after."
        )
        csv.__doc__ = json.__doc__ = f"Every one of the {section} as filtered, all pages."
        app.add_api_route(
            f"/api/{section}", api, methods=["GET"], tags=["pages"], name=f"{section}_api"
        )
        app.add_api_route(
            f"/{section}.csv", csv, methods=["GET"], tags=["data"], name=f"{section}_csv"
        )
        app.add_api_route(
            f"/{section}.json", json, methods=["GET"], tags=["data"], name=f"{section}_json"
        )
        app.add_api_route(
            f"/{section}",
            page,
            methods=["GET"],
            response_class=HTMLResponse,
            include_in_schema=False,
            name=section,
        )

    for kind, section in SECTIONS.items():
        add_list_routes(kind, section)

    def record_for(kind: str, record_id: str) -> Page:
        if kind not in KINDS:
            raise NotFound("page")
        with viewing() as view:
            if kind == "incident":
                return found(incident_page(view, record_id, site), "incident")
            if kind == "actor":
                return found(actor_page(view, record_id), "actor")
            return found(record_page(view, kind, record_id), kind)

    @app.get("/api/{kind}/{record_id}", tags=["pages"])
    def record_api(kind: str, record_id: str) -> JSONBytes:
        """One record's page data, with what it links to and what points at it."""
        return JSONBytes(record_for(kind, record_id).data)

    @app.get("/log/checkpoint", tags=["log"])
    def log_checkpoint() -> Response:
        """The latest checkpoint of the transparency log, a signed note (tlog-checkpoint)."""
        with viewing() as view:
            signed = view.checkpoint
        if signed is None:
            raise NotFound("checkpoint: none has been signed yet")
        return Response(signed.note, media_type="text/plain; charset=utf-8")

    @app.get("/{kind}/{record_id}.tlog-proof", tags=["log"])
    def record_proof_file(kind: str, record_id: str) -> Response:
        """That the record's current version is in the latest checkpoint (tlog-proof), with
        its journal entry as extra data."""
        if kind not in KINDS:
            raise NotFound("record")
        with viewing() as view:
            proof = record_proof(view, kind, record_id)
        if proof is None:
            raise NotFound("proof: no public record by that id, or none signed yet")
        return Response(proof.text(), media_type="text/plain; charset=utf-8")

    @app.get("/{kind}/{record_id}.json", tags=["records"])
    def record_json(kind: str, record_id: str) -> Response:
        """One record as a native record file (incidents: see /incident/{slug}.json)."""
        return Response(record_bytes(kind, record_id), media_type="application/json")

    @app.get("/{kind}/{record_id}", response_class=HTMLResponse, include_in_schema=False)
    def record_html(kind: str, record_id: str) -> HTMLResponse:
        return html(record_for(kind, record_id))

    return app


def app_from_environment() -> FastAPI:
    """For Uvicorn's workers: the database and site come from COERCIONWATCH_DB and _SITE."""
    import os

    from coercionwatch.publish import DEFAULT_SITE

    store = Store.open(os.environ.get("COERCIONWATCH_DB"))
    kept = int(os.environ.get("COERCIONWATCH_ANSWER_BYTES", ANSWER_BYTES))
    return create_app(
        store, site=os.environ.get("COERCIONWATCH_SITE", DEFAULT_SITE), answer_bytes=kept
    )
