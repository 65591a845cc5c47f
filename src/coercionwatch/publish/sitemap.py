"""sitemap.xml: every public page, with absolute addresses under the site's base URL."""

from __future__ import annotations

from xml.sax.saxutils import escape

from coercionwatch.model import KINDS

from .public import Snapshot

TOP_PAGES = (
    "",
    "incidents",
    "actors",
    "measures",
    "responses",
    "countermeasures",
    "provisions",
    "sources",
    "timeline",
    "data",
    "search",
)


def page_paths(snapshot: Snapshot) -> list[str]:
    paths = list(TOP_PAGES)
    for kind in KINDS:
        paths += [f"{kind}/{record.id}" for record in snapshot.of(kind)]
    return paths


def sitemap(snapshot: Snapshot, site: str, *, suffix: str = "") -> bytes:
    """`suffix` is `/index.html` for the static site, whose pages are files in folders."""
    base = site.rstrip("/")
    urls = []
    for path in page_paths(snapshot):
        location = f"{base}/{path}{suffix}" if path else f"{base}/"
        urls.append(f"  <url><loc>{escape(location)}</loc></url>")
    body = "\n".join(urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}\n</urlset>\n"
    ).encode()
