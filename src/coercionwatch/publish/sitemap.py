"""sitemap.xml: every public page, with absolute addresses under the site's base URL.

The sitemap protocol allows 50,000 addresses a file; a larger record gets a sitemap index
naming `sitemap-1.xml`, `sitemap-2.xml`… The addresses are read from the store a page at a
time, never all held at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from xml.sax.saxutils import escape

from coercionwatch.analysis.coverage import wave_entries
from coercionwatch.model import KINDS
from coercionwatch.store import reader

from .view import PublicView

PER_FILE = 50_000

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
    "coverage",
    "data",
    "search",
)


def page_paths(view: PublicView) -> Iterator[str]:
    yield from TOP_PAGES
    waves, _ = wave_entries(view.connection, public_only=True)
    yield from (f"coverage/{wave.id}" for wave in waves)
    for kind in KINDS:
        for ids in reader.shown_ids(view.connection, kind):
            yield from (f"{kind}/{record_id}" for record_id in ids)


def sitemap_files(view: PublicView, site: str, *, suffix: str = "") -> Iterator[tuple[str, bytes]]:
    """(file name, content) of the sitemap: `sitemap.xml` alone, or an index and its parts.
    `suffix` is `/index.html` for the static site, whose pages are files in folders."""
    base = site.rstrip("/")
    paths = page_paths(view)
    parts = []
    while chunk := list(islice(paths, PER_FILE)):
        parts.append(_urlset(base, chunk, suffix))
    if len(parts) <= 1:
        yield "sitemap.xml", parts[0] if parts else _urlset(base, [], suffix)
        return
    names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    yield from zip(names, parts, strict=True)
    listed = "\n".join(f"  <sitemap><loc>{escape(f'{base}/{n}')}</loc></sitemap>" for n in names)
    yield (
        "sitemap.xml",
        (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{listed}\n</sitemapindex>\n"
        ).encode(),
    )


def _urlset(base: str, paths: list[str], suffix: str) -> bytes:
    urls = []
    for path in paths:
        location = f"{base}/{path}{suffix}" if path else f"{base}/"
        urls.append(f"  <url><loc>{escape(location)}</loc></url>")
    body = "\n".join(urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}\n</urlset>\n"
    ).encode()
